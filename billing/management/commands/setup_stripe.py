from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from billing.providers.base import ProviderError
from billing.stripe_account import stripe_account_setup


class Command(BaseCommand):
    help = (
        "Record the Stripe account and key, and register this service's webhook endpoint with "
        "Stripe (URL + our webhook path), storing the signing secret Stripe answers. Running it "
        "again checks the recorded endpoint at Stripe and changes nothing while it is there, "
        "enabled and subscribed to our events; otherwise it registers a new one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            required=True,
            help="Where Stripe reaches this service, e.g. https://pay.example.com",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base_url: str = options["base_url"]
        if not base_url.startswith(("http://", "https://")):
            raise CommandError("--base-url must start with http:// or https://")
        try:
            result = stripe_account_setup(base_url=base_url)
        except ProviderError as error:
            raise CommandError(error.message) from None
        if result.replaced_because is not None:
            state = f"Re-registered (the recorded one was {result.replaced_because}):"
        elif result.endpoint_created:
            state = "Registered"
        else:
            state = "Already registered (nothing changed):"
        self.stdout.write(f"Stripe account {result.account_id or '(unknown)'}.")
        self.stdout.write(f"{state} webhook endpoint {result.endpoint_url}")
