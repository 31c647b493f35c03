"""Payment providers by name. A provider is one module implementing `PaymentProvider`; adding
one (PayPal is next) means adding its module and a line to `PAYMENT_PROVIDERS` in settings,
never touching the billing code."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from billing.providers.base import PaymentProvider
    from tenants.models import App


def provider_names() -> list[str]:
    return sorted(settings.PAYMENT_PROVIDERS)


def provider_class(name: str) -> "Callable[..., PaymentProvider]":
    """The provider's class; every one is built as `cls(app=app)`."""
    provider: Callable[..., PaymentProvider] = import_string(settings.PAYMENT_PROVIDERS[name])
    return provider


def provider_for(*, app: "App") -> "PaymentProvider":
    """The provider an app uses, built from its configuration."""
    return provider_class(app.provider)(app=app)
