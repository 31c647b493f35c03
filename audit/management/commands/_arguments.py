"""Command-line arguments shared by the operator commands (`audit`, `replay_stripe_events`)."""

from datetime import UTC, datetime, time

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime


def moment_parse(value: str, *, option: str) -> datetime:
    """An ISO 8601 timestamp, or a date (its midnight); without an offset it is UTC."""
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = datetime.combine(day, time()) if day is not None else None
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(
            f"{option} must be an ISO 8601 timestamp such as 2026-01-31T12:00:00Z or a date "
            f"such as 2026-01-31, not {value!r}."
        )
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def time_range_parse(
    *, since: str | None, until: str | None
) -> tuple[datetime | None, datetime | None]:
    """--since (inclusive) and --until (exclusive); the first must come before the second."""
    since_moment = moment_parse(since, option="--since") if since is not None else None
    until_moment = moment_parse(until, option="--until") if until is not None else None
    if since_moment and until_moment and since_moment >= until_moment:
        raise CommandError("--since must be before --until.")
    return since_moment, until_moment
