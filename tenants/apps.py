from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenants (apps and API keys)"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tenants.models import ApiKey, App

        auditlog.register(App)
        auditlog.register(ApiKey, exclude_fields=["key_hash"])
