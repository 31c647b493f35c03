from datetime import UTC, datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from grace.services import grace_periods_expire


def _as_of(value: str) -> datetime:
    """An ISO 8601 timestamp, or a date (midnight); without an offset it is UTC."""
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = datetime.combine(day, time()) if day is not None else None
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(
            f"--as-of must be an ISO 8601 timestamp such as 2026-01-31T12:00:00Z, not {value!r}."
        )
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = (
        "Expire every active grace period (of every app) whose end has come, as the scheduled "
        "job does every minute; prints how many expired."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            help="Run as of this moment (ISO 8601, e.g. 2026-01-31T12:00:00Z; UTC when no "
            "offset is given) instead of now.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _as_of(options["as_of"]) if options["as_of"] is not None else timezone.now()
        expired = grace_periods_expire(now=as_of)
        self.stdout.write(f"Expired {expired} grace period(s) as of {as_of.isoformat()}.")
