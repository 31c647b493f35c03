from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from api.encryption import decrypt_bytes, encrypt_bytes
from notifications.models import WebhookEndpoint
from tenants.models import IdempotencyKey


class Command(BaseCommand):
    help = (
        "Rewrite what is kept encrypted at rest (the apps' webhook signing secrets, the "
        "responses kept for Idempotency-Key replays) under the first of SECRETS_ENCRYPTION_KEYS, "
        "after a new key was put first. Every key listed must still decrypt what it wrote; "
        "remove an old key only after this ran."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                endpoints = WebhookEndpoint.all_tenants_manager.select_for_update().order_by("pk")
                for endpoint in endpoints:
                    # Read decrypted with any key, saved encrypted with the first.
                    endpoint.save(update_fields=["secret"])
                replays = IdempotencyKey.all_tenants_manager.select_for_update().filter(
                    response_body__isnull=False
                )
                for record in replays:
                    # Never None: the query keeps only rows with a body.
                    body = cast(bytes | memoryview, record.response_body)
                    record.response_body = encrypt_bytes(decrypt_bytes(bytes(body)))
                    record.save(update_fields=["response_body"])
        except ImproperlyConfigured as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        self.stdout.write(
            f"Re-encrypted {len(endpoints)} webhook signing secret(s) and {len(replays)} kept "
            "response(s) under the first key."
        )
