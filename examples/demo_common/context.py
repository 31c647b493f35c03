from typing import Any

from django.conf import settings
from django.http import HttpRequest
from payment_service_client import PaymentServiceError

from . import hooks
from .accounts import account_of, clock_now


def demo(request: HttpRequest) -> dict[str, Any]:
    account = account_of(request.user)
    extra = hooks.call("context", request) if account else None
    clock_time = None
    if account is not None:
        try:
            clock_time = clock_now(account)
        except PaymentServiceError:
            clock_time = None
    return {
        "demo_name": settings.DEMO_NAME,
        "demo_tagline": settings.DEMO_TAGLINE,
        "demo_nav": settings.DEMO_NAV,
        "account": account,
        "clock_time": clock_time,
        **(extra or {}),
    }
