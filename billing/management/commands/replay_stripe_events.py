from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from djstripe.models import Event

from audit.management.commands._arguments import time_range_parse


class Command(BaseCommand):
    help = (
        "Re-process Stripe events that dj-stripe stored, by id or by time range, by running "
        "their webhook handlers again, oldest first. Our handlers are idempotent, so a replay "
        "repairs what a failed or missed run left behind and changes nothing else."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--id",
            dest="ids",
            action="append",
            default=[],
            metavar="EVENT_ID",
            help="A stored event's id, evt_… (repeat for several).",
        )
        parser.add_argument(
            "--since",
            help="Events Stripe created from this moment on (ISO 8601 or a date; UTC when no "
            "offset).",
        )
        parser.add_argument(
            "--until", help="Events Stripe created before this moment (as --since)."
        )
        parser.add_argument(
            "--type",
            dest="types",
            action="append",
            default=[],
            help="Only events of this type, e.g. invoice.payment_failed (repeat for several).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the events that would be replayed."
        )

    def _events(self, options: dict[str, Any]) -> list[Event]:
        ids: list[str] = options["ids"]
        since, until = time_range_parse(since=options["since"], until=options["until"])
        if not ids and since is None and until is None:
            raise CommandError("Name the events: --id evt_… (repeatable), or --since/--until.")
        malformed = [event_id for event_id in ids if not event_id.startswith("evt_")]
        if malformed:
            raise CommandError(f"Not a Stripe event id: {', '.join(malformed)}.")
        events = Event.objects.all()
        if ids:
            events = events.filter(id__in=ids)
            missing = sorted(set(ids) - set(events.values_list("id", flat=True)))
            if missing:
                raise CommandError(f"No stored event with the id {', '.join(missing)}.")
        if since is not None:
            events = events.filter(created__gte=since)
        if until is not None:
            events = events.filter(created__lt=until)
        if options["types"]:
            events = events.filter(type__in=options["types"])
        return list(events.order_by("created", "id"))

    def handle(self, *args: Any, **options: Any) -> None:
        events = self._events(options)
        if not events:
            self.stdout.write("No stored events match; nothing replayed.")
            return
        verb = "Would replay" if options["dry_run"] else "Replayed"
        failed = []
        for event in events:
            line = f"{event.id} {event.type} (created {event.created.isoformat()})"
            if options["dry_run"]:
                self.stdout.write(f"{verb} {line}")
                continue
            try:
                # As dj-stripe processes an event: the handlers' writes commit together or not
                # at all.
                with transaction.atomic():
                    event.invoke_webhook_handlers()
            except Exception as error:  # noqa: BLE001 - report each event and go on
                failed.append(event.id)
                self.stderr.write(f"Failed {line}: {type(error).__name__}: {error}")
                continue
            self.stdout.write(f"{verb} {line}")
        done = len(events) - len(failed)
        self.stdout.write(f"{verb} {done} event(s).")
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(events)} event(s) failed: {', '.join(failed)}."
            )
