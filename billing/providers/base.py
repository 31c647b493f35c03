"""The payment provider interface. Billing code speaks only these types; each provider module
(`stripe.py`, `paypal.py`) is the one place that knows its SDK, maps the provider's
statuses to our enums, and raises only the errors below."""

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Protocol

from api.errors import ErrorCode


class ProviderError(Exception):
    """Base of what a provider raises; billing services turn these into API errors."""

    def __init__(self, message: str, *, code: str = "", param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.param = param


class ProviderUnavailableError(ProviderError):
    """Could not reach the provider, or it failed on its side (5xx, 429 after retries,
    timeouts). The request may be retried with the same idempotency key."""


class ProviderRequestError(ProviderError):
    """The provider refused the request itself (an unknown payment method, a bad parameter)."""


class ProviderDeclinedError(ProviderError):
    """The card or bank declined. `charge` is the failed payment as the provider left it."""

    def __init__(
        self,
        message: str,
        *,
        code: enum.StrEnum | str = ErrorCode.CARD_DECLINED,
        decline_code: str = "",
        charge: "ChargeResult | None" = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message, code=code, param=param)
        self.decline_code = decline_code
        self.charge = charge


class Capability(enum.StrEnum):
    """What a provider can do beyond one-time payments and refunds, declared by each provider
    class (`capabilities`); a request that needs one its app's provider lacks answers 400
    `provider_capability_unsupported` before anything is written
    (billing/providers/capabilities.py)."""

    # Payment methods saved at the provider: `payment_method` on payments (the customer's
    # default when left out), the customer's saved methods (list, default, remove).
    SAVED_PAYMENT_METHODS = "saved_payment_methods"
    # A payment method the app collects with its own form and attaches (Stripe Elements):
    # `payment_method` on customers, setup intents.
    PAYMENT_METHOD_ATTACH = "payment_method_attach"
    # A customer with no saved payment method pays with `return_url` on the provider's page,
    # which saves what they paid with for the next payments (PayPal's vault).
    PAYMENT_METHOD_SAVED_AT_APPROVAL = "payment_method_saved_at_approval"
    # Charging a customer who is not present (`off_session`).
    OFF_SESSION_PAYMENTS = "off_session_payments"
    # A payment without `return_url`: nothing has to send the customer anywhere.
    PAYMENTS_WITHOUT_REDIRECT = "payments_without_redirect"
    # Prepaid credits that the provider's invoices consume before charging (Stripe's billing
    # credit grants).
    CREDIT_GRANTS = "credit_grants"
    # A subscription without `return_url`: the provider needs no approval of it by the payer.
    SUBSCRIPTIONS_WITHOUT_APPROVAL = "subscriptions_without_approval"
    SUBSCRIPTIONS = "subscriptions"
    METERED_USAGE = "metered_usage"
    # Plans with a base price and metered prices together.
    HYBRID_PLANS = "hybrid_plans"
    TEST_CLOCKS = "test_clocks"
    # The provider's hosted payment page (`/v1/checkout-sessions`).
    CHECKOUT = "checkout"
    # Coupons and promotion codes held at the provider and redeemed into discounts.
    COUPONS = "coupons"
    # Its events arrive at our generic `POST /webhooks/<provider>/` (Stripe's go through
    # dj-stripe's endpoint instead).
    WEBHOOK_ENDPOINT = "webhook_endpoint"


class ChargeStatus(enum.StrEnum):
    SUCCEEDED = "succeeded"
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    FAILED = "failed"
    CANCELED = "canceled"


class RefundStatus(enum.StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"


class SubscriptionStatus(enum.StrEnum):
    INCOMPLETE = "incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired"
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"
    UNPAID = "unpaid"
    PAUSED = "paused"


class TestClockStatus(enum.StrEnum):
    READY = "ready"
    ADVANCING = "advancing"
    INTERNAL_FAILURE = "internal_failure"


class Proration(enum.StrEnum):
    CREATE_PRORATIONS = "create_prorations"
    NONE = "none"
    ALWAYS_INVOICE = "always_invoice"


@dataclass(frozen=True, kw_only=True)
class CustomerRequest:
    idempotency_key: str
    app_id: str
    customer_id: str
    external_id: str | None = None
    email: str = ""
    name: str = ""
    description: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)
    payment_method: str = ""
    # The provider's test clock the customer lives on (test mode only).
    test_clock: str = ""


@dataclass(frozen=True, kw_only=True)
class CustomerResult:
    provider_reference: str
    default_payment_method: str = ""


@dataclass(frozen=True, kw_only=True)
class ProductRequest:
    idempotency_key: str
    app_id: str
    plan_id: str
    plan_code: str
    name: str
    active: bool = True


@dataclass(frozen=True, kw_only=True)
class MeterRequest:
    idempotency_key: str
    app_id: str
    metric_code: str
    event_name: str
    display_name: str
    aggregation: str  # sum | count | last


@dataclass(frozen=True, kw_only=True)
class PriceTier:
    up_to: int | None  # None = infinity
    unit_amount: int = 0
    # Set instead of unit_amount for a price in fractions of the minor unit.
    unit_amount_decimal: Decimal | None = None
    flat_amount: int = 0


@dataclass(frozen=True, kw_only=True)
class PriceRequest:
    idempotency_key: str
    app_id: str
    plan_id: str
    plan_code: str
    plan_version: int
    product_reference: str
    currency: str
    interval: str  # day | week | month | year
    interval_count: int = 1
    # A licensed price has unit_amount; a metered one has meter_reference and unit_amount or tiers.
    unit_amount: int | None = None
    unit_amount_decimal: Decimal | None = None
    meter_reference: str | None = None
    metric_code: str | None = None
    tiers: Sequence[PriceTier] = ()
    # The plan's trial, for providers whose trials are part of the price (PayPal's billing
    # plans open with a TRIAL cycle); others take the trial with each subscription.
    trial_period_days: int = 0


@dataclass(frozen=True, kw_only=True)
class CatalogObject:
    """A product, price or meter as the provider holds it (for sync and drift reports)."""

    provider_reference: str
    kind: str  # product | price | meter
    active: bool
    metadata: Mapping[str, str]
    raw: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class ChargeRequest:
    idempotency_key: str  # derived from our attempt id, so a retry can't charge twice
    app_id: str
    payment_id: str
    amount_minor: int
    currency: str
    customer_reference: str
    payment_method: str = ""
    description: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)
    # Where the provider sends the customer back after a redirect (3-D Secure); without it,
    # and not off session, the payment takes no method that redirects.
    return_url: str = ""
    # The customer is not present: a card that needs authentication is declined, not held.
    off_session: bool = False


