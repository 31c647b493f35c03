"""The PayPal provider: the only module that talks to PayPal. Orders v2, captures and refunds go
through PayPal's official SDK (`paypal-server-sdk`); the webhook signature check, which the SDK
does not cover, is plain HTTP here, with the same OAuth2 token.

One-time payments are PayPal orders (intent CAPTURE): creating one answers `requires_action`
with the payer's approval page as `redirect_url`; once the payer approves (CHECKOUT.ORDER.
APPROVED, or any later read of the payment) the order is captured, and the capture's status is
the payment's. Amounts are integer minor units on our side and decimal strings in major units
on PayPal's. PayPal has no customer object: a customer's reference is local."""

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, TypeVar

import requests
from django.conf import settings
from paypalserversdk.configuration import Environment
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.exceptions.error_exception import ErrorException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.models.o_auth_token import OAuthToken
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from api.errors import ErrorCode
from billing.providers.base import (
    Capability,
    CatalogObject,
    ChargeRefundState,
    ChargeRequest,
    ChargeResult,
    ChargeStatus,
    CheckoutSessionRequest,
    CheckoutSessionResult,
    CreditGrantRequest,
    CreditGrantResult,
    CreditTransactionResult,
    CustomerRequest,
    CustomerResult,
    MeterRequest,
    PriceRequest,
    ProductRequest,
    ProviderDeclinedError,
    ProviderError,
    ProviderEvent,
    ProviderRequestError,
    ProviderUnavailableError,
    ProviderWebhookChange,
    RefundRequest,
    RefundResult,
    RefundStatus,
    SubscriptionChangeRequest,
    SubscriptionRequest,
    SubscriptionResult,
    TestClockRequest,
    TestClockResult,
    UsageReport,
    UsageReportResult,
)
from billing.providers.errors import ProviderErrorCode

logger = logging.getLogger(__name__)

SANDBOX_API_BASE = "https://api-m.sandbox.paypal.com"
LIVE_API_BASE = "https://api-m.paypal.com"
# A token is fetched again this long before PayPal says it expires.
TOKEN_EXPIRY_MARGIN_SECONDS = 60
RETRY_STATUSES = [408, 429, 500, 502, 503, 504]

# developer.paypal.com/reference/currency-codes (lower case, as our API speaks them).
PAYPAL_CURRENCIES = frozenset(
    {
        "aud", "brl", "cad", "cny", "czk", "dkk", "eur", "hkd", "huf", "ils", "jpy", "myr",
        "mxn", "twd", "nzd", "nok", "php", "pln", "gbp", "sgd", "sek", "chf", "thb", "usd",
    }
)  # fmt: skip
# PayPal takes no decimals in these, although ISO 4217 gives HUF and TWD two.
_ZERO_DECIMAL = frozenset({"huf", "jpy", "twd"})

Result = TypeVar("Result")


# Amounts ---------------------------------------------------------------------------------


def currency_exponent(currency: str) -> int:
    return 0 if currency.lower() in _ZERO_DECIMAL else 2


def amount_to_paypal(amount_minor: int, currency: str) -> str:
    """Our integer minor units as PayPal's decimal string in major units: 1050 usd → "10.50",
    500 jpy → "500"."""
    exponent = currency_exponent(currency)
    if exponent == 0:
        return str(amount_minor)
    whole, fraction = divmod(amount_minor, 10**exponent)
    return f"{whole}.{fraction:0{exponent}d}"


def amount_from_paypal(value: str, currency: str) -> int:
    """PayPal's decimal string in major units as our integer minor units; refuses a value with
    more decimals than the currency has."""
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ProviderUnavailableError(
            f"PayPal answered an amount that is not one: {value!r}."
        ) from None
    minor = amount.scaleb(currency_exponent(currency))
    if minor != minor.to_integral_value():
        raise ProviderUnavailableError(f"PayPal answered {value} {currency}, finer than its unit.")
    return int(minor)


