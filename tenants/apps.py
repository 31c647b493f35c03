from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _api_keys_changed(**_: Any) -> None:
    from tenants.selectors import api_keys_changed

    api_keys_changed()


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenants (apps and API keys)"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tenants import schema  # noqa: F401 - registers the OpenAPI extensions
        from tenants.models import ApiKey, App

        auditlog.register(App)
        auditlog.register(ApiKey, exclude_fields=["key_hash"])
        # Whatever changes a key or an app (services, the admin) drops the cached keys.
        for model in (ApiKey, App):
            post_save.connect(
                _api_keys_changed, sender=model, dispatch_uid=f"keys-{model.__name__}"
            )
            post_delete.connect(
                _api_keys_changed, sender=model, dispatch_uid=f"keys-{model.__name__}-delete"
            )
