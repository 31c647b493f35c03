"""The demo's one connection to payment-service, through the typed client."""

from functools import cache

from django.conf import settings
from payment_service_client import PaymentService


@cache
def service() -> PaymentService:
    return PaymentService(
        settings.PAYMENT_SERVICE_API_KEY, settings.PAYMENT_SERVICE_URL, timeout=30, max_retries=2
    )
