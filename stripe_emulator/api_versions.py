"""Which ``Stripe-Version`` headers Stripe accepts.

Until 2024-06-20 a version was a release date (``2023-10-16``). Since 2024-09-30 a version is
``YYYY-MM-DD.name``: each named release (acacia, basil, clover, dahlia) starts with a breaking
version and continues with monthly additive ones under the same name (docs.stripe.com/changelog).
Anything else, a date that was no release, a name from another release or a version newer
than the one the emulator speaks, Stripe answers 400 ``Invalid Stripe API version: ...``.
"""

from __future__ import annotations

import datetime
import re

from stripe_emulator.errors import StripeApiError, invalid_request_error
from stripe_emulator.state import API_VERSION

# The dated versions before named releases, as listed in Stripe's changelog.
DATED_VERSIONS = frozenset(
    """
    2011-06-21 2011-06-28 2011-08-01 2011-09-15 2012-02-23 2012-03-25 2012-06-18 2012-07-09
    2012-09-24 2012-10-26 2012-11-07 2013-02-11 2013-02-13 2013-07-05 2013-08-12 2013-08-13
    2013-10-29 2013-12-03 2014-01-31 2014-03-13 2014-03-28 2014-05-19 2014-06-13 2014-06-17
    2014-07-22 2014-07-26 2014-08-04 2014-08-20 2014-09-08 2014-10-07 2014-11-05 2014-11-20
    2014-12-08 2014-12-17 2014-12-22 2015-01-11 2015-01-26 2015-02-10 2015-02-16 2015-02-18
    2015-03-24 2015-04-07 2015-06-15 2015-07-07 2015-07-13 2015-07-28 2015-08-07 2015-08-19
    2015-09-03 2015-09-08 2015-09-23 2015-10-01 2015-10-12 2015-10-16 2016-02-03 2016-02-19
    2016-02-22 2016-02-23 2016-02-29 2016-03-07 2016-06-15 2016-07-06 2016-10-19 2017-01-27
    2017-02-14 2017-04-06 2017-05-25 2017-06-05 2017-08-15 2017-12-14 2018-01-23 2018-02-05
    2018-02-06 2018-02-28 2018-05-21 2018-07-27 2018-08-23 2018-09-06 2018-09-24 2018-10-31
    2018-11-08 2019-02-11 2019-02-19 2019-03-14 2019-05-16 2019-08-14 2019-09-09 2019-10-08
    2019-10-17 2019-11-05 2019-12-03 2020-03-02 2020-08-27 2022-08-01 2022-11-15 2023-08-16
    2023-10-16 2024-04-10 2024-06-20
    """.split()  # noqa: SIM905 - a list as Stripe's changelog shows it
)

# Each named release and the date of its first (breaking) version.
NAMED_RELEASES = (
    ("acacia", datetime.date(2024, 9, 30)),
    ("basil", datetime.date(2025, 3, 31)),
    ("clover", datetime.date(2025, 9, 30)),
    ("dahlia", datetime.date(2026, 3, 25)),
)

_NAMED_VERSION = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\.([a-z]+)$")


def _release_on(day: datetime.date) -> str | None:
    current = None
    for name, first_day in NAMED_RELEASES:
        if day >= first_day:
            current = name
    return current


def _pinned_date() -> datetime.date:
    return datetime.date.fromisoformat(API_VERSION.split(".")[0])


def is_known_version(version: str) -> bool:
    """A dated version from the changelog, or ``date.name`` where the date falls in that
    named release and is no later than the version the emulator speaks.

    Monthly versions inside a release are recognised by their release's date range rather than
    one by one, so an unreleased day inside a release's months passes where Stripe would refuse
    it; every other malformed or misnamed version is refused.
    """
    if version in DATED_VERSIONS:
        return True
    found = _NAMED_VERSION.match(version)
    if found is None:
        return False
    year, month, day, name = found.groups()
    try:
        released = datetime.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return released <= _pinned_date() and _release_on(released) == name


def require_known_version(version: str | None) -> None:
    """No header means the account's default version; a header must name a real version."""
    if version is None:
        return
    if not is_known_version(version.strip()):
        raise invalid_version_error(version)


def invalid_version_error(version: str) -> StripeApiError:
    return invalid_request_error(f"Invalid Stripe API version: {version}")
