"""dj-stripe's wiring: our Stripe account, API key and webhook endpoint as dj-stripe records them.
What an operator does once against real Stripe, `manage.py setup_stripe` does through here."""

from dataclasses import dataclass
from urllib.parse import urljoin
from uuid import uuid4

import stripe
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from djstripe.models import APIKey, WebhookEndpoint

from billing.providers.base import ProviderUnavailableError
from billing.providers.stripe import DEFAULT_API_BASE

# What our handlers act on (billing/webhooks.py); dj-stripe also mirrors these objects.
WEBHOOK_EVENTS = [
    "charge.refunded",
    "checkout.session.async_payment_failed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.completed",
    "checkout.session.expired",
    "customer.updated",
    "customer.subscription.created",
    "customer.subscription.deleted",
    "customer.subscription.trial_will_end",
    "customer.subscription.updated",
    "invoice.created",
    "invoice.finalized",
    "invoice.marked_uncollectible",
    "invoice.paid",
    "invoice.payment_failed",
    "invoice.upcoming",
    "invoice.voided",
    "payment_intent.payment_failed",
    "payment_intent.succeeded",
    "refund.created",
    "refund.failed",
    "refund.updated",
    "setup_intent.succeeded",
    "test_helpers.test_clock.internal_failure",
    "test_helpers.test_clock.ready",
]


def stripe_sdk_configure() -> None:
    """dj-stripe calls Stripe through the SDK's module-level settings; point them where ours go."""
    stripe.api_base = getattr(settings, "STRIPE_API_HOST", "") or DEFAULT_API_BASE
    stripe.api_version = settings.STRIPE_API_VERSION


@dataclass(frozen=True)
class StripeSetupResult:
    account_id: str
    endpoint_url: str
    endpoint_created: bool
    # Why the endpoint recorded before was replaced ("missing at Stripe", ...), if it was.
    replaced_because: str | None = None


def stripe_webhook_path(endpoint: WebhookEndpoint) -> str:
    return reverse("djstripe:djstripe_webhook_by_uuid", kwargs={"uuid": endpoint.djstripe_uuid})


def stripe_webhook_endpoint_problem(endpoint: WebhookEndpoint, *, api_key: str) -> str | None:
    """What keeps the endpoint as Stripe has it (GET /v1/webhook_endpoints/{id}) from sending
    us our events, or None when it is there, enabled, at its URL and subscribed to them."""
    try:
        stripe_endpoint = endpoint.api_retrieve(api_key=api_key)
    except stripe.InvalidRequestError as error:
        if error.code == "resource_missing":
            return "missing at Stripe"
        raise
    if stripe_endpoint["status"] != "enabled":
        return f"{stripe_endpoint['status']} at Stripe"
    if stripe_endpoint["url"] != endpoint.url:
        return f"its URL at Stripe is {stripe_endpoint['url']}"
    enabled_events = set(stripe_endpoint["enabled_events"])
    missing_events = set(WEBHOOK_EVENTS) - enabled_events
    if "*" not in enabled_events and missing_events:
        return "not subscribed at Stripe to " + ", ".join(sorted(missing_events))
    return None


def _stale_webhook_endpoint_remove(endpoint: WebhookEndpoint, *, api_key: str) -> None:
    """Delete it at Stripe (so that it cannot deliver twice) and here."""
    try:
        endpoint._api_delete(api_key=api_key)
    except stripe.InvalidRequestError as error:
        if error.code != "resource_missing":
            raise
    endpoint.delete()


@transaction.atomic
def stripe_account_setup(*, base_url: str) -> StripeSetupResult:
    """Records the account and key, and registers our webhook endpoint with Stripe once.

    A recorded endpoint is checked at Stripe first: one Stripe lost (an emulator restarted
    empty, an endpoint deleted in the dashboard), disabled or changed is replaced."""
    api_key = settings.STRIPE_SECRET_KEY
    if not api_key:
        raise ProviderUnavailableError("STRIPE_SECRET_KEY is not set.")
    stripe_sdk_configure()
    try:
        key_record, _ = APIKey.objects.get_or_create_by_api_key(api_key)
        if key_record.djstripe_owner_account is None:
            key_record.refresh_account()
        account = key_record.djstripe_owner_account
        base_url = base_url.rstrip("/") + "/"
        replaced_because = None
        for endpoint in WebhookEndpoint.objects.all():
            if endpoint.url != urljoin(base_url, stripe_webhook_path(endpoint).lstrip("/")):
                continue
            replaced_because = stripe_webhook_endpoint_problem(endpoint, api_key=api_key)
            if replaced_because is None:
                return StripeSetupResult(
                    account_id=account.id if account else "",
                    endpoint_url=endpoint.url,
                    endpoint_created=False,
                )
            _stale_webhook_endpoint_remove(endpoint, api_key=api_key)
            break
        endpoint_uuid = uuid4()
        path = reverse("djstripe:djstripe_webhook_by_uuid", kwargs={"uuid": endpoint_uuid})
        data = WebhookEndpoint._api_create(
            url=urljoin(base_url, path.lstrip("/")),
            api_version=settings.STRIPE_API_VERSION,
            enabled_events=WEBHOOK_EVENTS,
            metadata={"djstripe_uuid": str(endpoint_uuid)},
            api_key=api_key,
            idempotency_key=f"setup-webhook-{endpoint_uuid}",
        )
        endpoint = WebhookEndpoint.sync_from_stripe_data(data, api_key=api_key)
    except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as error:
        raise ProviderUnavailableError(f"Stripe could not be reached: {error}") from error
    return StripeSetupResult(
        account_id=account.id if account else "",
        endpoint_url=endpoint.url,
        endpoint_created=True,
        replaced_because=replaced_because,
    )
