import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.errors import ServiceError
from backoffice.services import api_key_create
from tenants.actors import operator_actor
from tenants.selectors import app_get


class Command(BaseCommand):
    help = "Create another API key for an app. The key is printed once, on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("app", help="The app's id (app_…).")
        parser.add_argument("--name", default="", help="A label for the key.")
        parser.add_argument(
            "--json", action="store_true", help='Print one line {"key_id", "api_key"}.'
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            app = app_get(app_id=options["app"])
            api_key, raw_key = api_key_create(app=app, name=options["name"], actor=operator_actor())
        except ServiceError as error:
            raise CommandError(error.message) from None
        if options["json"]:
            self.stdout.write(
                json.dumps({"app_id": app.pk, "key_id": api_key.pk, "api_key": raw_key})
            )
            return
        self.stdout.write(f"API key {api_key.pk} for {app.name} — shown once, store it now:")
        self.stdout.write(raw_key)
