"""Cards a customer saves with the app's own form (Stripe Elements), and the customer's saved
cards.

The app asks for a setup intent (`setup_intent_create`) and its front end confirms the
`client_secret` with the provider's publishable key; when the provider reports the setup
succeeded (a webhook), the card becomes the customer's default at the provider (the invoices'
default, and each live subscription's) and in our row. The saved cards themselves are read from
the provider on each request, so they are never stale; the default is mirrored on the customer.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from api.errors import ConflictError, NotFoundError
from audit.services import audit_event_record
from billing.audit_actions import BillingAuditAction
from billing.clocks import customer_time
from billing.errors import BillingErrorCode
from billing.models import Customer, Subscription
from billing.providers.base import (
    Capability,
    PaymentMethodResult,
    ProviderError,
    ProviderRequestError,
    SetupIntentRequest,
    SetupIntentResult,
    SetupIntentStatus,
    SetupIntentUsage,
)
from billing.providers.capabilities import capability_supported_check
from billing.providers.errors import api_error_from_provider
from billing.providers.keys import provider_idempotency_key
from billing.providers.registry import provider_for
from billing.selectors import CURRENT_SUBSCRIPTION_STATUSES, customer_get
from tenants.actors import STRIPE, Actor
from tenants.models import App

PAYMENT_METHOD_PARAM = "payment_method"


@dataclass(frozen=True, kw_only=True)
class CustomerSetupIntent:
    """A setup intent of a customer, as the app's front end needs it."""

    customer_id: str
    id: str
    client_secret: str
    status: str
    usage: str


@dataclass(frozen=True, kw_only=True)
class CustomerPaymentMethod:
    """A saved card of a customer, and whether it is the customer's default."""

    customer_id: str
    card: PaymentMethodResult
    default: bool


def customer_at_provider(*, app: App, customer_id: str) -> Customer:
    customer = customer_get(app=app, customer_id=customer_id)
    if not customer.provider_customer_id:
        raise ConflictError(
            "The customer is not at the provider yet; retry shortly.",
            code=BillingErrorCode.CUSTOMER_NOT_SYNCED,
            param="customer",
        )
    return customer


def _live_subscription_references(customer: Customer) -> list[str]:
    return list(
        Subscription.objects.for_app(customer.app)
        .filter(customer=customer, status__in=CURRENT_SUBSCRIPTION_STATUSES)
        .exclude(provider_subscription_id="")
        .order_by("created_at")
        .values_list("provider_subscription_id", flat=True)
    )


def _customer_payment_method(
    customer: Customer, card: PaymentMethodResult
) -> CustomerPaymentMethod:
    return CustomerPaymentMethod(
        customer_id=customer.pk,
        card=card,
        default=card.provider_reference == customer.default_payment_method,
    )


def _card_snapshot(card: PaymentMethodResult) -> dict[str, object]:
    return {
        "id": card.provider_reference,
        "type": card.type,
        "brand": card.brand,
        "last4": card.last4,
        "exp_month": card.exp_month,
        "exp_year": card.exp_year,
    }


# Setup intents


def setup_intent_create(
    *,
    app: App,
    actor: Actor,
    customer_id: str,
    usage: str = SetupIntentUsage.OFF_SESSION,
    request_key: str | None = None,
) -> CustomerSetupIntent:
    """A setup intent at the provider for the customer's card, which the app's front end
    confirms with its `client_secret`. Nothing is kept here but the audit event: the provider's
    webhook says when the setup succeeded."""
    capability_supported_check(app=app, capability=Capability.PAYMENT_METHOD_ATTACH, param=None)
    customer = customer_at_provider(app=app, customer_id=customer_id)
    try:
        result = provider_for(app=app).setup_intent_create(
            SetupIntentRequest(
                idempotency_key=provider_idempotency_key(
                    app_id=app.pk,
                    request_key=request_key,
                    # Without the app's key every request is a new setup.
                    object_id=f"{customer.pk}:{secrets.token_hex(8)}",
                    operation="setup_intent",
                ),
                app_id=app.pk,
                customer_id=customer.pk,
                customer_reference=customer.provider_customer_id,
                usage=SetupIntentUsage(usage),
            )
        )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    with transaction.atomic():
        audit_event_record(
            app=app,
            actor=actor,
            action_type=BillingAuditAction.CREATE_SETUP_INTENT,
            target_type="customer",
            target_id=customer.pk,
            payload_snapshot={
                "setup_intent": result.provider_reference,
                "usage": str(usage),
                "status": str(result.status),
            },
        )
    return CustomerSetupIntent(
        customer_id=customer.pk,
        id=result.provider_reference,
        client_secret=result.client_secret,
        status=str(result.status),
        usage=str(usage),
    )