@dataclass(frozen=True, kw_only=True)
class ChargeResult:
    status: ChargeStatus
    provider_reference: str
    charge_reference: str = ""
    client_secret: str = ""
    # Where to send the customer to authenticate, while the payment requires action.
    redirect_url: str = ""
    amount_refunded: int = 0
    failure_code: str = ""
    failure_message: str = ""
    decline_code: str = ""
    raw_response: Mapping[str, Any] = field(default_factory=dict)
    # What the payment saved for the customer's next payments (a vaulted PayPal payer), and
    # the provider's customer it was saved under.
    saved_payment_method: str = ""
    saved_customer_reference: str = ""


@dataclass(frozen=True, kw_only=True)
class RefundRequest:
    idempotency_key: str
    app_id: str
    refund_id: str
    payment_reference: str
    amount_minor: int
    reason: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class RefundResult:
    status: RefundStatus
    provider_reference: str
    amount_minor: int
    raw_response: Mapping[str, Any] = field(default_factory=dict)
    # As the provider's refund object (a webhook's) says: the payment it refunds, our refund's
    # id when we asked for it, and why it failed.
    payment_reference: str = ""
    charge_reference: str = ""
    refund_id: str = ""
    failure_reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ChargeRefundState:
    """What a provider's charge says about refunds (from a `charge.refunded` webhook)."""

    payment_reference: str
    charge_reference: str
    amount_refunded: int
    refunds: Sequence[RefundResult] = ()


