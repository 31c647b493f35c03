from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.errors import ServiceError
from billing.providers.base import ProviderError
from catalog.services import catalog_sync
from tenants.actors import operator_actor
from tenants.models import App


class Command(BaseCommand):
    help = (
        "Push each app's catalog (plans, versions, prices) to its payment provider. Creates only "
        "what is missing, so a second run creates nothing; reports drift; --pull imports prices "
        "made in the provider's dashboard that carry an app's metadata."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app", help="Only this app (app_…); default every active app.")
        parser.add_argument(
            "--pull", action="store_true", help="Import unknown provider prices as plans."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only read the provider; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        apps = App.objects.filter(is_active=True)
        if options["app"]:
            apps = App.objects.filter(pk=options["app"])
            if not apps.exists():
                raise CommandError(f"No such app: {options['app']}")
        actor = operator_actor()
        for app in apps.order_by("created_at"):
            try:
                report = catalog_sync(
                    app=app, actor=actor, dry_run=options["dry_run"], pull=options["pull"]
                )
            except (ProviderError, ServiceError) as error:
                raise CommandError(f"{app.pk}: {error.message}") from None
            prefix = "[dry run] " if options["dry_run"] else ""
            self.stdout.write(f"{prefix}{app.name} ({app.pk}):")
            for line in report.created:
                self.stdout.write(
                    f"  created {line}" if not line.startswith("would") else f"  {line}"
                )
            for line in report.imported:
                self.stdout.write(f"  {line}")
            for line in report.drift:
                self.stdout.write(f"  drift: {line}")
            if not report.created and not report.imported:
                self.stdout.write("  created nothing: the provider already has the whole catalog.")
