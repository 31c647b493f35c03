"""Stripe's webhooks, after dj-stripe has done its part: it checks the signature and the
timestamp (400 otherwise), stores the event, drops a duplicate event id (200, nothing run
again), re-fetches the event's object from Stripe into its mirror tables, and sends the signal
inside its transaction. Each handler here only routes the event to a service.

Handlers act on the object as dj-stripe just re-fetched it, not as the event carried it: two
events can share a timestamp (a trial ends and its first payment fails in the same second) and
arrive in either order, and only the current object says which came last. Objects that are not
ours (no metadata of an app we know) are ignored by the services, so the endpoint answers 200.
Slow work (the apps' outbound webhooks) goes to Celery when the transaction commits."""

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import stripe
from django.http import HttpRequest, HttpResponse
from djstripe import models as djstripe_models
from djstripe.signals import WEBHOOK_SIGNALS
from djstripe.views import ProcessWebhookView

from billing import checkout, clocks, invoices, payment_methods, payments
from billing import subscription_webhook_sync as subscriptions
from billing.providers.base import ProviderEvent
from billing.providers.stripe import (
    provider_event,
    setup_intent_result,
    subscription_result,
    test_clock_result,
)

logger = logging.getLogger(__name__)


class StripeWebhookView(ProcessWebhookView):  # type: ignore[misc]  # dj-stripe is untyped
    """dj-stripe's webhook endpoint (config/urls.py routes its address here), except for an
    event whose object Stripe says does not exist when dj-stripe re-fetches it: dj-stripe has
    recorded the failure on its WebhookEventTrigger (the admin shows it, replay_stripe_events
    can run it again), and no retry can make the object exist, so the answer is 200 rather than
    a 500 that Stripe would retry for three days. Any other failure stays a 500, which Stripe
    retries: a Stripe outage while re-fetching, say."""

    def post(self, request: HttpRequest, uuid: Any) -> HttpResponse:
        try:
            response: HttpResponse = super().post(request, uuid)
            return response
        except stripe.InvalidRequestError as error:
            if error.http_status != 404:
                raise
            logger.warning(
                "Stripe event about an object Stripe does not have; recorded, not retried.",
                extra={"stripe_error": str(error)},
            )
            return HttpResponse("Recorded; its object does not exist at Stripe.", status=200)


# What dj-stripe mirrors of each object type, so a handler can read it as just re-fetched.
# dj-stripe ships no type hints, so its models are Any to mypy.
_MIRRORS: dict[str, Any] = {
    "subscription": djstripe_models.Subscription,
    "invoice": djstripe_models.Invoice,
    "payment_intent": djstripe_models.PaymentIntent,
    "charge": djstripe_models.Charge,
    "refund": djstripe_models.Refund,
    "setup_intent": djstripe_models.SetupIntent,
    "customer": djstripe_models.Customer,
}


def _provider_event(event: djstripe_models.Event) -> ProviderEvent:
    return provider_event(
        {
            "id": event.id,
            "type": event.type,
            "created": int(event.created.timestamp()),
            "livemode": event.livemode,
            "data": event.data,
        }
    )


def _current(data_object: Mapping[str, Any]) -> Mapping[str, Any]:
    """The object as dj-stripe re-fetched it while processing this event, else as the event
    carried it (an object Stripe no longer has)."""
    mirror = _MIRRORS.get(str(data_object.get("object")))
    if mirror is None or not data_object.get("id"):
        return data_object
    fetched = (
        mirror.objects.filter(id=data_object["id"]).values_list("stripe_data", flat=True).first()
    )
    return fetched or data_object


