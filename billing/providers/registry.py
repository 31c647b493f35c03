"""Payment providers by name. A provider is one module implementing `PaymentProvider`; adding
one (PayPal is next) means adding a line here, never touching the billing code."""

from typing import TYPE_CHECKING

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from billing.providers.base import PaymentProvider
    from tenants.models import App

_PROVIDER_CLASSES: dict[str, str] = {
    "stripe": "billing.providers.stripe.StripeProvider",
}


def provider_names() -> list[str]:
    return sorted(_PROVIDER_CLASSES)


def provider_class(name: str) -> type:
    return import_string(_PROVIDER_CLASSES[name])


def provider_for(*, app: "App") -> "PaymentProvider":
    """The provider an app uses, built from its configuration."""
    return provider_class(app.provider)(app=app)
