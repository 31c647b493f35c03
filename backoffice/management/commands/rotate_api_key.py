import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.errors import ServiceError
from backoffice.services import api_key_rotate
from tenants.actors import operator_actor


class Command(BaseCommand):
    help = "Replace an API key: issue a new one and revoke the old. The new key is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key_id", help="The public id of the key to replace.")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            new_key, raw_key = api_key_rotate(key_id=options["key_id"], actor=operator_actor())
        except ServiceError as error:
            raise CommandError(error.message) from None
        if options["json"]:
            self.stdout.write(json.dumps({"key_id": new_key.pk, "api_key": raw_key}))
            return
        self.stdout.write(f"Revoked {options['key_id']}; new key {new_key.pk} — shown once:")
        self.stdout.write(raw_key)
