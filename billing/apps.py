from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from billing.webhooks import webhook_handlers_connect

        webhook_handlers_connect()
