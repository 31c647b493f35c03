from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from billing.providers.base import ProviderError
from tenants.models import App
from usage.sync import usage_reconcile


class Command(BaseCommand):
    help = (
        "Compare our usage totals with the provider meters' summaries, per customer, metric and "
        "billing period of the last 35 days, and report the drift; a period reported in the "
        "last USAGE_RECONCILE_SETTLE_SECONDS is left to settle (the summaries lag). --fix sends "
        "what is unsent and reports what that cannot explain as one correction, idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app", help="Only this app (app_…); default every active app.")
        parser.add_argument("--fix", action="store_true", help="Repair the drift.")
        parser.add_argument(
            "--rate", type=float, help="Provider calls per second (default from settings)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        app = None
        if options["app"]:
            app = App.objects.filter(pk=options["app"]).first()
            if app is None:
                raise CommandError(f"No such app: {options['app']}")
        try:
            drifts = usage_reconcile(app=app, fix=options["fix"], rate_per_second=options["rate"])
        except ProviderError as error:
            raise CommandError(f"The provider could not be read: {error}") from None
        for drift in drifts:
            self.stdout.write(
                f"{drift.app_id} {drift.customer_id} {drift.metric_code} "
                f"[{drift.window_start:%Y-%m-%dT%H:%MZ}, {drift.window_end:%Y-%m-%dT%H:%MZ}) "
                f"ours {drift.ours} provider {drift.provider} drift {drift.drift:+d} "
                f"(not yet reported: {drift.unsent})" + (" fixed" if drift.fixed else "")
            )
        fixed = sum(1 for drift in drifts if drift.fixed)
        self.stdout.write(
            f"{len(drifts)} window(s) with drift" + (f", {fixed} fixed" if options["fix"] else "")
        )
