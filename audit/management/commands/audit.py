import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db.models import QuerySet

from audit.management.commands._arguments import time_range_parse
from audit.models import AuditEvent
from tenants.models import App

COLUMNS = (
    "id",
    "created_at",
    "app_id",
    "actor_type",
    "actor_id",
    "action_type",
    "target_type",
    "target_id",
    "request_id",
    "payload_snapshot",
)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise CommandError(f"--limit must be a positive whole number, not {value!r}.")
    return number


def _record(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "created_at": event.created_at.isoformat(),
        "app_id": event.app_id,
        "actor_type": event.actor_type,
        "actor_id": event.actor_id,
        "action_type": event.action_type,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "request_id": event.request_id,
        "payload_snapshot": event.payload_snapshot,
    }


class _Lines:
    """Lets csv.writer write through the command's stdout wrapper, which adds no line ends."""

    def __init__(self, out: OutputWrapper) -> None:
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(text, ending="")


class Command(BaseCommand):
    help = (
        "Query the audit trail of every app, or of one, and export it as JSON lines (one event "
        "per line) or CSV, newest first, to stdout or to --output FILE. Filters combine with "
        "AND; --since is inclusive and --until exclusive."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app", help="Only this app's events (app_…).")
        parser.add_argument(
            "--action",
            action="append",
            default=[],
            help="Only this action type, e.g. RESOLVE_GRACE_PERIOD (repeat for several).",
        )
        parser.add_argument("--target-type", help="Only events about this kind of object.")
        parser.add_argument("--target-id", help="Only events about this object, e.g. gp_….")
        parser.add_argument("--actor", help="Only events by this actor, e.g. staff:alice.")
        parser.add_argument(
            "--since", help="From this moment (ISO 8601 or a date; UTC when no offset)."
        )
        parser.add_argument(
            "--until", help="Before this moment (ISO 8601 or a date; UTC when no offset)."
        )
        parser.add_argument("--limit", help="At most this many events (the newest).")
        parser.add_argument(
            "--format", choices=("jsonl", "csv"), default="jsonl", help="Default: jsonl."
        )
        parser.add_argument("--output", help="Write to this file instead of stdout.")

    def _events(self, options: dict[str, Any]) -> QuerySet[AuditEvent]:
        since, until = time_range_parse(since=options["since"], until=options["until"])
        limit = _positive(options["limit"]) if options["limit"] is not None else None
        if options["app"] is not None:
            app = App.objects.filter(pk=options["app"]).first()
            if app is None:
                raise CommandError(f"No app with the id {options['app']!r}.")
            events = AuditEvent.objects.for_app(app)
        else:
            events = AuditEvent.objects.all_tenants()
        if options["action"]:
            events = events.filter(action_type__in=[action.upper() for action in options["action"]])
        if options["target_type"]:
            events = events.filter(target_type=options["target_type"])
        if options["target_id"]:
            events = events.filter(target_id=options["target_id"])
        if options["actor"]:
            events = events.filter(actor_id=options["actor"])
        if since is not None:
            events = events.filter(created_at__gte=since)
        if until is not None:
            events = events.filter(created_at__lt=until)
        events = events.order_by("-created_at", "-id")
        return events[:limit] if limit is not None else events

    def _write(self, events: Iterator[AuditEvent], *, output_format: str, out: Any) -> int:
        count = 0
        if output_format == "csv":
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(COLUMNS)
            for event in events:
                record = _record(event)
                record["payload_snapshot"] = json.dumps(record["payload_snapshot"], sort_keys=True)
                writer.writerow([record[column] for column in COLUMNS])
                count += 1
        else:
            for event in events:
                out.write(json.dumps(_record(event), sort_keys=True) + "\n")
                count += 1
        return count

    def handle(self, *args: Any, **options: Any) -> None:
        events = self._events(options).iterator(chunk_size=2000)
        if options["output"] is None:
            count = self._write(events, output_format=options["format"], out=_Lines(self.stdout))
        else:
            path = Path(options["output"])
            try:
                file: TextIO = path.open("w", encoding="utf-8", newline="")
            except OSError as error:
                raise CommandError(f"Cannot write {path}: {error.strerror}.") from None
            with file:
                count = self._write(events, output_format=options["format"], out=file)
        destination = options["output"] or "stdout"
        # On stderr, so that stdout carries nothing but the export.
        self.stderr.write(f"Exported {count} audit event(s) to {destination}.")
