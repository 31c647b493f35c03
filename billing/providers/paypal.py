"""The PayPal provider: the only module that talks to PayPal. Orders v2, captures and refunds go
through PayPal's official SDK (`paypal-server-sdk`); the webhook signature check, which the SDK
does not cover, is plain HTTP here, with the same OAuth2 token.

One-time payments are PayPal orders (intent CAPTURE): creating one answers `requires_action`
with the payer's approval page as `redirect_url`; once the payer approves (CHECKOUT.ORDER.
APPROVED, any later read of the payment, or the sweep of payments awaiting action) the order is
captured, and the capture's status is the payment's. Amounts are integer minor units on our
side and decimal strings in major units on PayPal's.

Saved payers are PayPal's vault: an order for a customer with nothing saved asks PayPal to
vault the payer on success (`attributes.vault.store_in_vault = ON_SUCCESS`), and the capture
answers the payment token (`attributes.vault.id`, our saved payment method) and the vault
customer it joined (`attributes.vault.customer.id`, our customer's provider reference from
then on; before, it is local). A later payment with the token (`payment_source.paypal.
vault_id`) is captured by PayPal at once, without redirect: on or off session alike."""

import calendar
import dataclasses
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, TypeVar

import requests
from django.conf import settings
from paypalserversdk.configuration import Environment
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.exceptions.error_exception import ErrorException
from paypalserversdk.exceptions.subscription_error_exception import SubscriptionErrorException
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
    CouponRequest,
    CreditGrantRequest,
    CreditGrantResult,
    CreditTransactionResult,
    CustomerRequest,
    CustomerResult,
    MeterRequest,
    PaymentMethodResult,
    PriceRequest,
    ProductRequest,
    PromotionCodeRequest,
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
    SubscriptionPaymentResult,
    SubscriptionRequest,
    SubscriptionResult,
    SubscriptionScheduleRequest,
    SubscriptionScheduleResult,
    SubscriptionStatus,
    TestClockRequest,
    TestClockResult,
    UsageReport,
    UsageReportResult,
)
from billing.providers.errors import ProviderErrorCode
from billing.providers.keys import provider_idempotency_key

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
        except (ErrorException, SubscriptionErrorException) as error:
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


