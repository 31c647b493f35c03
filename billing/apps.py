from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from billing.credits import credit_grants_on_test_clock_ready
        from billing.models import TestClock
        from billing.signals import test_clock_ready
        from billing.webhooks import webhook_handlers_connect

        webhook_handlers_connect()
        test_clock_ready.connect(
            credit_grants_on_test_clock_ready,
            sender=TestClock,
            dispatch_uid="billing:credit_grants:test_clock_ready",
        )