@dataclass(frozen=True, kw_only=True)
class SubscriptionItemRequest:
    price_reference: str
    quantity: int | None = 1  # None for metered prices


@dataclass(frozen=True, kw_only=True)
class DiscountRequest:
    """A coupon or a promotion code (one of the two references) to redeem into a discount."""

    coupon_reference: str = ""
    promotion_code_reference: str = ""


@dataclass(frozen=True, kw_only=True)
class CouponRequest:
    idempotency_key: str
    app_id: str
    coupon_id: str
    name: str
    duration: str  # once | repeating | forever
    percent_off: Decimal | None = None
    amount_off: int | None = None
    currency: str = ""
    duration_in_months: int | None = None
    max_redemptions: int | None = None
    redeem_by: datetime | None = None
    # The provider's products of the plans it applies to (empty: every plan).
    product_references: Sequence[str] = ()


@dataclass(frozen=True, kw_only=True)
class PromotionCodeRequest:
    idempotency_key: str
    app_id: str
    promotion_code_id: str
    coupon_reference: str
    code: str
    max_redemptions: int | None = None
    expires_at: datetime | None = None
    customer_reference: str = ""
    first_time_transaction: bool = False


@dataclass(frozen=True, kw_only=True)
class SubscriptionRequest:
    idempotency_key: str
    app_id: str
    subscription_id: str
    customer_reference: str
    items: Sequence[SubscriptionItemRequest]
    trial_period_days: int = 0
    payment_method: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)
    # Where the provider sends the customer back after approving the subscription at the
    # provider's page (PayPal); without it no such approval can be asked for.
    return_url: str = ""
    discounts: Sequence[DiscountRequest] = ()


@dataclass(frozen=True, kw_only=True)
class DiscountResult:
    """A discount on a subscription at the provider, and the coupon (and code) it redeemed."""

    discount_reference: str
    coupon_reference: str = ""
    promotion_code_reference: str = ""


@dataclass(frozen=True, kw_only=True)
class SubscriptionResult:
    status: SubscriptionStatus
    provider_reference: str
    trial_end: datetime | None = None
    current_period_start: datetime | None = None
    current_period_end: datetime | None = None
    cancel_at_period_end: bool = False
    canceled_at: datetime | None = None
    # price reference -> subscription item reference
    item_references: Mapping[str, str] = field(default_factory=dict)
    # The provider's discounts on the subscription (coupon and code only where it said them).
    discounts: Sequence[DiscountResult] = ()
    client_secret: str = ""
    raw_response: Mapping[str, Any] = field(default_factory=dict)
    # The provider's page where the customer approves the subscription (while incomplete) or
    # a plan change (which waits for that approval); empty when nothing awaits them.
    approval_url: str = ""


@dataclass(frozen=True, kw_only=True)
class SubscriptionChangeRequest:
    idempotency_key: str
    provider_reference: str
    items: Sequence[SubscriptionItemRequest]
    proration: Proration = Proration.CREATE_PRORATIONS
    # Where the provider sends the customer back if the change needs their approval.
    return_url: str = ""
    # Replaces the subscription's discounts when given.
    discounts: Sequence[DiscountRequest] = ()


@dataclass(frozen=True, kw_only=True)
class SubscriptionScheduleRequest:
    """Change the subscription's items to `items` at its current period's end, through a
    schedule the provider holds (the subscription's existing one is reused, so a second
    scheduled change replaces the first)."""

    idempotency_key: str
    provider_reference: str
    items: Sequence[SubscriptionItemRequest]


@dataclass(frozen=True, kw_only=True)
class SubscriptionScheduleResult:
    schedule_reference: str
    # When the scheduled items take over: the current period's end.
    changes_at: datetime


@dataclass(frozen=True, kw_only=True)
class UsageReport:
    identifier: str  # deterministic, so a retried or crashed sync never counts twice
    event_name: str
    customer_reference: str
    value: int
    timestamp: datetime