def _vault(order: Mapping[str, Any]) -> Mapping[str, Any]:
    """The payer PayPal saved with the order (`payment_source.paypal.attributes.vault`)."""
    wallet = (order.get("payment_source") or {}).get("paypal") or {}
    vault: Mapping[str, Any] = (wallet.get("attributes") or {}).get("vault") or {}
    return vault if vault.get("status") == "VAULTED" and vault.get("id") else {}


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
            vault = _vault(order) if not failed else {}
            return ChargeResult(
                status=charge_status,
                provider_reference=reference,
                charge_reference=str(capture.get("id", "")),
                failure_code=ErrorCode.CARD_DECLINED if failed else "",
                failure_message="PayPal declined the payer's funding source." if failed else "",
                decline_code=issue.lower() if failed else "",
                raw_response=order,
                saved_payment_method=str(vault.get("id", "")),
                saved_customer_reference=str((vault.get("customer") or {}).get("id", "")),
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


def _capture_request_id(order: Mapping[str, Any]) -> str:
    """The capture's PayPal-Request-Id, derived from our payment (the order's `custom_id`,
    "<app id>:<payment id>"): the webhook, a read of the payment and the sweep of approved
    orders all ask with it, so however many race, PayPal captures once."""
    units = order.get("purchase_units") or [{}]
    app_id, _, payment_id = str(units[0].get("custom_id") or "").partition(":")
    if not (app_id and payment_id):
        return f"capture-{order.get('id', '')}"
    return provider_idempotency_key(
        app_id=app_id, request_key=None, object_id=payment_id, operation="capture"
    )


LOCAL_CUSTOMER_PREFIX = "local:"


def _is_vault_customer(customer_reference: str) -> bool:
    """A customer's reference is PayPal's vault customer once a payer of theirs was saved;
    before, it is local (`local:<our id>`)."""
    return bool(customer_reference) and not customer_reference.startswith(LOCAL_CUSTOMER_PREFIX)


def _payment_method(token: Mapping[str, Any]) -> PaymentMethodResult:
    wallet = (token.get("payment_source") or {}).get("paypal") or {}
    return PaymentMethodResult(
        provider_reference=str(token.get("id", "")),
        customer_reference=str((token.get("customer") or {}).get("id", "")),
        brand="paypal",
        last4="",
        exp_month=0,
        exp_year=0,
        type="paypal",
        email=str(wallet.get("email_address", "")),
    )


def _unsupported(capability: Capability) -> ProviderRequestError:
    return ProviderRequestError(
        f"PayPal does not support {capability} here.",
        code=ProviderErrorCode.PROVIDER_CAPABILITY_UNSUPPORTED,
    )


class PayPalProvider:
    name: ClassVar[str] = "paypal"
    supported_currencies: ClassVar[frozenset[str]] = PAYPAL_CURRENCIES
    # One-time payments (approved by the payer on PayPal's page, which vaults the payer for
    # the next ones: those need no redirect, on or off session) and refunds, and subscriptions
    # to fixed-price plans (catalog products and billing plans, a trial as the plan's TRIAL
    # cycle), each approved by the payer on PayPal's page.
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.WEBHOOK_ENDPOINT,
            Capability.SUBSCRIPTIONS,
            Capability.SAVED_PAYMENT_METHODS,
            Capability.PAYMENT_METHOD_SAVED_AT_APPROVAL,
            Capability.OFF_SESSION_PAYMENTS,
            Capability.PAYMENTS_WITHOUT_REDIRECT,
        }
    )

    def __init__(self, *, app: Any = None) -> None:
        self.app = app

    # Customers: PayPal has none; the payer is whoever approves each order.

    def customer_create(self, request: CustomerRequest) -> CustomerResult:
        return CustomerResult(provider_reference=f"{LOCAL_CUSTOMER_PREFIX}{request.customer_id}")

    def customer_update(
        self, *, provider_reference: str, request: CustomerRequest
    ) -> CustomerResult:
        return CustomerResult(provider_reference=provider_reference)

    # Catalog: a plan is a catalog product; each price a billing plan of it (its trial the
    # plan's TRIAL cycle). Usage and test clocks are not PayPal's: the capability check refuses
    # them before they get here.

    def product_upsert(
        self, request: ProductRequest, *, provider_reference: str = ""
    ) -> CatalogObject:
        """A new catalog product, or the one we hold as it is: PayPal lets a product's name
        change no more than it archives it (its plans are deactivated instead)."""
        if provider_reference:
            return _product_object(_http_get(f"/v1/catalogs/products/{provider_reference}"))
        product = _http_post(
            "/v1/catalogs/products",
            {
                "name": request.name[:127],
                "type": "SERVICE",
                "description": _catalog_description(request.app_id, request.plan_id),
            },
            headers={
                "PayPal-Request-Id": request.idempotency_key,
                "Prefer": "return=representation",
            },
        )
        return _product_object(product)

    def meter_create(self, request: MeterRequest) -> CatalogObject:
        raise _unsupported(Capability.METERED_USAGE)

    def price_create(self, request: PriceRequest) -> CatalogObject:
        if request.meter_reference or request.unit_amount is None:
            raise _unsupported(Capability.METERED_USAGE)
        body = _plan_body(request)
        plan = _body(
            _call(
                lambda client: client.subscriptions.create_billing_plan(
                    {
                        "body": body,
                        "paypal_request_id": request.idempotency_key,
                        "prefer": "return=representation",
                    }
                )
            )
        )
        _plans.put(plan)
        return _plan_object(plan)

    def price_deactivate(self, *, provider_reference: str) -> CatalogObject:
        try:
            _call(lambda client: client.subscriptions.deactivate_billing_plan(provider_reference))
        except ProviderRequestError as error:
            if error.code != "plan_status_invalid":  # inactive already
                raise
        plan = _body(
            _call(lambda client: client.subscriptions.get_billing_plan(provider_reference))
        )
        _plans.put(plan)
        return _plan_object(plan)

    def catalog_list(self, *, app_id: str) -> list[CatalogObject]:
        """The app's products and billing plans (each carries the app in its description)."""
        ours = f"{app_id}:"
        objects = [
            _product_object(product)
            for product in _listed("/v1/catalogs/products", "products")
            if str(product.get("description", "")).startswith(ours)
        ]
        objects += [
            _plan_object(plan)
            for plan in _listed("/v1/billing/plans", "plans")
            if str(plan.get("description", "")).startswith(ours)
        ]
        return objects

    # Subscriptions: the payer approves each on PayPal's page (`approval_url`); PayPal bills
    # the plan's cycles itself and reports them by webhook.

    def subscription_create(self, request: SubscriptionRequest) -> SubscriptionResult:
        plan_id = _single_plan(request.items)
        if not request.return_url:
            raise ProviderRequestError(
                "A PayPal subscription needs the payer's approval: pass return_url.",
                code=ProviderErrorCode.PROVIDER_CAPABILITY_UNSUPPORTED,
                param="return_url",
            )
        plan = _plans.get(plan_id)
        if _trial_days(plan) != request.trial_period_days:
            raise ProviderRequestError(
                "A PayPal subscription's trial is its plan's "
                f"({_trial_days(plan)} days); another trial_period_days is not supported.",
                code=ProviderErrorCode.PROVIDER_CAPABILITY_UNSUPPORTED,
                param="trial_period_days",
            )
        body = {
            "plan_id": plan_id,
            "custom_id": f"{request.app_id}:{request.subscription_id}"[:127],
            "application_context": {
                "return_url": request.return_url,
                "cancel_url": request.return_url,
                "user_action": "SUBSCRIBE_NOW",
                "shipping_preference": "NO_SHIPPING",
            },
        }
        subscription = _body(
            _call(
                lambda client: client.subscriptions.create_subscription(
                    {
                        "body": body,
                        "paypal_request_id": request.idempotency_key,
                        "prefer": "return=representation",
                    }
                )
            )
        )
        return _subscription_result(subscription)

    def subscription_retrieve(self, *, provider_reference: str) -> SubscriptionResult:
        return _subscription_result(_subscription_get(provider_reference))

    def subscription_cancel(
        self, *, provider_reference: str, at_period_end: bool, idempotency_key: str
    ) -> SubscriptionResult:
        """PayPal cancels at once; asking again for a cancelled subscription answers it. One
        the payer never approved cannot be cancelled at PayPal (nothing bills until they do):
        it ends here, and should they approve it after all, its webhooks bring it back."""
        if at_period_end:
            raise ProviderRequestError(
                "PayPal cancels a subscription at once, not at the period's end.",
                code=ProviderErrorCode.PROVIDER_CAPABILITY_UNSUPPORTED,
                param="at_period_end",
            )
        try:
            _call(
                lambda client: client.subscriptions.cancel_subscription(
                    {"id": provider_reference, "body": {"reason": "Cancelled by the merchant."}}
                )
            )
        except ProviderRequestError as error:
            if error.code != "subscription_status_invalid":
                raise
            current = _subscription_get(provider_reference)
            if current.get("status") in ("APPROVAL_PENDING", "APPROVED"):
                return dataclasses.replace(
                    _subscription_result(current),
                    status=SubscriptionStatus.CANCELED,
                    canceled_at=datetime.now(tz=UTC),
                    approval_url="",
                )
            if current.get("status") not in ("CANCELLED", "EXPIRED"):
                raise
            return _subscription_result(current)
        return self.subscription_retrieve(provider_reference=provider_reference)

    def subscription_change(self, request: SubscriptionChangeRequest) -> SubscriptionResult:
        """A plan change is PayPal's `revise`: the payer approves it on PayPal's page (the
        result's `approval_url`), and the subscription stays on its plan until then; PayPal
        bills the new plan's price from the next cycle, so there is no proration."""
        plan_id = _single_plan(request.items)
        body: dict[str, Any] = {"plan_id": plan_id}
        if request.return_url:
            body["application_context"] = {
                "return_url": request.return_url,
                "cancel_url": request.return_url,
                "user_action": "CONTINUE",
                "shipping_preference": "NO_SHIPPING",
            }
        revision = _body(
            _call(
                lambda client: client.subscriptions.revise_subscription(
                    {
                        "id": request.provider_reference,
                        "body": body,
                        "paypal_request_id": request.idempotency_key,
                    }
                )
            )
        )
        current = _subscription_result(_subscription_get(request.provider_reference))
        approval_url = _link(revision, "approve")
        return dataclasses.replace(current, approval_url=approval_url or current.approval_url)

    def subscription_change_schedule(
        self, request: SubscriptionScheduleRequest
    ) -> SubscriptionScheduleResult:
        raise ProviderRequestError(
            "PayPal changes a subscription's plan through the payer's approval; pass at=now.",
            code=ProviderErrorCode.PROVIDER_CAPABILITY_UNSUPPORTED,
            param="at",
        )

    def subscription_schedule_release(
        self, *, schedule_reference: str, idempotency_key: str
    ) -> None:
        return None

    def subscription_resume(
        self, *, provider_reference: str, idempotency_key: str
    ) -> SubscriptionResult:
        raise ProviderRequestError(
            "PayPal cancels at once; there is no pending cancellation to undo.",
            code=ProviderErrorCode.PROVIDER_CAPABILITY_UNSUPPORTED,
        )

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
        raise _unsupported(Capability.PAYMENT_METHOD_ATTACH)

    # Saved payers: the vault's payment tokens of the customer's vault customer.

    def payment_method_list(self, *, customer_reference: str) -> list[PaymentMethodResult]:
        if not _is_vault_customer(customer_reference):
            return []
        listed = _body(
            _call(
                lambda client: client.vault.list_customer_payment_tokens(
                    {"customer_id": customer_reference, "page_size": 20}
                )
            )
        )
        return [_payment_method(token) for token in listed.get("payment_tokens") or []]

    def payment_method_retrieve(
        self, *, customer_reference: str, payment_method_reference: str
    ) -> PaymentMethodResult:
        """The customer's saved payer, or ProviderRequestError if the token is not theirs."""
        token = _body(
            _call(lambda client: client.vault.get_payment_token(payment_method_reference))
        )
        found = _payment_method(token)
        if not _is_vault_customer(customer_reference) or (
            found.customer_reference != customer_reference
        ):
            raise ProviderRequestError(
                "No such saved PayPal payer for this customer.", code="resource_missing"
            )
        return found

    def payment_method_make_default(
        self,
        *,
        customer_reference: str,
        payment_method_reference: str,
        subscription_references: Sequence[str],
        idempotency_key: str,
    ) -> None:
        # PayPal keeps no default: which token pays is ours to say on each order.
        self.payment_method_retrieve(
            customer_reference=customer_reference,
            payment_method_reference=payment_method_reference,
        )

    def payment_method_detach(self, *, payment_method_reference: str, idempotency_key: str) -> None:
        _call(lambda client: client.vault.delete_payment_token(payment_method_reference))

    def usage_report(self, reports: Sequence[UsageReport]) -> list[UsageReportResult]:
        raise _unsupported(Capability.METERED_USAGE)

    def usage_summary(
        self, *, meter_reference: str, customer_reference: str, start: datetime, end: datetime
    ) -> int:
        raise _unsupported(Capability.METERED_USAGE)

    def coupon_create(self, request: CouponRequest) -> CatalogObject:
        raise _unsupported(Capability.COUPONS)

    def coupon_delete(self, *, provider_reference: str) -> None:
        raise _unsupported(Capability.COUPONS)

    def promotion_code_create(self, request: PromotionCodeRequest) -> CatalogObject:
        raise _unsupported(Capability.COUPONS)

    def promotion_code_deactivate(
        self, *, provider_reference: str, idempotency_key: str
    ) -> CatalogObject:
        raise _unsupported(Capability.COUPONS)

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
        if request.payment_method:
            return self._charge_saved_payer(request)
        if not request.return_url:
            raise ProviderRequestError(
                "A PayPal payment needs the payer's approval or a saved payer: pass return_url.",
                code=ProviderErrorCode.PROVIDER_CAPABILITY_UNSUPPORTED,
                param="return_url",
            )
        wallet: dict[str, Any] = {
            "experience_context": {
                "return_url": request.return_url,
                "cancel_url": request.return_url,
                "user_action": "PAY_NOW",
                "shipping_preference": "NO_SHIPPING",
            },
            # The approving payer is saved for the customer's next payments.
            "attributes": {
                "vault": {
                    "store_in_vault": "ON_SUCCESS",
                    "usage_type": "MERCHANT",
                    "customer_type": "CONSUMER",
                },
                **(
                    {"customer": {"id": request.customer_reference}}
                    if _is_vault_customer(request.customer_reference)
                    else {}
                ),
            },
        }
        order = self._order_create(request, {"paypal": wallet})
        return self._settle(order)

    def _charge_saved_payer(self, request: ChargeRequest) -> ChargeResult:
        """The customer's saved payer (a vault token) pays at once: PayPal answers the order
        COMPLETED with its capture, no approval. A token that is not the customer's is
        refused before PayPal is asked."""
        self.payment_method_retrieve(
            customer_reference=request.customer_reference,
            payment_method_reference=request.payment_method,
        )
        order = self._order_create(request, {"paypal": {"vault_id": request.payment_method}})
        result = _order_result(order)
        if result.status == ChargeStatus.FAILED:
            raise ProviderDeclinedError(
                result.failure_message, decline_code=result.decline_code, charge=result
            )
        return result

    def _order_create(
        self, request: ChargeRequest, payment_source: Mapping[str, Any]
    ) -> dict[str, Any]:
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
        body = {"intent": "CAPTURE", "purchase_units": [unit], "payment_source": payment_source}
        return _body(
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

    def charge_retrieve(self, *, provider_reference: str) -> ChargeResult:
        """The order as PayPal has it now, captured first if the payer has approved it (the
        capture's PayPal-Request-Id is the order's, so asking twice captures once)."""
        order = _body(_call(lambda client: client.orders.get_order({"id": provider_reference})))
        return self._settle(order)

    def _settle(self, order: Mapping[str, Any]) -> ChargeResult:
        if order.get("status") != "APPROVED" or _declined_capture(order) is not None:
            return _order_result(order)
        order_id = str(order["id"])
        capture_key = _capture_request_id(order)
        try:
            captured = _body(
                _call(
                    lambda client: client.orders.capture_order(
                        {
                            "id": order_id,
                            "paypal_request_id": capture_key,
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
            case "BILLING.SUBSCRIPTION.PAYMENT.FAILED":
                reference = str(resource.get("id", ""))
                failed = (resource.get("billing_info") or {}).get("last_failed_payment") or {}
                return ProviderWebhookChange(
                    subscription_reference=reference,
                    subscription_metadata=_custom_metadata(resource),
                    subscription_payment=_cycle_payment(
                        reference,
                        at=_time(failed.get("time")) or event.created,
                        succeeded=False,
                        metadata=_custom_metadata(resource),
                    ),
                    provider_time=event.created,
                )
            case "PAYMENT.SALE.COMPLETED":
                reference = str(resource.get("billing_agreement_id", ""))
                if not reference:
                    return ProviderWebhookChange()
                metadata = _custom_metadata({"custom_id": resource.get("custom", "")})
                return ProviderWebhookChange(
                    subscription_reference=reference,
                    subscription_metadata=metadata,
                    subscription_payment=_cycle_payment(
                        reference,
                        at=_time(resource.get("create_time")) or event.created,
                        succeeded=True,
                        sale_id=str(resource.get("id", "")),
                        metadata=metadata,
                    ),
                    provider_time=event.created,
                )
            case _ if event.type.startswith("BILLING.SUBSCRIPTION."):
                return ProviderWebhookChange(
                    subscription_reference=str(resource.get("id", "")),
                    subscription_metadata=_custom_metadata(resource),
                    provider_time=event.created,
                )
            case _:
                return ProviderWebhookChange()


def _http_post(
    path: str, body: Mapping[str, Any], *, headers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A PayPal call the SDK does not cover, with the same token, timeouts and retries."""
    return _http("POST", path, body=body, headers=headers)


def _http_get(path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
    return _http("GET", path, params=params)


def _http(
    method: str,
    path: str,
    *,
    body: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    attempts = 1 + max(0, int(settings.PAYPAL_MAX_NETWORK_RETRIES))
    for attempt in range(1, attempts + 1):
        access_token = _tokens.token()[0]
        try:
            response = requests.request(
                method,
                f"{api_base()}{path}",
                json=body,
                params=params,
                headers={
                    "Authorization": f"Bearer {access_token}",
                    "Accept": "application/json",
                    **(headers or {}),
                },
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


# Catalog and subscriptions ---------------------------------------------------------------------

_INTERVAL_UNITS = {"day": "DAY", "week": "WEEK", "month": "MONTH", "year": "YEAR"}
# Consecutive failed cycle payments after which PayPal suspends the subscription.
PAYMENT_FAILURE_THRESHOLD = 3


def _catalog_description(app_id: str, plan_id: str, suffix: str = "") -> str:
    """PayPal's products and plans have no metadata: the description carries ours."""
    return f"{app_id}:{plan_id}{suffix}"[:127]


def _catalog_metadata(resource: Mapping[str, Any]) -> dict[str, str]:
    app_id, _, rest = str(resource.get("description", "")).partition(":")
    plan_id = rest.split(":", 1)[0]
    return {"app_id": app_id, "plan_id": plan_id} if app_id and plan_id else {}


def _product_object(product: Mapping[str, Any]) -> CatalogObject:
    return CatalogObject(
        provider_reference=str(product.get("id", "")),
        kind="product",
        active=True,
        metadata=_catalog_metadata(product),
        raw=product,
    )


def _plan_object(plan: Mapping[str, Any]) -> CatalogObject:
    return CatalogObject(
        provider_reference=str(plan.get("id", "")),
        kind="price",
        active=plan.get("status") == "ACTIVE",
        metadata=_catalog_metadata(plan),
        raw=plan,
    )


def _plan_body(request: PriceRequest) -> dict[str, Any]:
    """A billing plan for a fixed price: a TRIAL cycle of the plan's trial days (free, once),
    then the REGULAR cycle at the price, until cancelled."""
    unit = _INTERVAL_UNITS.get(request.interval)
    if unit is None:
        raise ProviderRequestError(
            f"PayPal bills by day, week, month or year, not {request.interval!r}.",
            code=ProviderErrorCode.PROVIDER_REJECTED,
            param="interval",
        )
    cycles: list[dict[str, Any]] = []
    if request.trial_period_days:
        cycles.append(
            {
                "tenure_type": "TRIAL",
                "sequence": 1,
                "total_cycles": 1,
                "frequency": {"interval_unit": "DAY", "interval_count": request.trial_period_days},
            }
        )
    cycles.append(
        {
            "tenure_type": "REGULAR",
            "sequence": len(cycles) + 1,
            "total_cycles": 0,
            "frequency": {"interval_unit": unit, "interval_count": request.interval_count},
            "pricing_scheme": {
                "fixed_price": {
                    "currency_code": request.currency.upper(),
                    "value": amount_to_paypal(int(request.unit_amount or 0), request.currency),
                }
            },
        }
    )
    return {
        "product_id": request.product_reference,
        "name": f"{request.plan_code} v{request.plan_version}"[:127],
        "description": _catalog_description(
            request.app_id, request.plan_id, f":v{request.plan_version}"
        ),
        "status": "ACTIVE",
        "billing_cycles": cycles,
        "payment_preferences": {
            "auto_bill_outstanding": True,
            "payment_failure_threshold": PAYMENT_FAILURE_THRESHOLD,
        },
    }


class _PlanCache:
    """Billing plans by id: their cycles never change once made, and every subscription read
    needs its plan's (the trial's length, the cycle's frequency)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._plans: dict[tuple[str, str], Mapping[str, Any]] = {}

    def put(self, plan: Mapping[str, Any]) -> None:
        with self._lock:
            self._plans[(api_base(), str(plan.get("id", "")))] = plan

    def get(self, plan_id: str) -> Mapping[str, Any]:
        with self._lock:
            cached = self._plans.get((api_base(), plan_id))
        if cached is not None:
            return cached
        plan = _body(_call(lambda client: client.subscriptions.get_billing_plan(plan_id)))
        self.put(plan)
        return plan


_plans = _PlanCache()


def _listed(path: str, key: str) -> list[dict[str, Any]]:
    """Every page of a PayPal list."""
    entries: list[dict[str, Any]] = []
    page = 1
    while True:
        answer = _http_get(path, {"page_size": "20", "page": str(page), "total_required": "true"})
        entries.extend(answer.get(key) or [])
        if page >= int(answer.get("total_pages") or 1) or not answer.get(key):
            return entries
        page += 1


def _single_plan(items: Sequence[Any]) -> str:
    if len(items) != 1 or items[0].quantity is None:
        raise _unsupported(Capability.METERED_USAGE)
    if items[0].quantity != 1:
        raise ProviderRequestError(
            "PayPal subscriptions here bill a quantity of one.",
            code=ProviderErrorCode.PROVIDER_CAPABILITY_UNSUPPORTED,
            param="quantity",
        )
    return str(items[0].price_reference)


def _cycles_add(moment: datetime, cycle: Mapping[str, Any], times: int = 1) -> datetime:
    """`moment` moved by `times` of the cycle's frequency (back when negative); a month from
    the 31st ends on the month's last day, as PayPal bills."""
    frequency = cycle.get("frequency") or {}
    count = int(frequency.get("interval_count") or 1) * times
    match frequency.get("interval_unit"):
        case "DAY":
            return moment + timedelta(days=count)
        case "WEEK":
            return moment + timedelta(weeks=count)
        case "MONTH" | "YEAR" as unit:
            months = count * (12 if unit == "YEAR" else 1)
            year, month = divmod(moment.month - 1 + months, 12)
            day = min(moment.day, calendar.monthrange(moment.year + year, month + 1)[1])
            return moment.replace(year=moment.year + year, month=month + 1, day=day)
        case unit:
            raise ProviderUnavailableError(f"PayPal answered an unknown interval unit {unit!r}.")


def _trial_cycles(plan: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [c for c in plan.get("billing_cycles") or [] if c.get("tenure_type") == "TRIAL"]


def _trial_days(plan: Mapping[str, Any]) -> int:
    """The plan's trial in days (a trial of weeks or months counts from an arbitrary day)."""
    start = datetime(2001, 1, 1, tzinfo=UTC)
    end = start
    for cycle in _trial_cycles(plan):
        end = _cycles_add(end, cycle, int(cycle.get("total_cycles") or 1))
    return (end - start).days


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _custom_metadata(resource: Mapping[str, Any]) -> dict[str, str]:
    """Our ids, from the custom_id a subscription carries (`<app id>:<subscription id>`)."""
    app_id, _, subscription_id = str(resource.get("custom_id", "")).partition(":")
    if not (app_id and subscription_id):
        return {}
    return {"app_id": app_id, "subscription_id": subscription_id}


def _subscription_get(provider_reference: str) -> dict[str, Any]:
    return _body(
        _call(
            lambda client: client.subscriptions.get_subscription(
                {"id": provider_reference, "fields": "last_failed_payment"}
            )
        )
    )


def _subscription_status(subscription: Mapping[str, Any], *, in_trial: bool) -> SubscriptionStatus:
    failed = int((subscription.get("billing_info") or {}).get("failed_payments_count") or 0)
    match subscription.get("status"):
        case "APPROVAL_PENDING" | "APPROVED":
            return SubscriptionStatus.INCOMPLETE
        case "ACTIVE":
            if failed:
                return SubscriptionStatus.PAST_DUE
            return SubscriptionStatus.TRIALING if in_trial else SubscriptionStatus.ACTIVE
        case "SUSPENDED":
            # Suspended by PayPal after failed payments, or by the merchant.
            return SubscriptionStatus.UNPAID if failed else SubscriptionStatus.PAUSED
        case "CANCELLED" | "EXPIRED":
            return SubscriptionStatus.CANCELED
        case status:
            raise ProviderUnavailableError(
                f"PayPal answered an unknown subscription status {status!r}."
            )


def _subscription_result(subscription: Mapping[str, Any]) -> SubscriptionResult:
    """A PayPal subscription in our vocabulary: trialing while its plan's TRIAL cycle runs
    (no REGULAR cycle billed yet), past due while a cycle payment is outstanding; the current
    period is the running cycle, ending at the next billing time."""
    plan_id = str(subscription.get("plan_id", ""))
    plan = _plans.get(plan_id)
    info = subscription.get("billing_info") or {}
    executions = info.get("cycle_executions") or []
    regular_billed = any(
        int(execution.get("cycles_completed") or 0) > 0
        for execution in executions
        if execution.get("tenure_type") == "REGULAR"
    )
    trials = _trial_cycles(plan)
    started = _time(subscription.get("start_time"))
    trial_end = None
    if (
        trials
        and started is not None
        and subscription.get("status")
        not in (
            "APPROVAL_PENDING",
            "APPROVED",
        )
    ):
        trial_end = started
        for cycle in trials:
            trial_end = _cycles_add(trial_end, cycle, int(cycle.get("total_cycles") or 1))
    in_trial = bool(trials) and bool(executions) and not regular_billed
    status = _subscription_status(subscription, in_trial=in_trial)
    period_end = _time(info.get("next_billing_time"))
    period_start = None
    if period_end is not None:
        running = trials[-1] if in_trial and trials else None
        if running is None:
            running = next(
                (c for c in plan.get("billing_cycles") or [] if c.get("tenure_type") == "REGULAR"),
                {},
            )
        period_start = _cycles_add(period_end, running, -1)
    finished = subscription.get("status") in ("CANCELLED", "EXPIRED")
    return SubscriptionResult(
        status=status,
        provider_reference=str(subscription.get("id", "")),
        trial_end=trial_end,
        current_period_start=period_start,
        current_period_end=period_end,
        cancel_at_period_end=False,
        canceled_at=_time(subscription.get("status_update_time")) if finished else None,
        item_references={plan_id: plan_id} if plan_id else {},
        approval_url=_link(subscription, "approve")
        if status == SubscriptionStatus.INCOMPLETE
        else "",
        raw_response=subscription,
    )


def _cycle_payment(
    subscription_reference: str,
    *,
    at: datetime,
    succeeded: bool,
    metadata: Mapping[str, str],
    sale_id: str = "",
) -> SubscriptionPaymentResult:
    """A cycle payment, named after what it was owed for: the balance since the last payment
    that went through before it (or since the start), so consecutive failures and the payment
    that settles them name one thing. Read from the subscription's transactions, so it is the
    same whenever and in whatever order the events arrive; a failure already settled carries
    when."""
    listed = _body(
        _call(
            lambda client: client.subscriptions.list_subscription_transactions(
                {
                    "id": subscription_reference,
                    "start_time": "2000-01-01T00:00:00Z",
                    "end_time": (max(at, datetime.now(tz=UTC)) + timedelta(days=5 * 366)).strftime(
                        "%Y-%m-%dT%H:%M:%SZ"
                    ),
                }
            )
        )
    )
    completed = sorted(
        (
            (_time(entry.get("time")) or at, str(entry.get("id", "")))
            for entry in listed.get("transactions") or []
            if entry.get("status") in ("COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED")
        ),
        key=lambda pair: pair[0],
    )
    before = [tx for tx in completed if tx[0] < at and tx[1] != sale_id]
    after = [tx for tx in completed if tx[0] > at]
    anchor = before[-1][1] if before else "start"
    return SubscriptionPaymentResult(
        subscription_reference=subscription_reference,
        invoice_reference=f"{subscription_reference}:since:{anchor}",
        succeeded=succeeded,
        attempted_at=at,
        paid_at=after[0][0] if after and not succeeded else None,
        metadata=metadata,
    )


__all__ = ["PayPalProvider", "ProviderError", "amount_from_paypal", "amount_to_paypal"]