def _money(money: Mapping[str, Any] | None) -> tuple[int, str]:
    if not money:
        return 0, ""
    currency = str(money.get("currency_code", "")).lower()
    return amount_from_paypal(str(money.get("value", "0")), currency), currency


# Credentials, tokens and the SDK client ------------------------------------------------------


def api_base() -> str:
    return str(getattr(settings, "PAYPAL_API_BASE", "") or SANDBOX_API_BASE).rstrip("/")


class _TokenCache:
    """One OAuth2 client-credentials token per API base and client id, shared by the process,
    kept until shortly before it expires; `invalidate` drops it when PayPal answers 401."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, str], tuple[str, float, int]] = {}
        self._clients: dict[tuple[str, str, str], PaypalServersdkClient] = {}

    def token(self) -> tuple[str, float, int]:
        key = (api_base(), settings.PAYPAL_CLIENT_ID)
        with self._lock:
            cached = self._tokens.get(key)
            if cached is not None and cached[1] - TOKEN_EXPIRY_MARGIN_SECONDS > time.time():
                return cached
        fetched = _token_fetch()
        with self._lock:
            self._tokens[key] = fetched
        return fetched

    def invalidate(self) -> None:
        with self._lock:
            self._tokens.pop((api_base(), settings.PAYPAL_CLIENT_ID), None)

    def client(self) -> PaypalServersdkClient:
        """The SDK client for the current token (a new token, a new client: the SDK keeps the
        token it was given until its expiry and would not drop it on a 401)."""
        access_token, expires_at, expires_in = self.token()
        key = (api_base(), settings.PAYPAL_CLIENT_ID, access_token)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                self._clients = {k: v for k, v in self._clients.items() if k[:2] != key[:2]}
                client = PaypalServersdkClient(
                    client_credentials_auth_credentials=ClientCredentialsAuthCredentials(
                        o_auth_client_id=settings.PAYPAL_CLIENT_ID,
                        o_auth_client_secret=settings.PAYPAL_CLIENT_SECRET,
                        o_auth_token=OAuthToken(
                            access_token=access_token,
                            token_type="Bearer",  # noqa: S106 - a token type, not a secret
                            expires_in=expires_in,
                            expiry=int(expires_at),
                        ),
                    ),
                    timeout=settings.PAYPAL_READ_TIMEOUT_SECONDS,
                    max_retries=settings.PAYPAL_MAX_NETWORK_RETRIES,
                    backoff_factor=0.25,
                    retry_statuses=RETRY_STATUSES,
                    # Safe for POSTs too: each create carries its PayPal-Request-Id.
                    retry_methods=["GET", "POST"],
                    environment=Environment.SANDBOX,
                )
                sandbox = client.config.environments[Environment.SANDBOX]
                client.config.environments = {
                    Environment.SANDBOX: dict.fromkeys(sandbox, api_base())
                }
                self._clients[key] = client
            return client


_tokens = _TokenCache()


def _token_fetch() -> tuple[str, float, int]:
    if not (settings.PAYPAL_CLIENT_ID and settings.PAYPAL_CLIENT_SECRET):
        raise ProviderUnavailableError(
            "PayPal is not configured (PAYPAL_CLIENT_ID / PAYPAL_CLIENT_SECRET are empty).",
            code=ProviderErrorCode.PROVIDER_MISCONFIGURED,
        )
    try:
        response = requests.post(
            f"{api_base()}/v1/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=(settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET),
            headers={"Accept": "application/json"},
            timeout=(settings.PAYPAL_CONNECT_TIMEOUT_SECONDS, settings.PAYPAL_READ_TIMEOUT_SECONDS),
        )
    except requests.RequestException as error:
        raise _unavailable() from error
    if response.status_code == 401:
        logger.error("PayPal refused our client credentials.")
        raise ProviderUnavailableError(
            "PayPal refused the service's credentials (PAYPAL_CLIENT_ID / PAYPAL_CLIENT_SECRET).",
            code=ProviderErrorCode.PROVIDER_MISCONFIGURED,
        )
    if response.status_code != 200:
        raise _unavailable()
    body = response.json()
    expires_in = int(body.get("expires_in", 0))
    return str(body["access_token"]), time.time() + expires_in, expires_in


def _unavailable() -> ProviderUnavailableError:
    return ProviderUnavailableError(
        "PayPal could not be reached or failed on its side; retry the request.",
        code=ErrorCode.PROVIDER_UNAVAILABLE,
    )


def _error_issue(error: ErrorException) -> tuple[str, str, str]:
    """The first detail's issue, description and field of PayPal's error object."""
    details = getattr(error, "details", None) or []
    if details:
        detail = details[0]
        return (
            str(getattr(detail, "issue", "") or ""),
            str(getattr(detail, "description", "") or ""),
            str(getattr(detail, "field", "") or ""),
        )
    return str(getattr(error, "name", "") or ""), str(getattr(error, "message", "") or ""), ""


def _call(operation: Callable[[PaypalServersdkClient], Result]) -> Result:
    """Runs one SDK call (fetching a new token once on a 401) and translates PayPal's errors
    into ours: 5xx, 429 and network failures (after the SDK's retries) are outages; the rest
    are PayPal refusing the request."""
    for attempt in (1, 2):
        try:
            return operation(_tokens.client())
        except ErrorException as error:
            if error.response_code == 401 and attempt == 1:
                _tokens.invalidate()
                continue
            if error.response_code in RETRY_STATUSES or error.response_code == 401:
                raise _unavailable() from error
            issue, description, field = _error_issue(error)
            raise ProviderRequestError(
                f"{issue}: {description}" if description else issue,
                code=issue.lower() or ProviderErrorCode.PROVIDER_REJECTED,
                param=field or None,
            ) from error
        except ApiException as error:
            if error.response_code == 401 and attempt == 1:
                _tokens.invalidate()
                continue
            raise _unavailable() from error
        except (requests.RequestException, OSError) as error:
            raise _unavailable() from error
    raise _unavailable()


def _body(response: Any) -> dict[str, Any]:
    """The JSON PayPal answered, as a plain dict (our code reads PayPal's field names)."""
    text = getattr(response, "text", "") or "{}"
    body: dict[str, Any] = json.loads(text)
    return body


# Statuses ------------------------------------------------------------------------------------


def _capture_charge_status(status: str) -> ChargeStatus:
    match status:
        case "COMPLETED" | "PARTIALLY_REFUNDED" | "REFUNDED":
            return ChargeStatus.SUCCEEDED
        case "PENDING":
            return ChargeStatus.PROCESSING
        case "DECLINED" | "FAILED":
            return ChargeStatus.FAILED
        case _:
            raise ProviderUnavailableError(f"PayPal answered an unknown capture status {status!r}.")


def _refund_status(status: str) -> RefundStatus:
    match status:
        case "COMPLETED":
            return RefundStatus.SUCCEEDED
        case "PENDING":
            return RefundStatus.PENDING
        case "FAILED":
            return RefundStatus.FAILED
        case "CANCELLED":
            return RefundStatus.CANCELED
        case _:
            raise ProviderUnavailableError(f"PayPal answered an unknown refund status {status!r}.")


def _link(resource: Mapping[str, Any], *rels: str) -> str:
    for link in resource.get("links") or []:
        if link.get("rel") in rels:
            return str(link.get("href", ""))
    return ""


def _captures(order: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    units = order.get("purchase_units") or [{}]
    captures: list[Mapping[str, Any]] = (units[0].get("payments") or {}).get("captures") or []
    return captures


def _declined_capture(order: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return next((c for c in _captures(order) if c.get("status") in ("DECLINED", "FAILED")), None)


def _order_result(order: Mapping[str, Any], *, decline_issue: str = "") -> ChargeResult:
    """A PayPal order in our vocabulary: before capture it waits on the payer; after, its
    capture's status is the payment's."""
    status = str(order.get("status", ""))
    reference = str(order.get("id", ""))
    captures = _captures(order)
    capture = captures[-1] if captures else None
    match status:
        case "CREATED" | "PAYER_ACTION_REQUIRED" | "SAVED":
            return ChargeResult(
                status=ChargeStatus.REQUIRES_ACTION,
                provider_reference=reference,
                redirect_url=_link(order, "payer-action", "approve"),
                raw_response=order,
            )
        case "APPROVED" | "COMPLETED":
            if capture is None:
                return ChargeResult(
                    status=ChargeStatus.PROCESSING, provider_reference=reference, raw_response=order
                )
            charge_status = _capture_charge_status(str(capture.get("status", "")))
            failed = charge_status == ChargeStatus.FAILED
            issue = decline_issue or "INSTRUMENT_DECLINED"
            return ChargeResult(
                status=charge_status,
                provider_reference=reference,
                charge_reference=str(capture.get("id", "")),
                failure_code=ErrorCode.CARD_DECLINED if failed else "",
                failure_message="PayPal declined the payer's funding source." if failed else "",
                decline_code=issue.lower() if failed else "",
                raw_response=order,
            )
        case "VOIDED":
            return ChargeResult(
                status=ChargeStatus.CANCELED, provider_reference=reference, raw_response=order
            )
        case _:
            raise ProviderUnavailableError(f"PayPal answered an unknown order status {status!r}.")


def _refund_result(refund: Mapping[str, Any]) -> RefundResult:
    amount_minor, _ = _money(refund.get("amount"))
    capture_link = _link(refund, "up")
    return RefundResult(
        status=_refund_status(str(refund.get("status", ""))),
        provider_reference=str(refund.get("id", "")),
        amount_minor=amount_minor,
        charge_reference=capture_link.rstrip("/").rsplit("/", 1)[-1] if capture_link else "",
        refund_id=str(refund.get("custom_id", "")),
        failure_reason=str((refund.get("status_details") or {}).get("reason", "")),
        raw_response=refund,
    )


def _unsupported(capability: Capability) -> ProviderRequestError:
    return ProviderRequestError(
        f"PayPal does not support {capability} here.",
        code=ProviderErrorCode.PROVIDER_CAPABILITY_UNSUPPORTED,
    )


class PayPalProvider:
    name: ClassVar[str] = "paypal"
    supported_currencies: ClassVar[frozenset[str]] = PAYPAL_CURRENCIES
    # One-time payments (approved by the payer on PayPal's page) and refunds; subscriptions
    # (PayPal's billing plans) are not built yet.
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.WEBHOOK_ENDPOINT})

    def __init__(self, *, app: Any = None) -> None:
        self.app = app

    # Customers: PayPal has none; the payer is whoever approves each order.

    def customer_create(self, request: CustomerRequest) -> CustomerResult:
        return CustomerResult(provider_reference=f"local:{request.customer_id}")

    def customer_update(
        self, *, provider_reference: str, request: CustomerRequest
    ) -> CustomerResult:
        return CustomerResult(provider_reference=provider_reference)

    # Catalog, subscriptions, usage and test clocks: not PayPal's (yet); the capability
    # check refuses them before they get here.

    def product_upsert(
        self, request: ProductRequest, *, provider_reference: str = ""
    ) -> CatalogObject:
        raise _unsupported(Capability.SUBSCRIPTIONS)

    def meter_create(self, request: MeterRequest) -> CatalogObject:
        raise _unsupported(Capability.METERED_USAGE)

    def price_create(self, request: PriceRequest) -> CatalogObject:
        raise _unsupported(Capability.SUBSCRIPTIONS)

    def price_deactivate(self, *, provider_reference: str) -> CatalogObject:
        raise _unsupported(Capability.SUBSCRIPTIONS)

    def catalog_list(self, *, app_id: str) -> list[CatalogObject]:
        return []

    def subscription_create(self, request: SubscriptionRequest) -> SubscriptionResult:
        raise _unsupported(Capability.SUBSCRIPTIONS)

    def subscription_retrieve(self, *, provider_reference: str) -> SubscriptionResult:
        raise _unsupported(Capability.SUBSCRIPTIONS)

    def subscription_cancel(
        self, *, provider_reference: str, at_period_end: bool, idempotency_key: str
    ) -> SubscriptionResult:
        raise _unsupported(Capability.SUBSCRIPTIONS)

    def subscription_change(self, request: SubscriptionChangeRequest) -> SubscriptionResult:
        raise _unsupported(Capability.SUBSCRIPTIONS)

    def subscription_resume(
        self, *, provider_reference: str, idempotency_key: str
    ) -> SubscriptionResult:
        raise _unsupported(Capability.SUBSCRIPTIONS)

    def checkout_session_create(self, request: CheckoutSessionRequest) -> CheckoutSessionResult:
        raise _unsupported(Capability.CHECKOUT)

    def checkout_session_retrieve(self, *, provider_reference: str) -> CheckoutSessionResult:
        raise _unsupported(Capability.CHECKOUT)

    def checkout_session_expire(
        self, *, provider_reference: str, idempotency_key: str
    ) -> CheckoutSessionResult:
        raise _unsupported(Capability.CHECKOUT)

    def customer_default_payment_method_set(
        self, *, provider_reference: str, payment_method: str, idempotency_key: str
    ) -> CustomerResult:
        raise _unsupported(Capability.SAVED_PAYMENT_METHODS)

    def usage_report(self, reports: Sequence[UsageReport]) -> list[UsageReportResult]:
        raise _unsupported(Capability.METERED_USAGE)

    def usage_summary(
        self, *, meter_reference: str, customer_reference: str, start: datetime, end: datetime
    ) -> int:
        raise _unsupported(Capability.METERED_USAGE)

    def test_clock_create(self, request: TestClockRequest) -> TestClockResult:
        raise _unsupported(Capability.TEST_CLOCKS)

    def test_clock_retrieve(self, *, provider_reference: str) -> TestClockResult:
        raise _unsupported(Capability.TEST_CLOCKS)

    def test_clock_advance(
        self, *, provider_reference: str, frozen_time: datetime, idempotency_key: str
    ) -> TestClockResult:
        raise _unsupported(Capability.TEST_CLOCKS)

    def test_clock_delete(self, *, provider_reference: str) -> None:
        raise _unsupported(Capability.TEST_CLOCKS)

    # Prepaid credits: PayPal's orders have nothing that invoices consume.

    def credit_grant_create(self, request: CreditGrantRequest) -> CreditGrantResult:
        raise _unsupported(Capability.CREDIT_GRANTS)

    def credit_grant_void(
        self, *, provider_reference: str, idempotency_key: str
    ) -> CreditGrantResult:
        raise _unsupported(Capability.CREDIT_GRANTS)

    def credit_grant_expire(
        self, *, provider_reference: str, idempotency_key: str
    ) -> CreditGrantResult:
        raise _unsupported(Capability.CREDIT_GRANTS)

    def credit_transactions_list(
        self, *, customer_reference: str, grant_reference: str
    ) -> list[CreditTransactionResult]:
        raise _unsupported(Capability.CREDIT_GRANTS)

    # Payments

    def charge(self, request: ChargeRequest) -> ChargeResult:
        if not request.return_url:
            raise ProviderRequestError(
                "A PayPal payment needs the payer's approval: pass return_url.",
                code=ProviderErrorCode.PROVIDER_CAPABILITY_UNSUPPORTED,
                param="return_url",
            )
        unit: dict[str, Any] = {
            "reference_id": request.payment_id,
            "custom_id": f"{request.app_id}:{request.payment_id}"[:127],
            "amount": {
                "currency_code": request.currency.upper(),
                "value": amount_to_paypal(request.amount_minor, request.currency),
            },
        }
        if request.description:
            unit["description"] = request.description[:127]
        body = {
            "intent": "CAPTURE",
            "purchase_units": [unit],
            "payment_source": {
                "paypal": {
                    "experience_context": {
                        "return_url": request.return_url,
                        "cancel_url": request.return_url,
                        "user_action": "PAY_NOW",
                        "shipping_preference": "NO_SHIPPING",
                    }
                }
            },
        }
        order = _body(
            _call(
                lambda client: client.orders.create_order(
                    {
                        "body": body,
                        "paypal_request_id": request.idempotency_key,
                        "prefer": "return=representation",
                    }
                )
            )
        )
        return self._settle(order)

    def charge_retrieve(self, *, provider_reference: str) -> ChargeResult:
        """The order as PayPal has it now, captured first if the payer has approved it (the
        capture's PayPal-Request-Id is the order's, so asking twice captures once)."""
        order = _body(_call(lambda client: client.orders.get_order({"id": provider_reference})))
        return self._settle(order)

    def _settle(self, order: Mapping[str, Any]) -> ChargeResult:
        if order.get("status") != "APPROVED" or _declined_capture(order) is not None:
            return _order_result(order)
        order_id = str(order["id"])
        try:
            captured = _body(
                _call(
                    lambda client: client.orders.capture_order(
                        {
                            "id": order_id,
                            "paypal_request_id": f"capture-{order_id}",
                            "prefer": "return=representation",
                        }
                    )
                )
            )
        except ProviderRequestError as error:
            match error.code:
                case "instrument_declined":
                    current = _body(_call(lambda client: client.orders.get_order({"id": order_id})))
                    result = _order_result(current, decline_issue="INSTRUMENT_DECLINED")
                    if result.status == ChargeStatus.FAILED:
                        return result
                    raise ProviderDeclinedError(
                        error.message, decline_code="instrument_declined", charge=result
                    ) from error
                case "order_already_captured":
                    captured = _body(
                        _call(lambda client: client.orders.get_order({"id": order_id}))
                    )
                case _:
                    raise
        return _order_result(captured)

    def refund(self, request: RefundRequest) -> RefundResult:
        order = _body(
            _call(lambda client: client.orders.get_order({"id": request.payment_reference}))
        )
        captures = [c for c in _captures(order) if c.get("status") not in ("DECLINED", "FAILED")]
        if not captures:
            raise ProviderRequestError(
                "The PayPal order has no capture to refund.", code="capture_missing"
            )
        capture = captures[-1]
        currency = str(capture["amount"]["currency_code"])
        body: dict[str, Any] = {
            "amount": {
                "currency_code": currency,
                "value": amount_to_paypal(request.amount_minor, currency),
            },
            "custom_id": request.refund_id,
        }
        if request.reason:
            body["note_to_payer"] = request.reason[:255]
        refund = _body(
            _call(
                lambda client: client.payments.refund_captured_payment(
                    {
                        "capture_id": capture["id"],
                        "body": body,
                        "paypal_request_id": request.idempotency_key,
                        "prefer": "return=representation",
                    }
                )
            )
        )
        return _refund_result(refund)

    def charge_from_object(self, payment: Mapping[str, Any]) -> ChargeResult:
        return _order_result(payment)

    def refund_state_from_object(self, charge: Mapping[str, Any]) -> ChargeRefundState:
        amount, _ = _money(
            (charge.get("seller_payable_breakdown") or {}).get("total_refunded_amount")
        )
        return ChargeRefundState(
            payment_reference="",
            charge_reference=_refund_result(charge).charge_reference,
            amount_refunded=amount,
        )

    def refund_from_object(self, refund: Mapping[str, Any]) -> RefundResult:
        return _refund_result(refund)

    # Webhooks

    def parse_webhook(
        self, *, headers: Mapping[str, str], body: bytes, secret: str
    ) -> ProviderEvent:
        """Verified with PayPal's `verify-webhook-signature` for our webhook id (`secret`, else
        PAYPAL_WEBHOOK_ID): an event PayPal did not send, or sent to another listener, is
        refused."""
        webhook_id = secret or settings.PAYPAL_WEBHOOK_ID
        lowered = {name.lower(): value for name, value in headers.items()}
        names = (
            "transmission-id",
            "transmission-time",
            "transmission-sig",
            "cert-url",
            "auth-algo",
        )
        missing = [name for name in names if not lowered.get(f"paypal-{name}")]
        try:
            event = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            event = None
        if missing or not isinstance(event, dict) or not webhook_id:
            raise ProviderRequestError(
                "Not a signed PayPal webhook.", code=ProviderErrorCode.INVALID_SIGNATURE
            )
        verification = {
            "auth_algo": lowered["paypal-auth-algo"],
            "cert_url": lowered["paypal-cert-url"],
            "transmission_id": lowered["paypal-transmission-id"],
            "transmission_sig": lowered["paypal-transmission-sig"],
            "transmission_time": lowered["paypal-transmission-time"],
            "webhook_id": webhook_id,
            "webhook_event": event,
        }
        answer = _http_post("/v1/notifications/verify-webhook-signature", verification)
        if answer.get("verification_status") != "SUCCESS":
            raise ProviderRequestError(
                "The PayPal webhook's signature does not verify.",
                code=ProviderErrorCode.INVALID_SIGNATURE,
            )
        created = str(event.get("create_time") or "")
        return ProviderEvent(
            id=str(event.get("id", "")),
            type=str(event.get("event_type", "")),
            created=(
                datetime.fromisoformat(created.replace("Z", "+00:00"))
                if created
                else datetime.now(tz=UTC)
            ),
            livemode=api_base() == LIVE_API_BASE,
            data_object=event.get("resource") or {},
            raw=event,
        )

    def webhook_change(self, event: ProviderEvent) -> ProviderWebhookChange:
        resource = event.data_object
        match event.type:
            case "CHECKOUT.ORDER.APPROVED" | "CHECKOUT.ORDER.COMPLETED":
                return ProviderWebhookChange(payment_reference=str(resource.get("id", "")))
            case "PAYMENT.CAPTURE.COMPLETED" | "PAYMENT.CAPTURE.DENIED" | "PAYMENT.CAPTURE.PENDING":
                related = (resource.get("supplementary_data") or {}).get("related_ids") or {}
                order_id = related.get("order_id") or _link(resource, "up").rsplit("/", 1)[-1]
                return ProviderWebhookChange(payment_reference=str(order_id or ""))
            case "PAYMENT.CAPTURE.REFUNDED":
                return ProviderWebhookChange(refund=_refund_result(resource))
            case _:
                return ProviderWebhookChange()


def _http_post(path: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """A PayPal call the SDK does not cover, with the same token, timeouts and retries."""
    attempts = 1 + max(0, int(settings.PAYPAL_MAX_NETWORK_RETRIES))
    for attempt in range(1, attempts + 1):
        access_token = _tokens.token()[0]
        try:
            response = requests.post(
                f"{api_base()}{path}",
                json=body,
                headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
                timeout=(
                    settings.PAYPAL_CONNECT_TIMEOUT_SECONDS,
                    settings.PAYPAL_READ_TIMEOUT_SECONDS,
                ),
            )
        except requests.RequestException as error:
            if attempt == attempts:
                raise _unavailable() from error
            time.sleep(0.25 * attempt)
            continue
        if response.status_code == 401:
            _tokens.invalidate()
            if attempt < attempts:
                continue
        if response.status_code in RETRY_STATUSES or response.status_code == 401:
            if attempt == attempts:
                raise _unavailable()
            time.sleep(0.25 * attempt)
            continue
        answer: dict[str, Any] = response.json() if response.content else {}
        if response.status_code >= 400:
            details = answer.get("details") or [{}]
            issue = str(details[0].get("issue") or answer.get("name") or "")
            raise ProviderRequestError(
                f"{issue}: {details[0].get('description') or answer.get('message', '')}",
                code=issue.lower() or ProviderErrorCode.PROVIDER_REJECTED,
            )
        return answer
    raise _unavailable()


__all__ = ["PayPalProvider", "ProviderError", "amount_from_paypal", "amount_to_paypal"]