@dataclass(frozen=True, kw_only=True)
class UsageReportResult:
    identifier: str
    accepted: bool
    duplicate: bool = False
    error: str = ""


@dataclass(frozen=True, kw_only=True)
class TestClockRequest:
    idempotency_key: str
    frozen_time: datetime
    name: str = ""


@dataclass(frozen=True, kw_only=True)
class TestClockResult:
    provider_reference: str
    frozen_time: datetime
    status: TestClockStatus
    # While advancing: the time it is moving to.
    target_frozen_time: datetime | None = None


class SetupIntentStatus(enum.StrEnum):
    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    REQUIRES_CONFIRMATION = "requires_confirmation"
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    CANCELED = "canceled"


class SetupIntentUsage(enum.StrEnum):
    ON_SESSION = "on_session"
    OFF_SESSION = "off_session"


@dataclass(frozen=True, kw_only=True)
class SetupIntentRequest:
    """Saving a card for later payments, confirmed by the customer in the app's own form."""

    idempotency_key: str
    app_id: str
    customer_id: str
    customer_reference: str
    usage: SetupIntentUsage = SetupIntentUsage.OFF_SESSION


@dataclass(frozen=True, kw_only=True)
class SetupIntentResult:
    provider_reference: str
    status: SetupIntentStatus
    client_secret: str = ""
    customer_reference: str = ""
    payment_method_reference: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)


class CheckoutSessionStatus(enum.StrEnum):
    OPEN = "open"
    COMPLETE = "complete"
    EXPIRED = "expired"


class CheckoutPaymentStatus(enum.StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    NO_PAYMENT_REQUIRED = "no_payment_required"


@dataclass(frozen=True, kw_only=True)
class CheckoutLineItem:
    """A plan's price (subscription mode), or an amount charged once (payment mode)."""

    price_reference: str = ""
    quantity: int | None = 1  # None for metered prices
    amount_minor: int = 0
    currency: str = ""
    name: str = ""


@dataclass(frozen=True, kw_only=True)
class CheckoutSessionRequest:
    idempotency_key: str
    app_id: str
    checkout_session_id: str
    mode: str  # payment | subscription | setup
    customer_reference: str
    success_url: str
    cancel_url: str = ""
    line_items: Sequence[CheckoutLineItem] = ()
    trial_period_days: int = 0
    description: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)
    # The buyer may type a promotion code on the provider's page; or one discount applied.
    allow_promotion_codes: bool = False
    discounts: Sequence[DiscountRequest] = ()


@dataclass(frozen=True, kw_only=True)
class PaymentMethodResult:
    """A customer's saved card (or other saved payment method), as the provider holds it."""

    provider_reference: str
    customer_reference: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    # "card", or "paypal" for a saved PayPal payer (no last4 or expiry, its email instead).
    type: str = "card"
    email: str = ""


@dataclass(frozen=True, kw_only=True)
class PortalPrice:
    """A price the billing portal lets a customer switch to, with its product."""

    product_reference: str
    price_reference: str


@dataclass(frozen=True, kw_only=True)
class PortalConfigurationRequest:
    idempotency_key: str
    app_id: str
    headline: str
    # Switching plans is offered when there are at least two prices to switch between.
    prices: Sequence[PortalPrice] = ()


@dataclass(frozen=True, kw_only=True)
class PortalSessionRequest:
    idempotency_key: str
    customer_reference: str
    configuration_reference: str
    return_url: str


@dataclass(frozen=True, kw_only=True)
class PortalSessionResult:
    provider_reference: str
    url: str
    return_url: str
    created: datetime


@dataclass(frozen=True, kw_only=True)
class CheckoutSessionResult:
    provider_reference: str
    status: CheckoutSessionStatus
    payment_status: CheckoutPaymentStatus
    url: str
    expires_at: datetime
    # What the completed session produced, as the provider holds it now.
    payment: ChargeResult | None = None
    subscription: SubscriptionResult | None = None
    # The card the customer gave (saved for later payments).
    payment_method: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)
    raw_response: Mapping[str, Any] = field(default_factory=dict)


class InvoiceStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PAID = "paid"
    VOID = "void"
    UNCOLLECTIBLE = "uncollectible"


@dataclass(frozen=True, kw_only=True)
class InvoiceLineResult:
    description: str
    amount_minor: int
    quantity: int
    price_reference: str = ""
    # A credit or charge for part of a period, after a plan change.
    proration: bool = False
    period_start: datetime | None = None
    period_end: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class InvoiceDiscountResult:
    """What one discount took off an invoice, and the coupon (and code) it came from."""

    discount_reference: str
    amount_minor: int
    coupon_reference: str = ""
    promotion_code_reference: str = ""


@dataclass(frozen=True, kw_only=True)
class InvoicePaymentAttemptResult:
    """One charge of an invoice: a renewal, one of its retries, a payment asked for now."""

    charge_reference: str
    payment_reference: str
    amount_minor: int
    currency: str
    succeeded: bool
    attempted_at: datetime
    failure_code: str = ""
    failure_message: str = ""
    decline_code: str = ""
    payment_method: str = ""


@dataclass(frozen=True, kw_only=True)
class InvoiceResult:
    """An invoice as the provider holds it now (or, for a preview, as it would be)."""

    provider_reference: str
    customer_reference: str
    status: InvoiceStatus
    currency: str
    subscription_reference: str = ""
    # The subscription's metadata as the invoice carries it (our app_id, subscription_id).
    subscription_metadata: Mapping[str, Any] = field(default_factory=dict)
    number: str = ""
    billing_reason: str = ""
    subtotal: int = 0
    total: int = 0
    amount_due: int = 0
    amount_paid: int = 0
    amount_remaining: int = 0
    period_start: datetime | None = None
    period_end: datetime | None = None
    lines: Sequence[InvoiceLineResult] = ()
    discounts: Sequence[InvoiceDiscountResult] = ()
    hosted_invoice_url: str = ""
    invoice_pdf: str = ""
    attempt_count: int = 0
    next_payment_attempt: datetime | None = None
    created: datetime | None = None
    finalized_at: datetime | None = None
    paid_at: datetime | None = None
    voided_at: datetime | None = None
    marked_uncollectible_at: datetime | None = None
    attempts: Sequence[InvoicePaymentAttemptResult] = ()
    # The prepaid credits applied before charging (the provider's credit transactions).
    credits_applied_minor: int = 0
    credit_transaction_references: Sequence[str] = ()
    raw_response: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class CreditGrantRequest:
    idempotency_key: str
    app_id: str
    credit_grant_id: str
    customer_reference: str
    amount_minor: int
    currency: str
    # The metered prices it applies to; empty: every metered price.
    price_references: Sequence[str] = ()
    priority: int = 50
    expires_at: datetime | None = None
    name: str = ""


@dataclass(frozen=True, kw_only=True)
class CreditGrantResult:
    provider_reference: str
    amount_minor: int
    currency: str
    expires_at: datetime | None = None
    voided_at: datetime | None = None
    raw_response: Mapping[str, Any] = field(default_factory=dict)


class CreditTransactionKind(enum.StrEnum):
    GRANTED = "granted"
    USED = "used"
    EXPIRED = "expired"
    VOIDED = "voided"


@dataclass(frozen=True, kw_only=True)
class CreditTransactionResult:
    """One move of a grant's balance at the provider."""

    provider_reference: str
    grant_reference: str
    kind: CreditTransactionKind
    amount_minor: int
    effective_at: datetime
    invoice_reference: str = ""


@dataclass(frozen=True, kw_only=True)
class InvoicePayRequest:
    idempotency_key: str
    provider_reference: str
    customer_reference: str
    # A card to pay with instead of the invoice's default; attached to the customer first.
    payment_method: str = ""


