"""The Stripe provider: the only module that imports the Stripe SDK (apart from dj-stripe's own
wiring). It pins the API version, forwards our idempotency keys, maps Stripe's statuses to ours
with exhaustive matches, and raises only the provider errors of `base.py`."""

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar, TypeVar, cast

import stripe
from django.conf import settings

from api.errors import ErrorCode
from api.money import ISO_4217_MONEY_CURRENCIES
from billing.providers.base import (
    Capability,
    CatalogObject,
    ChargeRefundState,
    ChargeRequest,
    ChargeResult,
    ChargeStatus,
    CheckoutPaymentStatus,
    CheckoutSessionRequest,
    CheckoutSessionResult,
    CheckoutSessionStatus,
    CouponRequest,
    CreditGrantRequest,
    CreditGrantResult,
    CreditTransactionKind,
    CreditTransactionResult,
    CustomerRequest,
    CustomerResult,
    DiscountRequest,
    DiscountResult,
    InvoiceDiscountResult,
    InvoiceLineResult,
    InvoicePaymentAttemptResult,
    InvoicePayRequest,
    InvoiceResult,
    InvoiceStatus,
    MeterRequest,
    PaymentMethodResult,
    PortalConfigurationRequest,
    PortalSessionRequest,
    PortalSessionResult,
    PriceRequest,
    ProductRequest,
    PromotionCodeRequest,
    ProviderDeclinedError,
    ProviderEvent,
    ProviderRequestError,
    ProviderUnavailableError,
    RefundRequest,
    RefundResult,
    RefundStatus,
    SetupIntentRequest,
    SetupIntentResult,
    SetupIntentStatus,
    SubscriptionChangeRequest,
    SubscriptionRequest,
    SubscriptionResult,
    SubscriptionScheduleRequest,
    SubscriptionScheduleResult,
    SubscriptionStatus,
    TestClockRequest,
    TestClockResult,
    TestClockStatus,
    UsageReport,
    UsageReportResult,
)
from billing.providers.errors import ProviderErrorCode

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.stripe.com"
# Stripe's own default; webhook timestamps older than this are refused.
WEBHOOK_TOLERANCE_SECONDS = 300

# Stripe's presentment currencies (docs.stripe.com/currencies), as its API lists them when it
# refuses a currency ("Invalid currency: … Stripe currently supports these currencies: …"),
# less what is not current ISO 4217 money: USDC (a stablecoin) and the codes ISO 4217 has
# withdrawn that Stripe still lists (ANG, BGN, EEK, HRK, LTL, LVL, MRO, SLL, STD, VEF).
_STRIPE_LISTED_CURRENCIES = [
    "usd", "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd",
    "bdt", "bgn", "bhd", "bif", "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad",
    "cdf", "chf", "clp", "cny", "cop", "crc", "cve", "czk", "djf", "dkk", "dop", "dzd", "egp",
    "etb", "eur", "fjd", "fkp", "gbp", "gel", "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl",
    "hrk", "htg", "huf", "idr", "ils", "inr", "isk", "jmd", "jod", "jpy", "kes", "kgs", "khr",
    "kmf", "krw", "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl", "mga",
    "mkd", "mmk", "mnt", "mop", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio",
    "nok", "npr", "nzd", "omr", "pab", "pen", "pgk", "php", "pkr", "pln", "pyg", "qar", "ron",
    "rsd", "rub", "rwf", "sar", "sbd", "scr", "sek", "sgd", "shp", "sle", "sos", "srd", "std",
    "szl", "thb", "tjs", "tnd", "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "uyu", "uzs",
    "vnd", "vuv", "wst", "xaf", "xcd", "xof", "xpf", "yer", "zar", "zmw", "usdc", "btn", "ghs",
    "eek", "lvl", "svc", "vef", "ltl", "sll", "mro",
]  # fmt: skip
STRIPE_CURRENCIES = frozenset(_STRIPE_LISTED_CURRENCIES) & ISO_4217_MONEY_CURRENCIES

_clients: dict[tuple[str, str], stripe.StripeClient] = {}
_clients_lock = threading.Lock()

Result = TypeVar("Result")


def stripe_client() -> stripe.StripeClient:
    """One SDK client per key and host, shared by the process (it pools connections)."""
    api_key = settings.STRIPE_SECRET_KEY
    if not api_key:
        raise ProviderUnavailableError("Stripe is not configured (STRIPE_SECRET_KEY is empty).")
    api_base = getattr(settings, "STRIPE_API_HOST", "") or DEFAULT_API_BASE
    with _clients_lock:
        client = _clients.get((api_key, api_base))
        if client is None:
            base_addresses: dict[str, str] = {}
            if api_base != DEFAULT_API_BASE:
                base_addresses = {"api": api_base, "meter_events": api_base, "files": api_base}
            client = stripe.StripeClient(
                api_key,
                stripe_version=settings.STRIPE_API_VERSION,
                base_addresses=base_addresses,  # type: ignore[arg-type]  # a TypedDict of host names
                max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
                http_client=stripe.RequestsClient(
                    timeout=(
                        settings.STRIPE_CONNECT_TIMEOUT_SECONDS,
                        settings.STRIPE_READ_TIMEOUT_SECONDS,
                    )
                ),
            )
            _clients[(api_key, api_base)] = client
        return client


def _call(operation: Callable[[], Result]) -> Result:
    """Runs one SDK call and translates Stripe's errors into ours."""
    try:
        return operation()
    except stripe.CardError as error:
        raise _declined(error) from error
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as error:
        logger.warning("Stripe unavailable: %s", error.__class__.__name__)
        raise ProviderUnavailableError(
            "Stripe could not be reached or failed on its side; retry the request.",
            code=ErrorCode.PROVIDER_UNAVAILABLE,
        ) from error
    except (stripe.AuthenticationError, stripe.PermissionError) as error:
        logger.error("Stripe refused our credentials: %s", error.__class__.__name__)
        raise ProviderUnavailableError(
            "The service's Stripe credentials were refused.",
            code=ProviderErrorCode.PROVIDER_MISCONFIGURED,
        ) from error
    except stripe.InvalidRequestError as error:
        raise ProviderRequestError(
            error.user_message or str(error),
            code=error.code or ErrorCode.INVALID_REQUEST,
            param=error.param,
        ) from error
    except stripe.IdempotencyError as error:
        raise ProviderRequestError(str(error), code=ProviderErrorCode.IDEMPOTENCY_ERROR) from error