def _invoice_subscription(invoice: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    """The invoice's subscription id and that subscription's metadata (API 2025-03-31 and
    later keep both under `parent.subscription_details`)."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    reference = details.get("subscription") or invoice.get("subscription") or ""
    if isinstance(reference, Mapping):
        reference = reference.get("id", "")
    return str(reference), details.get("metadata") or {}


def on_subscription_event(sender: Any, event: djstripe_models.Event, **kwargs: Any) -> None:
    received = _provider_event(event)
    subscription = _current(received.data_object)
    if subscription.get("object") != "subscription":
        return
    subscriptions.subscription_sync_from_provider(
        result=subscription_result(subscription),
        provider_state_at=received.created,
        metadata=subscription.get("metadata") or {},
    )


def on_invoice_event(sender: Any, event: djstripe_models.Event, **kwargs: Any) -> None:
    invoices.invoice_sync_from_provider(invoice_object=_provider_event(event).data_object)


def on_invoice_upcoming(sender: Any, event: djstripe_models.Event, **kwargs: Any) -> None:
    # A preview: it has no id, and nothing to re-read.
    invoices.invoice_upcoming_announce(invoice_object=_provider_event(event).data_object)


def on_invoice_paid(sender: Any, event: djstripe_models.Event, **kwargs: Any) -> None:
    received = _provider_event(event)
    invoice = _current(received.data_object)
    invoices.invoice_sync_from_provider(invoice_object=invoice)
    reference, metadata = _invoice_subscription(invoice)
    if not reference:
        return
    subscriptions.subscription_invoice_paid(
        provider_subscription_reference=reference,
        metadata=metadata,
        invoice_reference=str(invoice.get("id")),
        provider_time=received.created,
    )


def on_invoice_payment_failed(sender: Any, event: djstripe_models.Event, **kwargs: Any) -> None:
    received = _provider_event(event)
    invoice = _current(received.data_object)
    invoices.invoice_sync_from_provider(invoice_object=invoice)
    reference, metadata = _invoice_subscription(invoice)
    if not reference:
        return
    paid_at = (invoice.get("status_transitions") or {}).get("paid_at")
    subscriptions.subscription_invoice_payment_failed(
        provider_subscription_reference=reference,
        metadata=metadata,
        invoice_reference=str(invoice.get("id")),
        invoice_status=str(invoice.get("status") or ""),
        opened_the_subscription=invoice.get("billing_reason") == "subscription_create",
        provider_time=received.created,
        paid_at=datetime.fromtimestamp(paid_at, tz=UTC) if paid_at else None,
    )


def on_payment_intent_event(sender: Any, event: djstripe_models.Event, **kwargs: Any) -> None:
    payments.payment_sync_from_intent(intent=_current(_provider_event(event).data_object))


def on_charge_refunded(sender: Any, event: djstripe_models.Event, **kwargs: Any) -> None:
    payments.payment_sync_from_charge(charge=_current(_provider_event(event).data_object))


def on_refund_event(sender: Any, event: djstripe_models.Event, **kwargs: Any) -> None:
    payments.refund_sync_from_provider(refund=_current(_provider_event(event).data_object))


def on_checkout_session_event(sender: Any, event: djstripe_models.Event, **kwargs: Any) -> None:
    received = _provider_event(event)
    session = received.data_object
    if session.get("object") != "checkout.session":
        return
    checkout.checkout_session_sync_from_provider(
        provider_reference=str(session.get("id") or ""),
        metadata=session.get("metadata") or {},
        provider_state_at=received.created,
    )


def on_checkout_subscription_created(
    sender: Any, event: djstripe_models.Event, **kwargs: Any
) -> None:
    """A subscription a checkout session made may arrive before the session's completion: it
    is adopted now (then on_subscription_event applies its state again, harmlessly)."""
    received = _provider_event(event)
    subscription = _current(received.data_object)
    if subscription.get("object") != "subscription":
        return
    checkout.checkout_subscription_adopt(
        result=subscription_result(subscription),
        metadata=subscription.get("metadata") or {},
        provider_state_at=received.created,
    )


def on_test_clock_event(sender: Any, event: djstripe_models.Event, **kwargs: Any) -> None:
    test_clock = _provider_event(event).data_object
    clocks.test_clock_sync_from_provider(result=test_clock_result(test_clock))


def on_setup_intent_succeeded(sender: Any, event: djstripe_models.Event, **kwargs: Any) -> None:
    received = _provider_event(event)
    setup_intent = _current(received.data_object)
    payment_methods.customer_default_from_setup_intent(
        setup_intent=setup_intent_result(setup_intent), provider_time=received.created
    )


def on_customer_updated(sender: Any, event: djstripe_models.Event, **kwargs: Any) -> None:
    received = _provider_event(event)
    customer = _current(received.data_object)
    if customer.get("object") != "customer" or not customer.get("id"):
        return
    default = (customer.get("invoice_settings") or {}).get("default_payment_method")
    if isinstance(default, Mapping):
        default = default.get("id")
    payment_methods.customer_default_sync_from_provider(
        customer_reference=str(customer["id"]),
        default_payment_method=str(default or ""),
        provider_time=received.created,
    )


HANDLERS: dict[str, Callable[..., None]] = {
    "customer.subscription.created": on_subscription_event,
    "customer.subscription.updated": on_subscription_event,
    "customer.subscription.deleted": on_subscription_event,
    "customer.subscription.trial_will_end": on_subscription_event,
    "invoice.created": on_invoice_event,
    "invoice.finalized": on_invoice_event,
    "invoice.voided": on_invoice_event,
    "invoice.marked_uncollectible": on_invoice_event,
    "invoice.upcoming": on_invoice_upcoming,
    "invoice.paid": on_invoice_paid,
    "invoice.payment_failed": on_invoice_payment_failed,
    "payment_intent.succeeded": on_payment_intent_event,
    "payment_intent.payment_failed": on_payment_intent_event,
    "charge.refunded": on_charge_refunded,
    "refund.created": on_refund_event,
    "refund.updated": on_refund_event,
    "refund.failed": on_refund_event,
    "setup_intent.succeeded": on_setup_intent_succeeded,
    "customer.updated": on_customer_updated,
    "test_helpers.test_clock.ready": on_test_clock_event,
    "test_helpers.test_clock.internal_failure": on_test_clock_event,
    "checkout.session.completed": on_checkout_session_event,
    "checkout.session.async_payment_succeeded": on_checkout_session_event,
    "checkout.session.async_payment_failed": on_checkout_session_event,
    "checkout.session.expired": on_checkout_session_event,
}

# More handlers of an event already routed above, each run after it.
CHECKOUT_HANDLERS: dict[str, Callable[..., None]] = {
    "customer.subscription.created": on_checkout_subscription_created,
}


def webhook_handlers_connect() -> None:
    """Connects the handlers after dj-stripe's own (its app is installed first), so they read
    the objects dj-stripe has just re-fetched."""
    for event_type, handler in HANDLERS.items():
        WEBHOOK_SIGNALS[event_type].connect(
            handler, sender=djstripe_models.Event, dispatch_uid=f"billing:{event_type}"
        )
    for event_type, handler in CHECKOUT_HANDLERS.items():
        WEBHOOK_SIGNALS[event_type].connect(
            handler, sender=djstripe_models.Event, dispatch_uid=f"billing:checkout:{event_type}"
        )