@dataclass(frozen=True, kw_only=True)
class ProviderEvent:
    """A verified webhook event, in the provider's own vocabulary."""

    id: str
    type: str
    created: datetime
    livemode: bool
    data_object: Mapping[str, Any]
    previous_attributes: Mapping[str, Any] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class SubscriptionPaymentResult:
    """A subscription's cycle payment, failed or made, as a provider's event reports it.
    `invoice_reference` names what was owed (Stripe's invoice; PayPal's balance since the
    last payment that went through), so a failure and the payment that later settles it name
    the same thing; a failure already settled when it is read carries `paid_at`."""

    subscription_reference: str
    invoice_reference: str
    succeeded: bool
    attempted_at: datetime
    paid_at: datetime | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ProviderWebhookChange:
    """What a verified event of the generic webhook endpoint changed, in our vocabulary: the
    payment to read again from the provider (its current state, so events in any order end in
    the same place), and a refund as the event reports it; likewise the subscription to read
    again (with the metadata that finds ours before its provider id is stored, and the
    event's time), and a cycle payment that failed or went through."""

    payment_reference: str = ""
    refund: RefundResult | None = None
    subscription_reference: str = ""
    subscription_metadata: Mapping[str, str] = field(default_factory=dict)
    subscription_payment: SubscriptionPaymentResult | None = None
    provider_time: datetime | None = None