def _timestamp(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if value else None


def _as_dict(stripe_object: Any) -> dict[str, Any]:
    return stripe_object.to_dict() if hasattr(stripe_object, "to_dict") else dict(stripe_object)


def _reference(value: Any) -> str:
    """An id whether Stripe answered the object expanded or as a bare id."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get("id", "") if isinstance(value, Mapping) else getattr(value, "id", "")


def _charge_status(status: str) -> ChargeStatus:
    match status:
        case "succeeded":
            return ChargeStatus.SUCCEEDED
        case "requires_action" | "requires_confirmation":
            return ChargeStatus.REQUIRES_ACTION
        case "processing" | "requires_capture":
            return ChargeStatus.PROCESSING
        case "requires_payment_method":
            return ChargeStatus.FAILED
        case "canceled":
            return ChargeStatus.CANCELED
        case _:
            raise ProviderUnavailableError(f"Unexpected payment intent status {status!r}.")


def _refund_status(status: str | None) -> RefundStatus:
    match status:
        case "succeeded":
            return RefundStatus.SUCCEEDED
        case "pending" | "requires_action":
            return RefundStatus.PENDING
        case "failed":
            return RefundStatus.FAILED
        case "canceled":
            return RefundStatus.CANCELED
        case _:
            raise ProviderUnavailableError(f"Unexpected refund status {status!r}.")


def subscription_status(status: str) -> SubscriptionStatus:
    match status:
        case "incomplete":
            return SubscriptionStatus.INCOMPLETE
        case "incomplete_expired":
            return SubscriptionStatus.INCOMPLETE_EXPIRED
        case "trialing":
            return SubscriptionStatus.TRIALING
        case "active":
            return SubscriptionStatus.ACTIVE
        case "past_due":
            return SubscriptionStatus.PAST_DUE
        case "canceled":
            return SubscriptionStatus.CANCELED
        case "unpaid":
            return SubscriptionStatus.UNPAID
        case "paused":
            return SubscriptionStatus.PAUSED
        case _:
            raise ProviderUnavailableError(f"Unexpected subscription status {status!r}.")


def _redirect_url(intent: Mapping[str, Any]) -> str:
    next_action = intent.get("next_action") or {}
    if next_action.get("type") != "redirect_to_url":
        return ""
    return str((next_action.get("redirect_to_url") or {}).get("url") or "")


def _charge_result(intent: Mapping[str, Any]) -> ChargeResult:
    error = intent.get("last_payment_error") or {}
    latest_charge = intent.get("latest_charge")
    amount_refunded = (
        latest_charge.get("amount_refunded", 0) if isinstance(latest_charge, Mapping) else 0
    )
    return ChargeResult(
        status=_charge_status(intent["status"]),
        provider_reference=intent["id"],
        charge_reference=_reference(latest_charge),
        client_secret=intent.get("client_secret") or "",
        redirect_url=_redirect_url(intent),
        amount_refunded=amount_refunded,
        failure_code=error.get("code") or "",
        failure_message=error.get("message") or "",
        decline_code=error.get("decline_code") or "",
        raw_response=intent,
    )


def _declined(error: stripe.CardError) -> ProviderDeclinedError:
    # The SDK types the decoded body as object; Stripe's errors are JSON objects.
    body = cast(dict[str, Any], error.json_body or {}).get("error", {})
    intent = body.get("payment_intent")
    charge = _charge_result(intent) if isinstance(intent, Mapping) and intent.get("id") else None
    return ProviderDeclinedError(
        body.get("message") or "The card was declined.",
        code=body.get("code") or ErrorCode.CARD_DECLINED,
        decline_code=body.get("decline_code") or "",
        charge=charge,
        param=body.get("param"),
    )


# Stripe answers a subscription's latest invoice as an id unless asked to expand it, and the
# invoice's confirmation_secret only when that is expanded too.
_EXPAND_FIRST_PAYMENT = "latest_invoice.confirmation_secret"


def test_clock_result(test_clock: Mapping[str, Any]) -> TestClockResult:
    status: TestClockStatus
    match test_clock["status"]:
        case "ready":
            status = TestClockStatus.READY
        case "advancing":
            status = TestClockStatus.ADVANCING
        case "internal_failure":
            status = TestClockStatus.INTERNAL_FAILURE
        case other:
            raise ProviderRequestError(f"Unknown test clock status {other!r}.")
    advancing = (test_clock.get("status_details") or {}).get("advancing") or {}
    return TestClockResult(
        provider_reference=test_clock["id"],
        frozen_time=datetime.fromtimestamp(test_clock["frozen_time"], tz=UTC),
        status=status,
        target_frozen_time=_timestamp(advancing.get("target_frozen_time")),
    )


def _discount_result(discount: Any) -> DiscountResult:
    if not isinstance(discount, Mapping):
        return DiscountResult(discount_reference=_reference(discount))
    return DiscountResult(
        discount_reference=str(discount.get("id") or ""),
        coupon_reference=_reference((discount.get("source") or {}).get("coupon")),
        promotion_code_reference=_reference(discount.get("promotion_code")),
    )


def subscription_result(subscription: Mapping[str, Any]) -> SubscriptionResult:
    items = subscription.get("items", {}).get("data", [])
    first_item = items[0] if items else {}
    latest_invoice = subscription.get("latest_invoice")
    client_secret = ""
    if isinstance(latest_invoice, Mapping):
        confirmation_secret = latest_invoice.get("confirmation_secret", {}) or {}
        client_secret = (
            confirmation_secret.get("client_secret", "")
            if isinstance(confirmation_secret, Mapping)
            else ""
        )
    return SubscriptionResult(
        status=subscription_status(subscription["status"]),
        provider_reference=subscription["id"],
        trial_end=_timestamp(subscription.get("trial_end")),
        current_period_start=_timestamp(first_item.get("current_period_start")),
        current_period_end=_timestamp(first_item.get("current_period_end")),
        cancel_at_period_end=bool(subscription.get("cancel_at_period_end")),
        canceled_at=_timestamp(subscription.get("canceled_at")),
        item_references={_reference(item["price"]): item["id"] for item in items},
        discounts=[_discount_result(item) for item in subscription.get("discounts") or []],
        client_secret=client_secret,
        raw_response=subscription,
    )


def _setup_intent_status(status: str) -> SetupIntentStatus:
    match status:
        case "requires_payment_method":
            return SetupIntentStatus.REQUIRES_PAYMENT_METHOD
        case "requires_confirmation":
            return SetupIntentStatus.REQUIRES_CONFIRMATION
        case "requires_action":
            return SetupIntentStatus.REQUIRES_ACTION
        case "processing":
            return SetupIntentStatus.PROCESSING
        case "succeeded":
            return SetupIntentStatus.SUCCEEDED
        case "canceled":
            return SetupIntentStatus.CANCELED
        case _:
            raise ProviderUnavailableError(f"Unexpected setup intent status {status!r}.")


def setup_intent_result(setup_intent: Mapping[str, Any]) -> SetupIntentResult:
    return SetupIntentResult(
        provider_reference=setup_intent["id"],
        status=_setup_intent_status(setup_intent["status"]),
        client_secret=setup_intent.get("client_secret") or "",
        customer_reference=_reference(setup_intent.get("customer")),
        payment_method_reference=_reference(setup_intent.get("payment_method")),
        metadata=dict(setup_intent.get("metadata") or {}),
    )


def _payment_method_result(payment_method: Mapping[str, Any]) -> PaymentMethodResult:
    card = payment_method.get("card") or {}
    return PaymentMethodResult(
        provider_reference=payment_method["id"],
        customer_reference=_reference(payment_method.get("customer")),
        brand=str(card.get("brand") or ""),
        last4=str(card.get("last4") or ""),
        exp_month=int(card.get("exp_month") or 0),
        exp_year=int(card.get("exp_year") or 0),
    )


def _portal_features(request: PortalConfigurationRequest) -> dict[str, Any]:
    products: dict[str, list[str]] = {}
    for price in request.prices:
        products.setdefault(price.product_reference, []).append(price.price_reference)
    subscription_update: dict[str, Any] = {"enabled": len(request.prices) >= 2}
    if subscription_update["enabled"]:
        subscription_update.update(
            {
                "default_allowed_updates": ["price"],
                "products": [
                    {"product": product, "prices": prices} for product, prices in products.items()
                ],
                "proration_behavior": "create_prorations",
            }
        )
    return {
        "payment_method_update": {"enabled": True},
        "invoice_history": {"enabled": True},
        "subscription_cancel": {"enabled": True, "mode": "at_period_end"},
        "subscription_update": subscription_update,
    }


def _checkout_session_status(status: str | None) -> CheckoutSessionStatus:
    match status:
        case "open":
            return CheckoutSessionStatus.OPEN
        case "complete":
            return CheckoutSessionStatus.COMPLETE
        case "expired":
            return CheckoutSessionStatus.EXPIRED
        case _:
            raise ProviderUnavailableError(f"Unexpected checkout session status {status!r}.")


def _checkout_payment_status(status: str | None) -> CheckoutPaymentStatus:
    match status:
        case "unpaid":
            return CheckoutPaymentStatus.UNPAID
        case "paid":
            return CheckoutPaymentStatus.PAID
        case "no_payment_required":
            return CheckoutPaymentStatus.NO_PAYMENT_REQUIRED
        case _:
            raise ProviderUnavailableError(f"Unexpected checkout payment status {status!r}.")


# What a completed session produced, in one answer.
_EXPAND_CHECKOUT = [
    "payment_intent.latest_charge",
    "subscription.discounts",
    "setup_intent",
]


def checkout_session_result(session: Mapping[str, Any]) -> CheckoutSessionResult:
    """A Checkout Session in our vocabulary; what it produced is read only where Stripe's
    answer expanded it."""
    intent = session.get("payment_intent")
    subscription = session.get("subscription")
    setup_intent = session.get("setup_intent")
    payment = _charge_result(intent) if isinstance(intent, Mapping) else None
    subscribed = subscription_result(subscription) if isinstance(subscription, Mapping) else None
    payment_method = ""
    if isinstance(intent, Mapping) and intent.get("status") == "succeeded":
        payment_method = _reference(intent.get("payment_method"))
    elif isinstance(subscription, Mapping):
        payment_method = _reference(subscription.get("default_payment_method"))
    elif isinstance(setup_intent, Mapping) and setup_intent.get("status") == "succeeded":
        payment_method = _reference(setup_intent.get("payment_method"))
    return CheckoutSessionResult(
        provider_reference=session["id"],
        status=_checkout_session_status(session.get("status")),
        payment_status=_checkout_payment_status(session.get("payment_status")),
        url=session.get("url") or "",
        expires_at=datetime.fromtimestamp(session["expires_at"], tz=UTC),
        payment=payment,
        subscription=subscribed,
        payment_method=payment_method,
        metadata=dict(session.get("metadata") or {}),
        raw_response=session,
    )


def invoice_status(status: str | None) -> InvoiceStatus:
    match status:
        case "draft":
            return InvoiceStatus.DRAFT
        case "open":
            return InvoiceStatus.OPEN
        case "paid":
            return InvoiceStatus.PAID
        case "void":
            return InvoiceStatus.VOID
        case "uncollectible":
            return InvoiceStatus.UNCOLLECTIBLE
        case _:
            raise ProviderUnavailableError(f"Unexpected invoice status {status!r}.")


def _invoice_line(line: Mapping[str, Any]) -> InvoiceLineResult:
    parent = line.get("parent") or {}
    details = parent.get("subscription_item_details") or parent.get("invoice_item_details") or {}
    price_details = (line.get("pricing") or {}).get("price_details") or {}
    period = line.get("period") or {}
    return InvoiceLineResult(
        description=str(line.get("description") or ""),
        amount_minor=int(line.get("amount") or 0),
        quantity=int(line.get("quantity") or 0),
        price_reference=_reference(price_details.get("price")),
        proration=bool(details.get("proration")),
        period_start=_timestamp(period.get("start")),
        period_end=_timestamp(period.get("end")),
    )


def _invoice_discounts(invoice: Mapping[str, Any]) -> list[InvoiceDiscountResult]:
    """Each discount's amount off the invoice; with `discounts` expanded, its coupon and code."""
    sources: dict[str, Mapping[str, Any]] = {}
    for discount in invoice.get("discounts") or []:
        if isinstance(discount, Mapping):
            sources[str(discount["id"])] = discount
    results = []
    for entry in invoice.get("total_discount_amounts") or []:
        reference = _reference(entry.get("discount"))
        discount = sources.get(reference) or {}
        source = discount.get("source") or {}
        results.append(
            InvoiceDiscountResult(
                discount_reference=reference,
                amount_minor=int(entry.get("amount") or 0),
                coupon_reference=_reference(source.get("coupon")),
                promotion_code_reference=_reference(discount.get("promotion_code")),
            )
        )
    return results


def _discount_params(discounts: Sequence[DiscountRequest]) -> list[dict[str, str]]:
    return [
        {"promotion_code": discount.promotion_code_reference}
        if discount.promotion_code_reference
        else {"coupon": discount.coupon_reference}
        for discount in discounts
    ]


def _charge_attempt(
    charge: Mapping[str, Any], last_error: Mapping[str, Any]
) -> InvoicePaymentAttemptResult:
    failed = charge.get("status") == "failed"
    decline_code = ""
    if failed:
        outcome = charge.get("outcome") or {}
        # The payment's last error names the decline of its latest charge; the charge's own
        # outcome that of an earlier one.
        if last_error.get("charge") == charge.get("id"):
            decline_code = str(last_error.get("decline_code") or "")
        decline_code = decline_code or str(outcome.get("reason") or "")
    return InvoicePaymentAttemptResult(
        charge_reference=str(charge["id"]),
        payment_reference=_reference(charge.get("payment_intent")),
        amount_minor=int(charge.get("amount") or 0),
        currency=str(charge.get("currency") or ""),
        succeeded=charge.get("status") == "succeeded",
        attempted_at=_timestamp(charge.get("created")) or datetime.now(tz=UTC),
        failure_code=str(charge.get("failure_code") or "") if failed else "",
        failure_message=str(charge.get("failure_message") or "") if failed else "",
        decline_code=decline_code,
        payment_method=_reference(charge.get("payment_method")),
    )


def invoice_result(
    invoice: Mapping[str, Any],
    *,
    lines: Sequence[Mapping[str, Any]] | None = None,
    attempts: Sequence[InvoicePaymentAttemptResult] = (),
) -> InvoiceResult:
    """An invoice of API 2025-03-31 and later: its subscription under `parent`, its payments
    under `payments` (InvoicePayment), no `payment_intent` of its own."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    transitions = invoice.get("status_transitions") or {}
    if lines is None:
        lines = list((invoice.get("lines") or {}).get("data") or [])
    return InvoiceResult(
        provider_reference=str(invoice.get("id") or ""),
        customer_reference=_reference(invoice.get("customer")),
        status=invoice_status(invoice.get("status")),
        currency=str(invoice.get("currency") or ""),
        subscription_reference=_reference(details.get("subscription")),
        subscription_metadata=dict(details.get("metadata") or {}),
        number=str(invoice.get("number") or ""),
        billing_reason=str(invoice.get("billing_reason") or ""),
        subtotal=int(invoice.get("subtotal") or 0),
        total=int(invoice.get("total") or 0),
        amount_due=int(invoice.get("amount_due") or 0),
        amount_paid=int(invoice.get("amount_paid") or 0),
        amount_remaining=int(invoice.get("amount_remaining") or 0),
        period_start=_timestamp(invoice.get("period_start")),
        period_end=_timestamp(invoice.get("period_end")),
        lines=[_invoice_line(line) for line in lines],
        discounts=_invoice_discounts(invoice),
        hosted_invoice_url=str(invoice.get("hosted_invoice_url") or ""),
        invoice_pdf=str(invoice.get("invoice_pdf") or ""),
        attempt_count=int(invoice.get("attempt_count") or 0),
        next_payment_attempt=_timestamp(invoice.get("next_payment_attempt")),
        created=_timestamp(invoice.get("created")),
        finalized_at=_timestamp(transitions.get("finalized_at")),
        paid_at=_timestamp(transitions.get("paid_at")),
        voided_at=_timestamp(transitions.get("voided_at")),
        marked_uncollectible_at=_timestamp(transitions.get("marked_uncollectible_at")),
        attempts=attempts,
        credits_applied_minor=sum(
            int(credit.get("amount") or 0) for credit in _invoice_credits(invoice)
        ),
        credit_transaction_references=[
            _reference(credit.get("credit_balance_transaction"))
            for credit in _invoice_credits(invoice)
        ],
        raw_response=invoice,
    )


def _invoice_credits(invoice: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The billing credits an invoice applied (its pretax credit amounts of credit balance
    transactions; discounts are the other kind)."""
    return [
        credit
        for credit in invoice.get("total_pretax_credit_amounts") or []
        if credit.get("type") == "credit_balance_transaction"
    ]


def credit_grant_result(grant: Mapping[str, Any]) -> CreditGrantResult:
    monetary = (grant.get("amount") or {}).get("monetary") or {}
    return CreditGrantResult(
        provider_reference=str(grant.get("id") or ""),
        amount_minor=int(monetary.get("value") or 0),
        currency=str(monetary.get("currency") or ""),
        expires_at=_timestamp(grant.get("expires_at")),
        voided_at=_timestamp(grant.get("voided_at")),
        raw_response=grant,
    )


def credit_transaction_result(transaction: Mapping[str, Any]) -> CreditTransactionResult | None:
    """A credit balance transaction in our words; None for a kind we do not follow (a credit
    given back when an invoice is voided)."""
    entry = transaction.get("credit") or transaction.get("debit") or {}
    match (transaction.get("type"), entry.get("type")):
        case ("credit", "credits_granted"):
            kind = CreditTransactionKind.GRANTED
        case ("debit", "credits_applied"):
            kind = CreditTransactionKind.USED
        case ("debit", "credits_expired"):
            kind = CreditTransactionKind.EXPIRED
        case ("debit", "credits_voided"):
            kind = CreditTransactionKind.VOIDED
        case _:
            return None
    applied = entry.get("credits_applied") or {}
    return CreditTransactionResult(
        provider_reference=str(transaction.get("id") or ""),
        grant_reference=_reference(transaction.get("credit_grant")),
        kind=kind,
        amount_minor=int(((entry.get("amount") or {}).get("monetary") or {}).get("value") or 0),
        effective_at=_timestamp(transaction.get("effective_at"))
        or datetime.fromtimestamp(0, tz=UTC),
        invoice_reference=_reference(applied.get("invoice")),
    )


# An invoice's payments (InvoicePayment) with each one's PaymentIntent: four levels, Stripe's
# limit for an expansion.
_EXPAND_INVOICE_PAYMENTS = "payments.data.payment.payment_intent"


def _catalog_object(kind: str, stripe_object: Mapping[str, Any]) -> CatalogObject:
    active = stripe_object.get("active")
    if kind == "meter":
        active = stripe_object.get("status") == "active"
    return CatalogObject(
        provider_reference=stripe_object["id"],
        kind=kind,
        active=bool(active),
        metadata=dict(stripe_object.get("metadata") or {}),
        raw=stripe_object,
    )


def _unit_price(unit_amount: int | None, unit_amount_decimal: Decimal | None) -> dict[str, Any]:
    """Stripe takes one of the two: a whole number of minor units, or a decimal string of them
    with at most 12 places (a sub-cent price)."""
    if unit_amount_decimal is not None:
        return {"unit_amount_decimal": format(unit_amount_decimal.normalize(), "f")}
    return {"unit_amount": unit_amount or 0}


def _options(idempotency_key: str | None) -> stripe.RequestOptions:
    return {"idempotency_key": idempotency_key} if idempotency_key else {}


class StripeProvider:
    name: ClassVar[str] = "stripe"
    supported_currencies: ClassVar[frozenset[str]] = STRIPE_CURRENCIES
    # Everything but the generic webhook endpoint (Stripe's events go through dj-stripe's)
    # and saving a method at approval (a Stripe customer saves a card first).
    capabilities: ClassVar[frozenset[Capability]] = frozenset(Capability) - {
        Capability.WEBHOOK_ENDPOINT,
        Capability.PAYMENT_METHOD_SAVED_AT_APPROVAL,
    }

    def __init__(self, *, app: Any = None) -> None:
        self.app = app

    @property
    def client(self) -> stripe.StripeClient:
        return stripe_client()

    # Customers

    def _customer_params(self, request: CustomerRequest) -> dict[str, Any]:
        params: dict[str, Any] = {
            "metadata": {
                **request.metadata,
                "app_id": request.app_id,
                "customer_id": request.customer_id,
                "external_id": request.external_id or "",
            }
        }
        for field in ("email", "name", "description"):
            value = getattr(request, field)
            if value:
                params[field] = value
        return params

    def customer_create(self, request: CustomerRequest) -> CustomerResult:
        params = self._customer_params(request)
        if request.payment_method:
            params["payment_method"] = request.payment_method
            # Stripe only attaches a payment method given at creation; renewals and trial-end
            # invoices charge the invoice default, which must be named explicitly.
            params["invoice_settings"] = {"default_payment_method": request.payment_method}
        if request.test_clock:
            params["test_clock"] = request.test_clock
        customer = _call(
            lambda: self.client.v1.customers.create(params, _options(request.idempotency_key))  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
        )
        default = _as_dict(customer).get("invoice_settings", {}).get("default_payment_method")
        return CustomerResult(
            provider_reference=customer.id, default_payment_method=_reference(default)
        )

    def customer_update(
        self, *, provider_reference: str, request: CustomerRequest
    ) -> CustomerResult:
        params = self._customer_params(request)
        if request.payment_method:
            method = _call(
                lambda: self.client.v1.payment_methods.attach(
                    request.payment_method,
                    {"customer": provider_reference},
                    _options(f"{request.idempotency_key}:attach"),
                )
            )
            params["invoice_settings"] = {"default_payment_method": method.id}
        customer = _call(
            lambda: self.client.v1.customers.update(
                provider_reference,
                params,  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
                _options(request.idempotency_key),
            )
        )
        default = _as_dict(customer).get("invoice_settings", {}).get("default_payment_method")
        return CustomerResult(
            provider_reference=customer.id, default_payment_method=_reference(default)
        )

    # Catalog

    def product_upsert(
        self, request: ProductRequest, *, provider_reference: str = ""
    ) -> CatalogObject:
        params: dict[str, Any] = {
            "name": request.name,
            "active": request.active,
            "metadata": {
                "app_id": request.app_id,
                "plan_id": request.plan_id,
                "plan_code": request.plan_code,
            },
        }
        if provider_reference:
            product = _call(
                lambda: self.client.v1.products.update(
                    provider_reference,
                    params,  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
                    _options(request.idempotency_key),
                )
            )
        else:
            product = _call(
                lambda: self.client.v1.products.create(params, _options(request.idempotency_key))  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
            )
        return _catalog_object("product", _as_dict(product))

    def meter_create(self, request: MeterRequest) -> CatalogObject:
        params = {
            "display_name": request.display_name,
            "event_name": request.event_name,
            "default_aggregation": {"formula": request.aggregation},
            "customer_mapping": {"type": "by_id", "event_payload_key": "stripe_customer_id"},
            "value_settings": {"event_payload_key": "value"},
        }
        meter = _call(
            lambda: self.client.v1.billing.meters.create(params, _options(request.idempotency_key))  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
        )
        result = _as_dict(meter)
        # Meters carry no metadata; the event name names the app and the metric.
        result.setdefault(
            "metadata", {"app_id": request.app_id, "metric_code": request.metric_code}
        )
        return _catalog_object("meter", result)

    def price_create(self, request: PriceRequest) -> CatalogObject:
        recurring: dict[str, Any] = {
            "interval": request.interval,
            "interval_count": request.interval_count,
        }
        params: dict[str, Any] = {
            "product": request.product_reference,
            "currency": request.currency,
            "recurring": recurring,
            "metadata": {
                "app_id": request.app_id,
                "plan_id": request.plan_id,
                "plan_code": request.plan_code,
                "plan_version": str(request.plan_version),
                "component": request.metric_code or "base",
            },
        }
        if request.meter_reference:
            recurring["usage_type"] = "metered"
            recurring["meter"] = request.meter_reference
        else:
            recurring["usage_type"] = "licensed"
        if request.tiers:
            params["billing_scheme"] = "tiered"
            params["tiers_mode"] = "graduated"
            params["tiers"] = [
                {
                    "up_to": tier.up_to if tier.up_to is not None else "inf",
                    **_unit_price(tier.unit_amount, tier.unit_amount_decimal),
                    **({"flat_amount": tier.flat_amount} if tier.flat_amount else {}),
                }
                for tier in request.tiers
            ]
        else:
            params.update(_unit_price(request.unit_amount, request.unit_amount_decimal))
        price = _call(
            lambda: self.client.v1.prices.create(params, _options(request.idempotency_key))  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
        )
        return _catalog_object("price", _as_dict(price))

    def price_deactivate(self, *, provider_reference: str) -> CatalogObject:
        price = _call(lambda: self.client.v1.prices.update(provider_reference, {"active": False}))
        return _catalog_object("price", _as_dict(price))

    def catalog_list(self, *, app_id: str) -> list[CatalogObject]:
        """Every product and price that carries this app's metadata, and its meters."""

        def listing() -> list[CatalogObject]:
            objects: list[CatalogObject] = []
            for product in self.client.v1.products.list({"limit": 100}).auto_paging_iter():
                product_fields = _as_dict(product)
                if (product_fields.get("metadata") or {}).get("app_id") == app_id:
                    objects.append(_catalog_object("product", product_fields))
            for price in self.client.v1.prices.list({"limit": 100}).auto_paging_iter():
                price_fields = _as_dict(price)
                if (price_fields.get("metadata") or {}).get("app_id") == app_id:
                    objects.append(_catalog_object("price", price_fields))
            for meter in self.client.v1.billing.meters.list({"limit": 100}).auto_paging_iter():
                meter_fields = _as_dict(meter)
                if app_id.lower() in meter_fields.get("event_name", "").lower():
                    objects.append(_catalog_object("meter", meter_fields))
            return objects

        return _call(listing)

    # Payments

    def charge(self, request: ChargeRequest) -> ChargeResult:
        params: dict[str, Any] = {
            "amount": request.amount_minor,
            "currency": request.currency,
            "customer": request.customer_reference,
            "confirm": True,
            "metadata": {
                **request.metadata,
                "app_id": request.app_id,
                "payment_id": request.payment_id,
            },
            "expand": ["latest_charge"],
        }
        if request.payment_method:
            params["payment_method"] = request.payment_method
        if request.description:
            params["description"] = request.description
        # Stripe refuses a confirm that could redirect the customer with nowhere to return to.
        if request.off_session:
            params["off_session"] = True
        elif request.return_url:
            params["return_url"] = request.return_url
        else:
            params["automatic_payment_methods"] = {"enabled": True, "allow_redirects": "never"}
        intent = _call(
            lambda: self.client.v1.payment_intents.create(params, _options(request.idempotency_key))  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
        )
        return _charge_result(_as_dict(intent))

    def charge_retrieve(self, *, provider_reference: str) -> ChargeResult:
        intent = _call(
            lambda: self.client.v1.payment_intents.retrieve(
                provider_reference, {"expand": ["latest_charge"]}
            )
        )
        return _charge_result(_as_dict(intent))

    def refund(self, request: RefundRequest) -> RefundResult:
        params: dict[str, Any] = {
            "payment_intent": request.payment_reference,
            "amount": request.amount_minor,
            "metadata": {
                **request.metadata,
                "app_id": request.app_id,
                "refund_id": request.refund_id,
            },
        }
        if request.reason:
            params["reason"] = request.reason
        refund = _call(
            lambda: self.client.v1.refunds.create(params, _options(request.idempotency_key))  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
        )
        return RefundResult(
            status=_refund_status(refund.status),
            provider_reference=refund.id,
            amount_minor=refund.amount,
            raw_response=_as_dict(refund),
        )

    def charge_from_object(self, payment: Mapping[str, Any]) -> ChargeResult:
        return _charge_result(payment)

    def refund_state_from_object(self, charge: Mapping[str, Any]) -> ChargeRefundState:
        """A charge's refunded total. Stripe's charge carries no `refunds` list unless expanded
        (neither in `charge.refunded` nor in dj-stripe's re-fetch): each refund is tracked by its
        own `refund.*` events (refund_from_object)."""
        return ChargeRefundState(
            payment_reference=_reference(charge.get("payment_intent")),
            charge_reference=charge["id"],
            amount_refunded=charge.get("amount_refunded") or 0,
        )

    def refund_from_object(self, refund: Mapping[str, Any]) -> RefundResult:
        return RefundResult(
            status=_refund_status(refund.get("status")),
            provider_reference=refund["id"],
            amount_minor=refund.get("amount") or 0,
            raw_response=refund,
            payment_reference=_reference(refund.get("payment_intent")),
            charge_reference=_reference(refund.get("charge")),
            refund_id=str((refund.get("metadata") or {}).get("refund_id") or ""),
            failure_reason=str(refund.get("failure_reason") or ""),
        )

    # Subscriptions

    def subscription_create(self, request: SubscriptionRequest) -> SubscriptionResult:
        params: dict[str, Any] = {
            "customer": request.customer_reference,
            "items": [
                {
                    "price": item.price_reference,
                    **({"quantity": item.quantity} if item.quantity else {}),
                }
                for item in request.items
            ],
            "metadata": {
                **request.metadata,
                "app_id": request.app_id,
                "subscription_id": request.subscription_id,
            },
            "payment_behavior": "allow_incomplete",
            # the first invoice's payment secret, for a payment that needs the customer
            "expand": [_EXPAND_FIRST_PAYMENT],
        }
        if request.trial_period_days:
            params["trial_period_days"] = request.trial_period_days
        if request.payment_method:
            params["default_payment_method"] = request.payment_method
        if request.discounts:
            params["discounts"] = _discount_params(request.discounts)
        subscription = _call(
            lambda: self.client.v1.subscriptions.create(params, _options(request.idempotency_key))  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
        )
        return subscription_result(_as_dict(subscription))

    def subscription_retrieve(self, *, provider_reference: str) -> SubscriptionResult:
        subscription = _call(
            lambda: self.client.v1.subscriptions.retrieve(
                provider_reference, {"expand": [_EXPAND_FIRST_PAYMENT, "discounts"]}
            )
        )
        return subscription_result(_as_dict(subscription))

    def subscription_cancel(
        self, *, provider_reference: str, at_period_end: bool, idempotency_key: str
    ) -> SubscriptionResult:
        if at_period_end:
            subscription = _call(
                lambda: self.client.v1.subscriptions.update(
                    provider_reference,
                    {"cancel_at_period_end": True},
                    _options(idempotency_key),
                )
            )
        else:
            subscription = _call(
                lambda: self.client.v1.subscriptions.cancel(
                    provider_reference, {}, _options(idempotency_key)
                )
            )
        return subscription_result(_as_dict(subscription))

    def subscription_resume(
        self, *, provider_reference: str, idempotency_key: str
    ) -> SubscriptionResult:
        # Stripe's own `POST /v1/subscriptions/{id}/resume` is for paused subscriptions; a
        # pending cancellation is undone by clearing the flag.
        subscription = _call(
            lambda: self.client.v1.subscriptions.update(
                provider_reference,
                {"cancel_at_period_end": False},
                _options(idempotency_key),
            )
        )
        return subscription_result(_as_dict(subscription))

    def subscription_change(self, request: SubscriptionChangeRequest) -> SubscriptionResult:
        current = _call(lambda: self.client.v1.subscriptions.retrieve(request.provider_reference))
        existing_items = list(current["items"]["data"])
        items: list[dict[str, Any]] = []
        for index, item in enumerate(request.items):
            change: dict[str, Any] = {"price": item.price_reference}
            if item.quantity:
                change["quantity"] = item.quantity
            if index < len(existing_items):
                change["id"] = existing_items[index]["id"]
            items.append(change)
        for leftover in existing_items[len(request.items) :]:
            items.append({"id": leftover["id"], "deleted": True})
        params: dict[str, Any] = {"items": items, "proration_behavior": str(request.proration)}
        if request.discounts:
            params["discounts"] = _discount_params(request.discounts)
        subscription = _call(
            lambda: self.client.v1.subscriptions.update(
                request.provider_reference,
                params,  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
                _options(request.idempotency_key),
            )
        )
        return subscription_result(_as_dict(subscription))

    def subscription_change_schedule(
        self, request: SubscriptionScheduleRequest
    ) -> SubscriptionScheduleResult:
        """The subscription's schedule (made from it if it has none) keeps its current phase
        as it is and ends it at the period's end, where a phase with `items` begins; after
        that phase the schedule releases the subscription."""
        subscription = _as_dict(
            _call(lambda: self.client.v1.subscriptions.retrieve(request.provider_reference))
        )
        schedule_reference = _reference(subscription.get("schedule"))
        if not schedule_reference:
            created = _call(
                lambda: self.client.v1.subscription_schedules.create(
                    {"from_subscription": request.provider_reference},
                    _options(f"{request.idempotency_key}:schedule"),
                )
            )
            schedule_reference = created["id"]
        schedule = _as_dict(
            _call(lambda: self.client.v1.subscription_schedules.retrieve(schedule_reference))
        )
        current_start = (schedule.get("current_phase") or {}).get("start_date")
        current = next(
            (phase for phase in schedule["phases"] if phase["start_date"] == current_start),
            schedule["phases"][-1],
        )
        next_items: list[dict[str, Any]] = []
        for item in request.items:
            next_item: dict[str, Any] = {"price": item.price_reference}
            if item.quantity:
                next_item["quantity"] = item.quantity
            next_items.append(next_item)
        phases: list[dict[str, Any]] = [
            {
                "items": [
                    {"price": _reference(item["price"]), "quantity": item["quantity"]}
                    if item.get("quantity") is not None
                    else {"price": _reference(item["price"])}
                    for item in current["items"]
                ],
                "start_date": current["start_date"],
                "end_date": current["end_date"],
            },
            {"items": next_items},
        ]
        _call(
            lambda: self.client.v1.subscription_schedules.update(
                schedule_reference,
                {"end_behavior": "release", "phases": phases},  # type: ignore[arg-type]  # phases built as dicts; Stripe checks them
                _options(f"{request.idempotency_key}:phases"),
            )
        )
        return SubscriptionScheduleResult(
            schedule_reference=schedule_reference,
            changes_at=datetime.fromtimestamp(current["end_date"], tz=UTC),
        )

    def subscription_schedule_release(
        self, *, schedule_reference: str, idempotency_key: str
    ) -> None:
        try:
            _call(
                lambda: self.client.v1.subscription_schedules.release(
                    schedule_reference, {}, _options(idempotency_key)
                )
            )
        except ProviderRequestError:
            # Already released, completed or canceled: it changes nothing any more.
            schedule = _call(
                lambda: self.client.v1.subscription_schedules.retrieve(schedule_reference)
            )
            if schedule["status"] in ("not_started", "active"):
                raise

    # Usage

    # Coupons and promotion codes

    def coupon_create(self, request: CouponRequest) -> CatalogObject:
        params: dict[str, Any] = {
            "duration": request.duration,
            "metadata": {"app_id": request.app_id, "coupon_id": request.coupon_id},
        }
        if request.name:
            params["name"] = request.name
        if request.percent_off is not None:
            params["percent_off"] = format(request.percent_off.normalize(), "f")
        else:
            params["amount_off"] = request.amount_off
            params["currency"] = request.currency
        if request.duration_in_months is not None:
            params["duration_in_months"] = request.duration_in_months
        if request.max_redemptions is not None:
            params["max_redemptions"] = request.max_redemptions
        if request.redeem_by is not None:
            params["redeem_by"] = int(request.redeem_by.timestamp())
        if request.product_references:
            params["applies_to"] = {"products": list(request.product_references)}
        coupon = _call(
            lambda: self.client.v1.coupons.create(params, _options(request.idempotency_key))  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
        )
        return _catalog_object("coupon", {**_as_dict(coupon), "active": True})

    def coupon_delete(self, *, provider_reference: str) -> None:
        try:
            _call(lambda: self.client.v1.coupons.delete(provider_reference))
        except ProviderRequestError as error:
            if error.code != "resource_missing":  # deleted already: the retry's wish is met
                raise

    def promotion_code_create(self, request: PromotionCodeRequest) -> CatalogObject:
        params: dict[str, Any] = {
            "promotion": {"type": "coupon", "coupon": request.coupon_reference},
            "code": request.code,
            "metadata": {"app_id": request.app_id, "promotion_code_id": request.promotion_code_id},
        }
        if request.max_redemptions is not None:
            params["max_redemptions"] = request.max_redemptions
        if request.expires_at is not None:
            params["expires_at"] = int(request.expires_at.timestamp())
        if request.customer_reference:
            params["customer"] = request.customer_reference
        if request.first_time_transaction:
            params["restrictions"] = {"first_time_transaction": True}
        code = _call(
            lambda: self.client.v1.promotion_codes.create(params, _options(request.idempotency_key))  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
        )
        return _catalog_object("promotion_code", _as_dict(code))

    def promotion_code_deactivate(
        self, *, provider_reference: str, idempotency_key: str
    ) -> CatalogObject:
        code = _call(
            lambda: self.client.v1.promotion_codes.update(
                provider_reference, {"active": False}, _options(idempotency_key)
            )
        )
        return _catalog_object("promotion_code", _as_dict(code))

    def usage_report(self, reports: Sequence[UsageReport]) -> list[UsageReportResult]:
        results = []
        for report in reports:
            params = {
                "event_name": report.event_name,
                "identifier": report.identifier,
                "timestamp": int(report.timestamp.timestamp()),
                "payload": {
                    "stripe_customer_id": report.customer_reference,
                    "value": str(report.value),
                },
            }
            try:
                _call(lambda params=params: self.client.v1.billing.meter_events.create(params))  # type: ignore[misc]  # binds this report's params
            except ProviderRequestError as error:
                if error.code in ("resource_already_exists", "duplicate_meter_event"):
                    results.append(
                        UsageReportResult(
                            identifier=report.identifier, accepted=True, duplicate=True
                        )
                    )
                    continue
                results.append(
                    UsageReportResult(
                        identifier=report.identifier, accepted=False, error=error.message
                    )
                )
                continue
            results.append(UsageReportResult(identifier=report.identifier, accepted=True))
        return results

    def usage_summary(
        self, *, meter_reference: str, customer_reference: str, start: datetime, end: datetime
    ) -> int:
        def total() -> int:
            summaries = self.client.v1.billing.meters.event_summaries.list(
                meter_reference,
                {
                    "customer": customer_reference,
                    "start_time": int(start.timestamp()),
                    "end_time": int(end.timestamp()),
                },
            )
            return int(sum(summary["aggregated_value"] for summary in summaries.auto_paging_iter()))

        return _call(total)

    # Test clocks

    def test_clock_create(self, request: TestClockRequest) -> TestClockResult:
        params: stripe.params.test_helpers.TestClockCreateParams = {
            "frozen_time": int(request.frozen_time.timestamp())
        }
        if request.name:
            params["name"] = request.name
        clock = _call(
            lambda: self.client.v1.test_helpers.test_clocks.create(
                params, _options(request.idempotency_key)
            )
        )
        return test_clock_result(_as_dict(clock))

    def test_clock_retrieve(self, *, provider_reference: str) -> TestClockResult:
        clock = _call(lambda: self.client.v1.test_helpers.test_clocks.retrieve(provider_reference))
        return test_clock_result(_as_dict(clock))

    def test_clock_advance(
        self, *, provider_reference: str, frozen_time: datetime, idempotency_key: str
    ) -> TestClockResult:
        clock = _call(
            lambda: self.client.v1.test_helpers.test_clocks.advance(
                provider_reference,
                {"frozen_time": int(frozen_time.timestamp())},
                _options(idempotency_key),
            )
        )
        return test_clock_result(_as_dict(clock))

    def test_clock_delete(self, *, provider_reference: str) -> None:
        _call(lambda: self.client.v1.test_helpers.test_clocks.delete(provider_reference))

    # Cards saved by the customer, and the billing portal

    def setup_intent_create(self, request: SetupIntentRequest) -> SetupIntentResult:
        params: dict[str, Any] = {
            "customer": request.customer_reference,
            "usage": str(request.usage),
            # Cards only, collected by the app's own form: nothing that redirects the customer.
            "payment_method_types": ["card"],
            "metadata": {"app_id": request.app_id, "customer_id": request.customer_id},
        }
        setup_intent = _call(
            lambda: self.client.v1.setup_intents.create(params, _options(request.idempotency_key))  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
        )
        return setup_intent_result(_as_dict(setup_intent))

    def setup_intent_from_object(self, setup_intent: Mapping[str, Any]) -> SetupIntentResult:
        return setup_intent_result(setup_intent)

    def payment_method_list(self, *, customer_reference: str) -> list[PaymentMethodResult]:
        def listing() -> list[PaymentMethodResult]:
            methods = self.client.v1.customers.payment_methods.list(
                customer_reference, {"type": "card", "limit": 100}
            )
            return [
                _payment_method_result(_as_dict(method)) for method in methods.auto_paging_iter()
            ]

        return _call(listing)

    def payment_method_retrieve(
        self, *, customer_reference: str, payment_method_reference: str
    ) -> PaymentMethodResult:
        method = _call(
            lambda: self.client.v1.customers.payment_methods.retrieve(
                customer_reference, payment_method_reference
            )
        )
        return _payment_method_result(_as_dict(method))

    def payment_method_make_default(
        self,
        *,
        customer_reference: str,
        payment_method_reference: str,
        subscription_references: Sequence[str],
        idempotency_key: str,
    ) -> None:
        _call(
            lambda: self.client.v1.customers.update(
                customer_reference,
                {"invoice_settings": {"default_payment_method": payment_method_reference}},
                _options(f"{idempotency_key}:customer"),
            )
        )
        # A subscription's own default payment method comes before the customer's.
        for reference in subscription_references:
            _call(
                lambda reference=reference: self.client.v1.subscriptions.update(  # type: ignore[misc]  # binds this subscription
                    reference,
                    {"default_payment_method": payment_method_reference},
                    _options(f"{idempotency_key}:{reference}"),
                )
            )

    def payment_method_detach(self, *, payment_method_reference: str, idempotency_key: str) -> None:
        _call(
            lambda: self.client.v1.payment_methods.detach(
                payment_method_reference, {}, _options(idempotency_key)
            )
        )

    def portal_configuration_upsert(
        self, request: PortalConfigurationRequest, *, provider_reference: str = ""
    ) -> str:
        params: dict[str, Any] = {
            "business_profile": {"headline": request.headline},
            "features": _portal_features(request),
            "metadata": {"app_id": request.app_id},
        }
        if provider_reference:
            configuration = _call(
                lambda: self.client.v1.billing_portal.configurations.update(
                    provider_reference,
                    params,  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
                    _options(request.idempotency_key),
                )
            )
        else:
            configuration = _call(
                lambda: self.client.v1.billing_portal.configurations.create(
                    params,  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
                    _options(request.idempotency_key),
                )
            )
        reference: str = configuration.id
        return reference

    def portal_session_create(self, request: PortalSessionRequest) -> PortalSessionResult:
        session = _call(
            lambda: self.client.v1.billing_portal.sessions.create(
                {
                    "customer": request.customer_reference,
                    "configuration": request.configuration_reference,
                    "return_url": request.return_url,
                },
                _options(request.idempotency_key),
            )
        )
        return PortalSessionResult(
            provider_reference=session.id,
            url=session.url,
            return_url=session.return_url or request.return_url,
            created=datetime.fromtimestamp(session.created, tz=UTC),
        )

    # Hosted checkout

    def checkout_session_create(self, request: CheckoutSessionRequest) -> CheckoutSessionResult:
        ours = {"app_id": request.app_id, "checkout_session_id": request.checkout_session_id}
        params: dict[str, Any] = {
            "mode": request.mode,
            "customer": request.customer_reference,
            "success_url": request.success_url,
            "metadata": {**request.metadata, **ours},
        }
        if request.cancel_url:
            params["cancel_url"] = request.cancel_url
        # Stripe takes one or the other: a code the buyer types, or a discount applied.
        if request.discounts:
            params["discounts"] = _discount_params(request.discounts)
        elif request.allow_promotion_codes:
            params["allow_promotion_codes"] = True
        if request.mode == "payment":
            params["line_items"] = [
                {
                    "price_data": {
                        "currency": item.currency,
                        "unit_amount": item.amount_minor,
                        "product_data": {"name": item.name},
                    },
                    "quantity": 1,
                }
                for item in request.line_items
            ]
            # Saved for later payments: the card becomes the customer's default.
            params["payment_intent_data"] = {"setup_future_usage": "off_session", "metadata": ours}
            if request.description:
                params["payment_intent_data"]["description"] = request.description
        elif request.mode == "subscription":
            params["line_items"] = [
                {
                    "price": item.price_reference,
                    **({"quantity": item.quantity} if item.quantity else {}),
                }
                for item in request.line_items
            ]
            params["subscription_data"] = {"metadata": {**request.metadata, **ours}}
            if request.trial_period_days:
                params["subscription_data"]["trial_period_days"] = request.trial_period_days
        else:
            # Cards only, so setup mode needs no currency.
            params["payment_method_types"] = ["card"]
            params["setup_intent_data"] = {"metadata": ours}
        session = _call(
            lambda: self.client.v1.checkout.sessions.create(
                params,  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
                _options(request.idempotency_key),
            )
        )
        return checkout_session_result(_as_dict(session))

    def checkout_session_retrieve(self, *, provider_reference: str) -> CheckoutSessionResult:
        session = _call(
            lambda: self.client.v1.checkout.sessions.retrieve(
                provider_reference, {"expand": _EXPAND_CHECKOUT}
            )
        )
        return checkout_session_result(_as_dict(session))

    def checkout_session_expire(
        self, *, provider_reference: str, idempotency_key: str
    ) -> CheckoutSessionResult:
        session = _call(
            lambda: self.client.v1.checkout.sessions.expire(
                provider_reference, {"expand": _EXPAND_CHECKOUT}, _options(idempotency_key)
            )
        )
        return checkout_session_result(_as_dict(session))

    def customer_default_payment_method_set(
        self, *, provider_reference: str, payment_method: str, idempotency_key: str
    ) -> CustomerResult:
        customer = _call(
            lambda: self.client.v1.customers.update(
                provider_reference,
                {"invoice_settings": {"default_payment_method": payment_method}},
                _options(idempotency_key),
            )
        )
        default = _as_dict(customer).get("invoice_settings", {}).get("default_payment_method")
        return CustomerResult(
            provider_reference=customer.id, default_payment_method=_reference(default)
        )

    # Invoices

    def _invoice_read(self, invoice: Mapping[str, Any]) -> InvoiceResult:
        """The invoice with all its lines and every charge of each of its payments."""
        lines_page = invoice.get("lines") or {}
        lines: list[Mapping[str, Any]] = list(lines_page.get("data") or [])
        if lines_page.get("has_more"):
            lines = [
                _as_dict(line)
                for line in self.client.v1.invoices.line_items.list(
                    invoice["id"], {"limit": 100}
                ).auto_paging_iter()
            ]
        attempts: list[InvoicePaymentAttemptResult] = []
        for invoice_payment in (invoice.get("payments") or {}).get("data") or []:
            intent = (invoice_payment.get("payment") or {}).get("payment_intent")
            if not intent:
                continue
            if isinstance(intent, str):
                intent = _as_dict(self.client.v1.payment_intents.retrieve(intent))
            last_error = intent.get("last_payment_error") or {}
            charges = self.client.v1.charges.list({"payment_intent": intent["id"], "limit": 100})
            attempts.extend(
                _charge_attempt(_as_dict(charge), last_error)
                for charge in charges.auto_paging_iter()
            )
        attempts.sort(key=lambda attempt: attempt.attempted_at)
        return invoice_result(invoice, lines=lines, attempts=attempts)

    def invoice_retrieve(self, *, provider_reference: str) -> InvoiceResult:
        def read() -> InvoiceResult:
            invoice = self.client.v1.invoices.retrieve(
                provider_reference, {"expand": [_EXPAND_INVOICE_PAYMENTS, "discounts"]}
            )
            return self._invoice_read(_as_dict(invoice))

        return _call(read)

    def invoice_pay(self, request: InvoicePayRequest) -> InvoiceResult:
        params: dict[str, Any] = {"off_session": True}
        if request.payment_method:
            # Stripe pays only with a payment method of the invoice's customer.
            method = _call(
                lambda: self.client.v1.payment_methods.attach(
                    request.payment_method,
                    {"customer": request.customer_reference},
                    _options(f"{request.idempotency_key}:attach"),
                )
            )
            params["payment_method"] = method.id
        _call(
            lambda: self.client.v1.invoices.pay(
                request.provider_reference,
                params,  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
                _options(request.idempotency_key),
            )
        )
        return self.invoice_retrieve(provider_reference=request.provider_reference)

    def invoice_preview(
        self, *, customer_reference: str, subscription_reference: str
    ) -> InvoiceResult:
        def preview() -> InvoiceResult:
            invoice = _as_dict(
                self.client.v1.invoices.create_preview(
                    {
                        "customer": customer_reference,
                        "subscription": subscription_reference,
                        "expand": ["discounts"],
                    }
                )
            )
            return invoice_result(invoice)

        return _call(preview)

    def invoice_from_object(self, invoice: Mapping[str, Any]) -> InvoiceResult:
        return invoice_result(invoice)

    # Prepaid credits: billing credit grants

    def credit_grant_create(self, request: CreditGrantRequest) -> CreditGrantResult:
        scope: dict[str, Any] = (
            {"prices": [{"id": price} for price in request.price_references]}
            if request.price_references
            else {"price_type": "metered"}
        )
        params: dict[str, Any] = {
            "customer": request.customer_reference,
            "amount": {
                "type": "monetary",
                "monetary": {"currency": request.currency, "value": request.amount_minor},
            },
            "applicability_config": {"scope": scope},
            "category": "paid",
            "priority": request.priority,
            "metadata": {"app_id": request.app_id, "credit_grant_id": request.credit_grant_id},
        }
        if request.name:
            params["name"] = request.name
        if request.expires_at is not None:
            params["expires_at"] = int(request.expires_at.timestamp())
        grant = _call(
            lambda: self.client.v1.billing.credit_grants.create(
                params,  # type: ignore[arg-type]  # params built as a dict; Stripe checks them
                _options(request.idempotency_key),
            )
        )
        return credit_grant_result(_as_dict(grant))

    def credit_grant_void(
        self, *, provider_reference: str, idempotency_key: str
    ) -> CreditGrantResult:
        grant = _call(
            lambda: self.client.v1.billing.credit_grants.void_grant(
                provider_reference, options=_options(idempotency_key)
            )
        )
        return credit_grant_result(_as_dict(grant))

    def credit_grant_expire(
        self, *, provider_reference: str, idempotency_key: str
    ) -> CreditGrantResult:
        grant = _call(
            lambda: self.client.v1.billing.credit_grants.expire(
                provider_reference, options=_options(idempotency_key)
            )
        )
        return credit_grant_result(_as_dict(grant))

    def credit_transactions_list(
        self, *, customer_reference: str, grant_reference: str
    ) -> list[CreditTransactionResult]:
        def read() -> list[CreditTransactionResult]:
            page = self.client.v1.billing.credit_balance_transactions.list(
                {"customer": customer_reference, "credit_grant": grant_reference, "limit": 100}
            )
            found = [
                credit_transaction_result(_as_dict(transaction))
                for transaction in page.auto_paging_iter()
            ]
            return sorted(
                (item for item in found if item is not None),
                key=lambda item: (item.effective_at, item.provider_reference),
            )

        return _call(read)

    # Webhooks

    def parse_webhook(
        self, *, headers: Mapping[str, str], body: bytes, secret: str
    ) -> ProviderEvent:
        signature = next(
            (value for key, value in headers.items() if key.lower() == "stripe-signature"), ""
        )
        try:
            event = stripe.Webhook.construct_event(
                body, signature, secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
            )
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise ProviderRequestError(
                "The webhook signature is not valid.", code=ProviderErrorCode.INVALID_SIGNATURE
            ) from error
        return provider_event(_as_dict(event))


def provider_event(event: Mapping[str, Any]) -> ProviderEvent:
    data = event.get("data") or {}
    return ProviderEvent(
        id=event["id"],
        type=event["type"],
        created=datetime.fromtimestamp(event["created"], tz=UTC),
        livemode=bool(event.get("livemode")),
        data_object=data.get("object") or {},
        previous_attributes=data.get("previous_attributes") or {},
        raw=event,
    )
