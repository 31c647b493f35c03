from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.models import App
from usage.sync import usage_sync


class Command(BaseCommand):
    help = (
        "Report usage to the provider's billing meters now: the same run as the beat job "
        "usage.tasks.usage_sync. Safe to repeat: each bucket's change is reported once, under "
        "a deterministic identifier."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app", help="Only this app (app_…); default every app.")
        parser.add_argument(
            "--rate", type=float, help="Provider calls per second (default from settings)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        app = None
        if options["app"]:
            app = App.objects.filter(pk=options["app"]).first()
            if app is None:
                raise CommandError(f"No such app: {options['app']}")
        summary = usage_sync(app=app, rate_per_second=options["rate"])
        if summary.skipped:
            raise CommandError("Another usage sync is running; try again when it has finished.")
        self.stdout.write(
            f"planned {summary.planned}, reported {summary.reported}, already at the provider "
            f"{summary.duplicates}, failed {summary.failed}, deferred {summary.deferred} "
            f"(waited {summary.waited_seconds:.1f} s for the rate limit)"
        )
        for error in summary.errors:
            self.stderr.write(f"provider unavailable: {error}")
