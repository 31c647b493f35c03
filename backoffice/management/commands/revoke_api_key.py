from datetime import datetime
from typing import Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.errors import ServiceError
from backoffice.services import api_key_revoke
from tenants.actors import operator_actor


class Command(BaseCommand):
    help = "Revoke an API key by its public id (psk_test_…); requests with it then answer 401."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key_id", help="The key's public id, e.g. psk_test_4fj2Kq9ZbW1x.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            api_key = api_key_revoke(key_id=options["key_id"], actor=operator_actor())
        except ServiceError as error:
            raise CommandError(error.message) from None
        revoked_at = cast(datetime, api_key.revoked_at)  # just set by api_key_revoke
        self.stdout.write(f"Revoked {api_key.pk} at {revoked_at.isoformat()}.")
