import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.errors import ServiceError
from backoffice.services import app_create
from tenants.actors import operator_actor
from tenants.models import AppMode


class Command(BaseCommand):
    help = (
        "Create an app (tenant) with its first API key. The key is printed once, on the last line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The app's name, e.g. 'Acme CRM'.")
        parser.add_argument("--mode", choices=AppMode.values, default=AppMode.TEST)
        parser.add_argument(
            "--provider", default="stripe", help="Payment provider (default stripe)."
        )
        parser.add_argument(
            "--json", action="store_true", help='Print one line {"app_id", "api_key"}.'
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            app, api_key, raw_key = app_create(
                name=options["name"],
                mode=options["mode"],
                provider=options["provider"],
                actor=operator_actor(),
            )
        except ServiceError as error:
            raise CommandError(error.message) from None
        if options["json"]:
            self.stdout.write(
                json.dumps({"app_id": app.pk, "api_key": raw_key, "key_id": api_key.pk})
            )
            return
        self.stdout.write(
            f"Created app {app.name} ({app.pk}), mode {app.mode}, provider {app.provider}."
        )
        self.stdout.write(f"API key {api_key.pk} — shown once, store it now:")
        self.stdout.write(raw_key)
