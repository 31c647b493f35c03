from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from notifications.models import WebhookEndpoint


class Command(BaseCommand):
    help = (
        "Rewrite the secrets kept encrypted at rest (the apps' webhook signing secrets) under the "
        "first of SECRETS_ENCRYPTION_KEYS, after a new key was put first. Every key listed must "
        "still decrypt what it wrote; remove an old key only after this ran."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        try:
            with transaction.atomic():
                endpoints = WebhookEndpoint.all_tenants_manager.select_for_update().order_by("pk")
                for endpoint in endpoints:
                    # Read decrypted with any key, saved encrypted with the first.
                    endpoint.save(update_fields=["secret"])
                    count += 1
        except ImproperlyConfigured as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        self.stdout.write(f"Re-encrypted {count} webhook signing secret(s) under the first key.")