class PaymentProvider(Protocol):
    name: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    # Lower-case ISO 4217 codes the provider charges and prices in; billing/providers/currencies.py
    # refuses any other before a request is sent.
    supported_currencies: ClassVar[frozenset[str]]

    # Customers
    def customer_create(self, request: CustomerRequest) -> CustomerResult: ...
    def customer_update(
        self, *, provider_reference: str, request: CustomerRequest
    ) -> CustomerResult: ...

    # Catalog
    def product_upsert(
        self, request: ProductRequest, *, provider_reference: str = ""
    ) -> CatalogObject: ...
    def meter_create(self, request: MeterRequest) -> CatalogObject: ...
    def price_create(self, request: PriceRequest) -> CatalogObject: ...
    def price_deactivate(self, *, provider_reference: str) -> CatalogObject: ...
    def catalog_list(self, *, app_id: str) -> list[CatalogObject]: ...

    # Payments
    def charge(self, request: ChargeRequest) -> ChargeResult: ...
    def charge_retrieve(self, *, provider_reference: str) -> ChargeResult: ...
    def refund(self, request: RefundRequest) -> RefundResult: ...
    # Provider objects as webhooks carry them, in our vocabulary.
    def charge_from_object(self, payment: Mapping[str, Any]) -> ChargeResult: ...
    def refund_state_from_object(self, charge: Mapping[str, Any]) -> ChargeRefundState: ...
    def refund_from_object(self, refund: Mapping[str, Any]) -> RefundResult: ...

    # Subscriptions
    def subscription_create(self, request: SubscriptionRequest) -> SubscriptionResult: ...
    def subscription_retrieve(self, *, provider_reference: str) -> SubscriptionResult: ...
    def subscription_cancel(
        self, *, provider_reference: str, at_period_end: bool, idempotency_key: str
    ) -> SubscriptionResult: ...
    def subscription_change(self, request: SubscriptionChangeRequest) -> SubscriptionResult: ...
    def subscription_change_schedule(
        self, request: SubscriptionScheduleRequest
    ) -> SubscriptionScheduleResult: ...
    def subscription_schedule_release(
        self, *, schedule_reference: str, idempotency_key: str
    ) -> None: ...
    # Undoes a cancellation at the period's end before it takes effect.
    def subscription_resume(
        self, *, provider_reference: str, idempotency_key: str
    ) -> SubscriptionResult: ...

    # Coupons and promotion codes (Capability.COUPONS)
    def coupon_create(self, request: CouponRequest) -> CatalogObject: ...
    def coupon_delete(self, *, provider_reference: str) -> None: ...
    def promotion_code_create(self, request: PromotionCodeRequest) -> CatalogObject: ...
    def promotion_code_deactivate(
        self, *, provider_reference: str, idempotency_key: str
    ) -> CatalogObject: ...

    # Usage
    def usage_report(self, reports: Sequence[UsageReport]) -> list[UsageReportResult]: ...
    def usage_summary(
        self, *, meter_reference: str, customer_reference: str, start: datetime, end: datetime
    ) -> int: ...

    # Test clocks (test mode): a customer created on one lives at its frozen time.
    def test_clock_create(self, request: TestClockRequest) -> TestClockResult: ...
    def test_clock_retrieve(self, *, provider_reference: str) -> TestClockResult: ...
    def test_clock_advance(
        self, *, provider_reference: str, frozen_time: datetime, idempotency_key: str
    ) -> TestClockResult: ...
    def test_clock_delete(self, *, provider_reference: str) -> None: ...

    # Cards the customer saves for later payments (the app's own form), and the billing portal
    def setup_intent_create(self, request: SetupIntentRequest) -> SetupIntentResult: ...
    def setup_intent_from_object(self, setup_intent: Mapping[str, Any]) -> SetupIntentResult: ...
    def payment_method_list(self, *, customer_reference: str) -> list[PaymentMethodResult]: ...
    # The customer's card, or ProviderRequestError (code resource_missing) if it is not theirs.
    def payment_method_retrieve(
        self, *, customer_reference: str, payment_method_reference: str
    ) -> PaymentMethodResult: ...
    # The card as the default of the customer's invoices and of each live subscription.
    def payment_method_make_default(
        self,
        *,
        customer_reference: str,
        payment_method_reference: str,
        subscription_references: Sequence[str],
        idempotency_key: str,
    ) -> None: ...
    def payment_method_detach(
        self, *, payment_method_reference: str, idempotency_key: str
    ) -> None: ...
    # Answers the configuration's reference (a new one, or `provider_reference` updated).
    def portal_configuration_upsert(
        self, request: PortalConfigurationRequest, *, provider_reference: str = ""
    ) -> str: ...
    def portal_session_create(self, request: PortalSessionRequest) -> PortalSessionResult: ...
    # Hosted checkout: the provider's page where a customer pays, subscribes or saves a card.
    def checkout_session_create(self, request: CheckoutSessionRequest) -> CheckoutSessionResult: ...
    def checkout_session_retrieve(self, *, provider_reference: str) -> CheckoutSessionResult: ...
    def checkout_session_expire(
        self, *, provider_reference: str, idempotency_key: str
    ) -> CheckoutSessionResult: ...
    # The card the customer's invoices (renewals, trial ends) are charged to.
    def customer_default_payment_method_set(
        self, *, provider_reference: str, payment_method: str, idempotency_key: str
    ) -> CustomerResult: ...
    # Invoices
    def invoice_retrieve(self, *, provider_reference: str) -> InvoiceResult: ...
    def invoice_pay(self, request: InvoicePayRequest) -> InvoiceResult: ...
    def invoice_preview(
        self, *, customer_reference: str, subscription_reference: str
    ) -> InvoiceResult: ...
    def invoice_from_object(self, invoice: Mapping[str, Any]) -> InvoiceResult: ...

    # Prepaid credits (Capability.CREDIT_GRANTS)
    def credit_grant_create(self, request: CreditGrantRequest) -> CreditGrantResult: ...
    def credit_grant_void(
        self, *, provider_reference: str, idempotency_key: str
    ) -> CreditGrantResult: ...
    def credit_grant_expire(
        self, *, provider_reference: str, idempotency_key: str
    ) -> CreditGrantResult: ...
    # Every move of the grant's balance so far, oldest first.
    def credit_transactions_list(
        self, *, customer_reference: str, grant_reference: str
    ) -> list[CreditTransactionResult]: ...

    # Webhooks
    def parse_webhook(
        self, *, headers: Mapping[str, str], body: bytes, secret: str
    ) -> ProviderEvent: ...
    # Providers with Capability.WEBHOOK_ENDPOINT: what a verified event changed.
    def webhook_change(self, event: ProviderEvent) -> ProviderWebhookChange: ...