def customer_default_from_setup_intent(
    *, setup_intent: SetupIntentResult, provider_time: datetime
) -> Customer | None:
    """The provider says the customer completed a setup: its card becomes the customer's
    default (at the provider and here), audited as the provider's doing. Idempotent; a setup
    older than the default chosen since never takes it back; not ours → None."""
    if setup_intent.status != SetupIntentStatus.SUCCEEDED:
        return None
    app_id = str(setup_intent.metadata.get("app_id") or "")
    customer_id = str(setup_intent.metadata.get("customer_id") or "")
    payment_method = setup_intent.payment_method_reference
    if not (app_id and customer_id and payment_method):
        return None
    found = Customer.objects.all_tenants().filter(app_id=app_id, pk=customer_id).first()
    if found is None or found.provider_customer_id != setup_intent.customer_reference:
        return None
    with transaction.atomic():
        customer = Customer.objects.for_app(found.app).select_for_update().get(pk=found.pk)
        if customer.default_payment_method == payment_method:
            return customer
        chosen_at = customer.default_payment_method_set_at
        if chosen_at is not None and provider_time < chosen_at:
            return customer
        try:
            provider_for(app=customer.app).payment_method_make_default(
                customer_reference=customer.provider_customer_id,
                payment_method_reference=payment_method,
                subscription_references=_live_subscription_references(customer),
                idempotency_key=f"ps_{setup_intent.provider_reference}_default",
            )
        except ProviderRequestError:
            # Detached since (the customer or the app removed it): nothing to make default.
            return customer
        previous = customer.default_payment_method
        customer.default_payment_method = payment_method
        customer.default_payment_method_set_at = provider_time
        customer.save(
            update_fields=["default_payment_method", "default_payment_method_set_at", "updated_at"]
        )
        audit_event_record(
            app=customer.app,
            actor=STRIPE,
            action_type=BillingAuditAction.SET_DEFAULT_PAYMENT_METHOD,
            target_type="customer",
            target_id=customer.pk,
            payload_snapshot={
                "source": "setup_intent",
                "setup_intent": setup_intent.provider_reference,
                "from": previous,
                "to": payment_method,
            },
        )
    return customer


def customer_payment_method_saved(
    *,
    app: App,
    actor: Actor,
    customer_id: str,
    payment_id: str,
    payment_method: str,
    customer_reference: str,
) -> Customer:
    """A payment saved what the customer paid with for their next payments (a PayPal payer
    vaulted when they approved): it becomes the customer's default, and the provider's
    customer it was saved under becomes theirs. Runs in the payment's transaction; the same
    again changes nothing."""
    customer = Customer.objects.for_app(app).select_for_update().get(pk=customer_id)
    previous_reference = customer.provider_customer_id
    reference = customer_reference or previous_reference
    if customer.default_payment_method == payment_method and reference == previous_reference:
        return customer
    previous = customer.default_payment_method
    customer.provider_customer_id = reference
    customer.default_payment_method = payment_method
    customer.default_payment_method_set_at = customer_time(customer=customer)
    customer.save(
        update_fields=[
            "provider_customer_id",
            "default_payment_method",
            "default_payment_method_set_at",
            "updated_at",
        ]
    )
    audit_event_record(
        app=app,
        actor=actor,
        action_type=BillingAuditAction.SET_DEFAULT_PAYMENT_METHOD,
        target_type="customer",
        target_id=customer.pk,
        payload_snapshot={
            "source": "payment",
            "payment": payment_id,
            "from": previous,
            "to": payment_method,
            "provider_customer_id": {"from": previous_reference, "to": reference},
        },
    )
    return customer


# The customer's saved cards


def payment_method_list(*, app: App, customer_id: str) -> list[CustomerPaymentMethod]:
    """The customer's cards as the provider holds them now, newest first."""
    customer = customer_at_provider(app=app, customer_id=customer_id)
    try:
        cards: Sequence[PaymentMethodResult] = provider_for(app=app).payment_method_list(
            customer_reference=customer.provider_customer_id
        )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    return [_customer_payment_method(customer, card) for card in cards]


def _card_of(customer: Customer, payment_method_id: str) -> PaymentMethodResult:
    """The customer's card at the provider; another customer's (or app's) is a 404."""
    try:
        return provider_for(app=customer.app).payment_method_retrieve(
            customer_reference=customer.provider_customer_id,
            payment_method_reference=payment_method_id,
        )
    except ProviderRequestError:
        raise NotFoundError("payment method", param=PAYMENT_METHOD_PARAM) from None
    except ProviderError as error:
        raise api_error_from_provider(error) from None


def payment_method_default_set(
    *,
    app: App,
    actor: Actor,
    customer_id: str,
    payment_method_id: str,
    request_key: str | None = None,
) -> CustomerPaymentMethod:
    """Makes one of the customer's cards the default: the one renewals and invoices charge."""
    customer = customer_at_provider(app=app, customer_id=customer_id)
    card = _card_of(customer, payment_method_id)
    with transaction.atomic():
        customer = Customer.objects.for_app(app).select_for_update().get(pk=customer.pk)
        try:
            provider_for(app=app).payment_method_make_default(
                customer_reference=customer.provider_customer_id,
                payment_method_reference=card.provider_reference,
                subscription_references=_live_subscription_references(customer),
                idempotency_key=provider_idempotency_key(
                    app_id=app.pk,
                    request_key=request_key,
                    object_id=f"{customer.pk}:{card.provider_reference}:{secrets.token_hex(8)}",
                    operation="default_payment_method",
                ),
            )
        except ProviderError as error:
            raise api_error_from_provider(error, param=PAYMENT_METHOD_PARAM) from None
        previous = customer.default_payment_method
        customer.default_payment_method = card.provider_reference
        customer.default_payment_method_set_at = customer_time(customer=customer)
        customer.save(
            update_fields=["default_payment_method", "default_payment_method_set_at", "updated_at"]
        )
        audit_event_record(
            app=app,
            actor=actor,
            action_type=BillingAuditAction.SET_DEFAULT_PAYMENT_METHOD,
            target_type="customer",
            target_id=customer.pk,
            payload_snapshot={"source": "api", "from": previous, "to": card.provider_reference},
        )
    return _customer_payment_method(customer, card)


def payment_method_detach(
    *,
    app: App,
    actor: Actor,
    customer_id: str,
    payment_method_id: str,
    force: bool = False,
    request_key: str | None = None,
) -> CustomerPaymentMethod:
    """Removes a card from the customer. The last card of a customer whose subscription is
    live (trialing, active, past due) is refused with 409 `last_payment_method` unless `force`:
    its renewals would have nothing to charge."""
    customer = customer_at_provider(app=app, customer_id=customer_id)
    card = _card_of(customer, payment_method_id)
    cards = payment_method_list(app=app, customer_id=customer.pk)
    is_last = [item.card.provider_reference for item in cards] == [card.provider_reference]
    if is_last and not force and _live_subscription_references(customer):
        raise ConflictError(
            "This is the customer's last card and their subscription renews on it; add "
            "another card first, or detach it with force=true.",
            code=BillingErrorCode.LAST_PAYMENT_METHOD,
            param=PAYMENT_METHOD_PARAM,
        )
    with transaction.atomic():
        customer = Customer.objects.for_app(app).select_for_update().get(pk=customer.pk)
        try:
            provider_for(app=app).payment_method_detach(
                payment_method_reference=card.provider_reference,
                idempotency_key=provider_idempotency_key(
                    app_id=app.pk,
                    request_key=request_key,
                    object_id=f"{customer.pk}:{card.provider_reference}",
                    operation="detach_payment_method",
                ),
            )
        except ProviderError as error:
            raise api_error_from_provider(error, param=PAYMENT_METHOD_PARAM) from None
        was_default = customer.default_payment_method == card.provider_reference
        if was_default:
            # The provider has no default for the customer's invoices any more either.
            customer.default_payment_method = ""
            customer.default_payment_method_set_at = customer_time(customer=customer)
            customer.save(
                update_fields=[
                    "default_payment_method",
                    "default_payment_method_set_at",
                    "updated_at",
                ]
            )
        audit_event_record(
            app=app,
            actor=actor,
            action_type=BillingAuditAction.DETACH_PAYMENT_METHOD,
            target_type="customer",
            target_id=customer.pk,
            payload_snapshot={
                "payment_method": _card_snapshot(card),
                "was_default": was_default,
                "forced": force and is_last,
            },
        )
    return CustomerPaymentMethod(customer_id=customer.pk, card=card, default=False)


def customer_default_sync_from_provider(
    *, customer_reference: str, default_payment_method: str, provider_time: datetime
) -> Customer | None:
    """The provider says the customer's default card changed (the customer replaced it in the
    billing portal, say): our row follows, audited as the provider's doing. A state older than
    the default chosen since never wins; the same value changes nothing; not ours → None."""
    found = (
        Customer.objects.all_tenants()
        .filter(provider_customer_id=customer_reference)
        .exclude(provider_customer_id="")
        .first()
    )
    if found is None:
        return None
    with transaction.atomic():
        customer = Customer.objects.for_app(found.app).select_for_update().get(pk=found.pk)
        if customer.default_payment_method == default_payment_method:
            return customer
        chosen_at = customer.default_payment_method_set_at
        if chosen_at is not None and provider_time < chosen_at:
            return customer
        previous = customer.default_payment_method
        customer.default_payment_method = default_payment_method
        customer.default_payment_method_set_at = provider_time
        customer.save(
            update_fields=["default_payment_method", "default_payment_method_set_at", "updated_at"]
        )
        audit_event_record(
            app=customer.app,
            actor=STRIPE,
            action_type=BillingAuditAction.SET_DEFAULT_PAYMENT_METHOD,
            target_type="customer",
            target_id=customer.pk,
            payload_snapshot={
                "source": "provider",
                "from": previous,
                "to": default_payment_method,
            },
        )
    return customer
