"""The emulated REST API: OAuth2, Orders v2, captures and refunds, webhooks and their
signature check. Every handler takes the parsed request and answers ``(status, body)`` or
raises :class:`PayPalApiError`; the state sits behind one lock."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from paypal_emulator import subscriptions, vault
from paypal_emulator.errors import PayPalApiError, invalid, not_found, unprocessable
from paypal_emulator.money import CURRENCIES, minor_value, value_minor
from paypal_emulator.subscriptions import EVENT_TYPES as SUBSCRIPTION_EVENT_TYPES

TOKEN_LIFETIME_SECONDS = 32400  # PayPal's sandbox hands out nine-hour tokens.
DEFAULT_CLIENT_ID = "emulator-client-id"
DEFAULT_CLIENT_SECRET = "emulator-client-secret"  # noqa: S105 - a test credential

# The sandbox payers the approval page offers: who approves, and what their capture does.
TEST_PAYERS: dict[str, dict[str, str]] = {
    "buyer": {
        "payer_id": "EMUBUYER0001",
        "email_address": "buyer@example.com",
        "given_name": "Sandbox",
        "surname": "Buyer",
        "capture": "COMPLETED",
    },
    "declined": {
        "payer_id": "EMUDECLINE01",
        "email_address": "declined-buyer@example.com",
        "given_name": "Declined",
        "surname": "Buyer",
        "capture": "INSTRUMENT_DECLINED",
    },
}

EVENT_TYPES = frozenset(
    {
        "CHECKOUT.ORDER.APPROVED",
        "CHECKOUT.ORDER.COMPLETED",
        "PAYMENT.CAPTURE.COMPLETED",
        "PAYMENT.CAPTURE.DENIED",
        "PAYMENT.CAPTURE.REFUNDED",
        "VAULT.PAYMENT-TOKEN.CREATED",
        "VAULT.PAYMENT-TOKEN.DELETED",
    }
    | SUBSCRIPTION_EVENT_TYPES
)

# What each request body may hold (paypal-server-sdk's models); anything else is refused.
_ORDER_FIELDS = {
    "intent",
    "purchase_units",
    "processing_instruction",
    "payer",
    "payment_source",
    "application_context",
}
_PURCHASE_UNIT_FIELDS = {
    "amount",
    "reference_id",
    "payee",
    "payment_instruction",
    "description",
    "custom_id",
    "invoice_id",
    "soft_descriptor",
    "items",
    "shipping",
    "supplementary_data",
}
_AMOUNT_FIELDS = {"currency_code", "value", "breakdown"}
_MONEY_FIELDS = {"currency_code", "value"}
_APPLICATION_CONTEXT_FIELDS = {
    "brand_name",
    "locale",
    "landing_page",
    "shipping_preference",
    "user_action",
    "payment_method",
    "return_url",
    "cancel_url",
    "stored_payment_source",
}
_PAYMENT_SOURCE_FIELDS = {"paypal"}
# PaypalWallet (the fields the emulator takes of it)
_PAYPAL_WALLET_FIELDS = {"experience_context", "attributes", "vault_id"}
_EXPERIENCE_CONTEXT_FIELDS = {
    "brand_name",
    "locale",
    "shipping_preference",
    "contact_preference",
    "return_url",
    "cancel_url",
    "app_switch_context",
    "landing_page",
    "user_action",
    "payment_method_preference",
    "order_update_callback_config",
}
_REFUND_FIELDS = {"amount", "custom_id", "invoice_id", "note_to_payer", "payment_instruction"}
_WEBHOOK_FIELDS = {"url", "event_types"}
_VERIFY_FIELDS = {
    "auth_algo",
    "cert_url",
    "transmission_id",
    "transmission_sig",
    "transmission_time",
    "webhook_id",
    "webhook_event",
}
# fmt: skip

_URL = re.compile(r"^https?://[^\s]+$")


def now_iso(at: float | None = None) -> str:
    return datetime.fromtimestamp(at or time.time(), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _id(length: int = 17) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def canonical(event: dict[str, Any]) -> bytes:
    """The bytes a webhook carries and its signature covers."""
    return json.dumps(event, separators=(",", ":"), sort_keys=True).encode()


@dataclass
class Fault:
    status: int | None
    delay_ms: int
    remaining: int
    path_prefix: str


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    base_url: str
    json: Any = None
    params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)


class PayPalApi:
    def __init__(self, *, client_id: str, client_secret: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.lock = threading.RLock()
        # Signs webhook deliveries; only this emulator's verify route knows it.
        self.signing_key = secrets.token_bytes(32)
        self.deliver: Callable[[str, bytes, dict[str, str]], None] = lambda url, body, headers: None
        self.faults: list[Fault] = []
        self.request_log: list[dict[str, Any]] = []
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.tokens: dict[str, float] = {}
            self.orders: dict[str, dict[str, Any]] = {}
            self.captures: dict[str, dict[str, Any]] = {}
            self.refunds: dict[str, dict[str, Any]] = {}
            self.webhooks: dict[str, dict[str, Any]] = {}
            # Saved payers (paypal_emulator/vault.py), by token id.
            self.payment_tokens: dict[str, dict[str, Any]] = {}
            self.events: list[dict[str, Any]] = []
            self.replays: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
            # Catalog products, billing plans, subscriptions and their sales
            # (paypal_emulator/subscriptions.py), and how far its clock has been moved on.
            self.products: dict[str, dict[str, Any]] = {}
            self.plans: dict[str, dict[str, Any]] = {}
            self.subscriptions: dict[str, dict[str, Any]] = {}
            self.sales: dict[str, dict[str, Any]] = {}
            self.clock_offset = 0.0
            self.faults = []
            self.request_log = []

    # Faults -------------------------------------------------------------------------------

    def add_fault(self, *, status: int | None, count: int, delay_ms: int, path_prefix: str) -> None:
        with self.lock:
            self.faults.append(Fault(status, delay_ms, count, path_prefix))

    def _take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.remaining > 0 and path.startswith(fault.path_prefix):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    # Dispatch -----------------------------------------------------------------------------

    def handle(self, request: Request) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.request_log.append(
                {
                    "method": request.method,
                    "path": request.path,
                    "paypal_request_id": request.headers.get("paypal-request-id", ""),
                }
            )
        fault = self._take_fault(request.path)
        if fault is not None:
            if fault.delay_ms:
                time.sleep(fault.delay_ms / 1000)
            if fault.status is not None:
                return fault.status, PayPalApiError(fault.status).to_body()
        try:
            if request.path == "/v1/oauth2/token" and request.method == "POST":
                return self.oauth_token(request)
            self._authenticate(request)
            if request.body:
                try:
                    request.json = json.loads(request.body)
                except (ValueError, UnicodeDecodeError):
                    raise PayPalApiError(
                        400,
                        issue="MALFORMED_REQUEST_JSON",
                        description="The request JSON is not well formed.",
                    ) from None
            route = self._route(request)
            if route is None:
                raise PayPalApiError(
                    404,
                    issue="INVALID_RESOURCE_ID",
                    description=f"No route {request.method} {request.path}.",
                )
            handler, replayable = route
            request_id = request.headers.get("paypal-request-id", "")
            if replayable and request_id:
                key = (request.path, request_id)
                with self.lock:
                    if key in self.replays:
                        return self.replays[key]
                    answer = handler(request)
                    if answer[0] < 500:
                        self.replays[key] = answer
                    return answer
            with self.lock:
                return handler(request)
        except PayPalApiError as error:
            return error.status, error.to_body()

    def _route(
        self, request: Request
    ) -> tuple[Callable[[Request], tuple[int, dict[str, Any]]], bool] | None:
        method, path = request.method, request.path
        if (method, path) == ("POST", "/v2/checkout/orders"):
            return self.order_create, True
        if (method, path) == ("POST", "/v1/notifications/webhooks"):
            return self.webhook_create, False
        if (method, path) == ("GET", "/v1/notifications/webhooks"):
            return self.webhook_list, False
        if (method, path) == ("POST", "/v1/notifications/verify-webhook-signature"):
            return self.webhook_verify, False
        found = re.match(r"^/v2/checkout/orders/([A-Z0-9]+)(/capture)?$", path)
        if found:
            request.params["id"] = found.group(1)
            if method == "GET" and not found.group(2):
                return self.order_get, False
            if method == "POST" and found.group(2):
                return self.order_capture, True
        found = re.match(r"^/v2/payments/captures/([A-Z0-9]+)(/refund)?$", path)
        if found:
            request.params["id"] = found.group(1)
            if method == "GET" and not found.group(2):
                return self.capture_get, False
            if method == "POST" and found.group(2):
                return self.capture_refund, True
        found = re.match(r"^/v2/payments/refunds/([A-Z0-9]+)$", path)
        if found and method == "GET":
            request.params["id"] = found.group(1)
            return self.refund_get, False
        if (method, path) == ("GET", "/v3/vault/payment-tokens"):
            return lambda request: vault.payment_tokens_list(self, request), False
        found = re.match(r"^/v3/vault/payment-tokens/([0-9a-zA-Z_-]+)$", path)
        if found and method in ("GET", "DELETE"):
            request.params["id"] = found.group(1)
            if method == "GET":
                return lambda request: vault.payment_token_get(self, request), False
            return self.payment_token_delete, False
        found = re.match(r"^/v1/notifications/webhooks/(WH-[A-Z0-9-]+)$", path)
        if found and method == "DELETE":
            request.params["id"] = found.group(1)
            return self.webhook_delete, False
        if path.startswith(("/v1/catalogs/", "/v1/billing/")):
            return subscriptions.route(self, request)
        return None

    # OAuth2 -------------------------------------------------------------------------------

    def oauth_token(self, request: Request) -> tuple[int, dict[str, Any]]:
        failure = {"error": "invalid_client", "error_description": "Client Authentication failed"}
        authorization = request.headers.get("authorization", "")
        if not authorization.startswith("Basic "):
            return 401, failure
        try:
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return 401, failure
        if not (
            hmac.compare_digest(client_id, self.client_id)
            and hmac.compare_digest(secret, self.client_secret)
        ):
            return 401, failure
        form = dict(pair.split("=", 1) for pair in request.body.decode().split("&") if "=" in pair)
        if form.get("grant_type") != "client_credentials":
            return 400, {
                "error": "unsupported_grant_type",
                "error_description": "Grant Type is NULL",
            }
        token = "A21AA" + secrets.token_urlsafe(40)
        with self.lock:
            self.tokens[token] = time.time() + TOKEN_LIFETIME_SECONDS
        return 200, {
            "scope": "https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/payments/refund",
            "access_token": token,
            "token_type": "Bearer",
            "app_id": "APP-80W284485P519543T",
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "nonce": f"{now_iso()}{secrets.token_hex(8)}",
        }

    def expire_tokens(self) -> int:
        """Every token handed out so far expires now (a control route): the next call answers
        401 until the client fetches a new one."""
        with self.lock:
            count = len(self.tokens)
            self.tokens.clear()
            return count

    def _authenticate(self, request: Request) -> None:
        authorization = request.headers.get("authorization", "")
        token = authorization[7:] if authorization.startswith("Bearer ") else ""
        with self.lock:
            expires_at = self.tokens.get(token)
        if expires_at is None or expires_at < time.time():
            raise PayPalApiError(
                401, issue="invalid_token", description="Token signature verification failed"
            )

    # Validation ---------------------------------------------------------------------------

    @staticmethod
    def _object(value: Any, path: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise invalid(
                path,
                "INVALID_PARAMETER_SYNTAX",
                "The value of a field does not conform to the expected format.",
            )
        for key in value:
            if key not in allowed:
                raise invalid(
                    f"{path}/{key}", "UNKNOWN_FIELD", "A field in the request is not allowed."
                )
        return value

    @staticmethod
    def _money(value: Any, path: str, allowed: set[str] = _MONEY_FIELDS) -> tuple[str, int]:
        amount = PayPalApi._object(value, path, allowed)
        currency = amount.get("currency_code")
        if not currency:
            raise invalid(
                f"{path}/currency_code",
                "MISSING_REQUIRED_PARAMETER",
                "A required field / parameter is missing.",
            )
        if currency not in CURRENCIES:
            raise unprocessable(
                "CURRENCY_NOT_SUPPORTED",
                "Currency code is not currently supported.",
                f"{path}/currency_code",
            )
        if "value" not in amount:
            raise invalid(
                f"{path}/value",
                "MISSING_REQUIRED_PARAMETER",
                "A required field / parameter is missing.",
            )
        try:
            minor = value_minor(currency, amount["value"])
        except ValueError as error:
            if str(error) == "decimals":
                raise unprocessable(
                    "DECIMAL_PRECISION",
                    "If the currency supports decimals, only two decimal place precision is supported.",
                    f"{path}/value",
                ) from None
            raise invalid(
                f"{path}/value",
                "INVALID_PARAMETER_SYNTAX",
                "The value of a field does not conform to the expected format.",
            ) from None
        return currency, minor

    def _url(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not _URL.match(value) or len(value) > 4000:
            raise invalid(
                path,
                "INVALID_PARAMETER_SYNTAX",
                "The value of a field does not conform to the expected format.",
            )
        return value

    # Orders -------------------------------------------------------------------------------

    def order_create(self, request: Request) -> tuple[int, dict[str, Any]]:
        body = self._object(request.json, "", _ORDER_FIELDS)
        if body.get("intent") is None:
            raise invalid(
                "/intent", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing."
            )
        if body["intent"] not in ("CAPTURE", "AUTHORIZE"):
            raise invalid("/intent", "INVALID_PARAMETER_VALUE", "The value of a field is invalid.")
        if body["intent"] != "CAPTURE":
            raise unprocessable(
                "INTENT_NOT_SUPPORTED", "The emulator captures only (intent CAPTURE).", "/intent"
            )
        units = body.get("purchase_units")
        if not isinstance(units, list) or not units:
            raise invalid(
                "/purchase_units",
                "MISSING_REQUIRED_PARAMETER",
                "A required field / parameter is missing.",
            )
        if len(units) > 1:
            raise unprocessable(
                "MULTIPLE_PURCHASE_UNITS_NOT_SUPPORTED",
                "The emulator takes one purchase unit.",
                "/purchase_units",
            )
        unit = self._object(
            units[0], "/purchase_units/@reference_id=='default'", _PURCHASE_UNIT_FIELDS
        )
        currency, minor = self._money(
            unit.get("amount"), "/purchase_units/@reference_id=='default'/amount", _AMOUNT_FIELDS
        )
        if minor <= 0:
            raise unprocessable(
                "CANNOT_BE_ZERO_OR_NEGATIVE",
                "Must be greater than zero.",
                "/purchase_units/@reference_id=='default'/amount/value",
            )
        for key in ("custom_id", "invoice_id"):
            if key in unit and (not isinstance(unit[key], str) or len(unit[key]) > 127):
                raise invalid(
                    f"/purchase_units/@reference_id=='default'/{key}",
                    "INVALID_STRING_LENGTH",
                    "The value of a field is either too short or too long.",
                )
        context: dict[str, Any] = {}
        approve_rel = "approve"
        if "application_context" in body:
            context = self._object(
                body["application_context"], "/application_context", _APPLICATION_CONTEXT_FIELDS
            )
        vaulting: dict[str, Any] = {}
        token: dict[str, Any] | None = None
        if "payment_source" in body:
            source = self._object(body["payment_source"], "/payment_source", _PAYMENT_SOURCE_FIELDS)
            wallet = self._object(
                source.get("paypal", {}), "/payment_source/paypal", _PAYPAL_WALLET_FIELDS
            )
            context = self._object(
                wallet.get("experience_context", {}),
                "/payment_source/paypal/experience_context",
                _EXPERIENCE_CONTEXT_FIELDS,
            )
            if "vault_id" in wallet:
                if "attributes" in wallet:
                    raise unprocessable(
                        "INCOMPATIBLE_PARAMETER_VALUE",
                        "The value of the field is incompatible/redundant with other fields in the order.",
                        "/payment_source/paypal/attributes",
                    )
                token = vault.token_for_order(
                    self, wallet["vault_id"], "/payment_source/paypal/vault_id"
                )
            elif "attributes" in wallet:
                vaulting = vault.attributes_parse(
                    self, wallet["attributes"], "/payment_source/paypal/attributes"
                )
            approve_rel = "payer-action"
        for key in ("return_url", "cancel_url"):
            if key in context:
                self._url(context[key], f"/application_context/{key}")
        order_id = _id()
        created = now_iso()
        order: dict[str, Any] = {
            "id": order_id,
            "intent": "CAPTURE",
            "status": "PAYER_ACTION_REQUIRED" if approve_rel == "payer-action" else "CREATED",
            "purchase_units": [
                {
                    "reference_id": unit.get("reference_id", "default"),
                    "amount": {"currency_code": currency, "value": minor_value(currency, minor)},
                    "payee": {
                        "email_address": "merchant@example.com",
                        "merchant_id": "EMUMERCHANT01",
                    },
                    **{
                        key: unit[key]
                        for key in ("description", "custom_id", "invoice_id")
                        if key in unit
                    },
                }
            ],
            "create_time": created,
            "update_time": created,
            "_minor": minor,
            "_context": context,
            "_approve_rel": approve_rel,
            "_base_url": request.base_url,
        }
        if vaulting.get("vault"):
            order["_vault"] = vaulting
        self.orders[order_id] = order
        if token is not None:
            # A saved payer pays at once: intent CAPTURE answers the order COMPLETED with its
            # capture (or the capture DECLINED), without anyone approving.
            order["status"] = "APPROVED"
            order["_payer_key"] = token["payer_key"]
            order["_payer"] = vault.payer_of(token)
            order["_vault_token"] = token["id"]
            self._capture_now(order, request)
            order["status"] = "COMPLETED"
        return 201, self._order_view(order, request)

    def _order_view(self, order: dict[str, Any], request: Request) -> dict[str, Any]:
        view = {key: value for key, value in order.items() if not key.startswith("_")}
        view["purchase_units"] = [dict(unit) for unit in order["purchase_units"]]
        captures = [
            self._capture_view(self.captures[c], request) for c in order.get("_captures", [])
        ]
        if captures:
            view["purchase_units"][0]["payments"] = {"captures": captures}
        base = request.base_url
        self_link = {
            "href": f"{base}/v2/checkout/orders/{order['id']}",
            "rel": "self",
            "method": "GET",
        }
        links = [self_link]
        if order["status"] in ("CREATED", "PAYER_ACTION_REQUIRED"):
            links.append(
                {
                    "href": f"{base}/checkoutnow?token={order['id']}",
                    "rel": order["_approve_rel"],
                    "method": "GET",
                }
            )
        if order["status"] in ("CREATED", "PAYER_ACTION_REQUIRED", "APPROVED"):
            links.append(
                {
                    "href": f"{base}/v2/checkout/orders/{order['id']}",
                    "rel": "update",
                    "method": "PATCH",
                }
            )
            links.append(
                {
                    "href": f"{base}/v2/checkout/orders/{order['id']}/capture",
                    "rel": "capture",
                    "method": "POST",
                }
            )
        view["links"] = links
        if "_payer" in order:
            payer = order["_payer"]
            view["payer"] = {
                "name": {"given_name": payer["given_name"], "surname": payer["surname"]},
                "email_address": payer["email_address"],
                "payer_id": payer["payer_id"],
                "address": {"country_code": "US"},
            }
            view["payment_source"] = {
                "paypal": {
                    "email_address": payer["email_address"],
                    "account_id": payer["payer_id"],
                    "account_status": "VERIFIED",
                    "name": {"given_name": payer["given_name"], "surname": payer["surname"]},
                    "address": {"country_code": "US"},
                }
            }
            token = self.payment_tokens.get(order.get("_vault_token", ""))
            if token is not None:
                view["payment_source"]["paypal"]["attributes"] = {
                    "vault": vault.order_vault_view(token, request.base_url)
                }
        return view

    def _order(self, order_id: str) -> dict[str, Any]:
        order = self.orders.get(order_id)
        if order is None:
            raise not_found(
                "INVALID_RESOURCE_ID",
                "Specified resource ID does not exist. Please check the resource ID and try again.",
            )
        return order

    def order_get(self, request: Request) -> tuple[int, dict[str, Any]]:
        return 200, self._order_view(self._order(request.params["id"]), request)

    def order_approve(self, order_id: str, payer_key: str, base_url: str) -> str:
        """The payer approved on the approval page: answers where the browser goes next."""
        with self.lock:
            order = self._order(order_id)
            payer = TEST_PAYERS[payer_key]
            if order["status"] in ("CREATED", "PAYER_ACTION_REQUIRED"):
                order["status"] = "APPROVED"
                order["_payer"] = payer
                order["_payer_key"] = payer_key
                order["update_time"] = now_iso()
                request = Request("GET", "", {}, b"", base_url)
                self._event(
                    "CHECKOUT.ORDER.APPROVED",
                    "checkout-order",
                    self._order_view(order, request),
                    base_url,
                )
            return_url = order["_context"].get("return_url", "")
            if not return_url:
                return ""
            separator = "&" if "?" in return_url else "?"
            return f"{return_url}{separator}token={order_id}&PayerID={payer['payer_id']}"

    def order_cancel_url(self, order_id: str) -> str:
        with self.lock:
            order = self._order(order_id)
            cancel_url = order["_context"].get("cancel_url", "")
            if not cancel_url:
                return ""
            return f"{cancel_url}{'&' if '?' in cancel_url else '?'}token={order_id}"

    def order_capture(self, request: Request) -> tuple[int, dict[str, Any]]:
        order = self._order(request.params["id"])
        if request.json not in (None, {}):
            self._object(request.json, "", {"payment_source"})
        if order["status"] == "COMPLETED":
            raise unprocessable(
                "ORDER_ALREADY_CAPTURED",
                "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.",
            )
        if order["status"] != "APPROVED":
            raise unprocessable(
                "ORDER_NOT_APPROVED",
                "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source in the request.",
            )
        declined = self._capture_now(order, request)
        if declined:
            raise unprocessable(
                "INSTRUMENT_DECLINED",
                "The instrument presented  was either declined by the processor or bank, or it can't be used for this payment.",
                links=[
                    {
                        "href": f"{request.base_url}/checkoutnow?token={order['id']}",
                        "rel": "redirect",
                        "method": "GET",
                    }
                ],
            )
        order["status"] = "COMPLETED"
        return 201, self._order_view(order, request)

    def _capture_now(self, order: dict[str, Any], request: Request) -> bool:
        """Captures an approved order for its payer (saving the payer when the order asked
        to vault and the capture completed); answers whether the capture was declined."""
        payer = order["_payer"]
        unit = order["purchase_units"][0]
        capture_id = _id()
        created = now_iso()
        declined = payer["capture"] == "INSTRUMENT_DECLINED"
        capture = {
            "id": capture_id,
            "status": "DECLINED" if declined else "COMPLETED",
            "amount": dict(unit["amount"]),
            "final_capture": True,
            "seller_protection": {
                "status": "ELIGIBLE",
                "dispute_categories": ["ITEM_NOT_RECEIVED", "UNAUTHORIZED_TRANSACTION"],
            },
            "create_time": created,
            "update_time": created,
            "_order_id": order["id"],
            "_minor": order["_minor"],
            "_refunded_minor": 0,
            "_refunds": [],
        }
        if declined:
            capture["status_details"] = {"reason": "DECLINED_BY_RISK_FRAUD_FILTERS"}
        else:
            fee = round(order["_minor"] * 0.0349) + (
                0 if unit["amount"]["currency_code"] in ("JPY", "HUF", "TWD") else 49
            )
            fee = min(fee, order["_minor"])
            currency = unit["amount"]["currency_code"]
            capture["seller_receivable_breakdown"] = {
                "gross_amount": dict(unit["amount"]),
                "paypal_fee": {"currency_code": currency, "value": minor_value(currency, fee)},
                "net_amount": {
                    "currency_code": currency,
                    "value": minor_value(currency, order["_minor"] - fee),
                },
            }
        for key in ("custom_id", "invoice_id"):
            if key in unit:
                capture[key] = unit[key]
        self.captures[capture_id] = capture
        order.setdefault("_captures", []).append(capture_id)
        order["update_time"] = created
        if declined:
            self._event(
                "PAYMENT.CAPTURE.DENIED",
                "capture",
                self._capture_view(capture, request),
                request.base_url,
            )
            return True
        if order.get("_vault") and "_vault_token" not in order:
            token = vault.token_save(self, order, order["_payer_key"])
            order["_vault_token"] = token["id"]
            self._event(
                "VAULT.PAYMENT-TOKEN.CREATED",
                "payment_token",
                vault.token_view(token, request.base_url),
                request.base_url,
            )
        self._event(
            "PAYMENT.CAPTURE.COMPLETED",
            "capture",
            self._capture_view(capture, request),
            request.base_url,
        )
        return False

    def payment_token_delete(self, request: Request) -> tuple[int, dict[str, Any]]:
        token = self.payment_tokens.get(request.params["id"])
        answer = vault.payment_token_delete(self, request)
        if token is not None:
            self._event(
                "VAULT.PAYMENT-TOKEN.DELETED",
                "payment_token",
                vault.token_view(token, request.base_url),
                request.base_url,
            )
        return answer

    # Captures and refunds -----------------------------------------------------------------

    def _capture_view(self, capture: dict[str, Any], request: Request) -> dict[str, Any]:
        view = {key: value for key, value in capture.items() if not key.startswith("_")}
        base = request.base_url
        view["supplementary_data"] = {"related_ids": {"order_id": capture["_order_id"]}}
        view["links"] = [
            {
                "href": f"{base}/v2/payments/captures/{capture['id']}",
                "rel": "self",
                "method": "GET",
            },
            {
                "href": f"{base}/v2/payments/captures/{capture['id']}/refund",
                "rel": "refund",
                "method": "POST",
            },
            {
                "href": f"{base}/v2/checkout/orders/{capture['_order_id']}",
                "rel": "up",
                "method": "GET",
            },
        ]
        return view

    def _refund_view(self, refund: dict[str, Any], request: Request) -> dict[str, Any]:
        view = {key: value for key, value in refund.items() if not key.startswith("_")}
        base = request.base_url
        view["links"] = [
            {"href": f"{base}/v2/payments/refunds/{refund['id']}", "rel": "self", "method": "GET"},
            {
                "href": f"{base}/v2/payments/captures/{refund['_capture_id']}",
                "rel": "up",
                "method": "GET",
            },
        ]
        return view

    def _capture(self, capture_id: str) -> dict[str, Any]:
        capture = self.captures.get(capture_id)
        if capture is None:
            raise not_found(
                "INVALID_RESOURCE_ID",
                "Specified resource ID does not exist. Please check the resource ID and try again.",
            )
        return capture

    def capture_get(self, request: Request) -> tuple[int, dict[str, Any]]:
        return 200, self._capture_view(self._capture(request.params["id"]), request)

    def refund_get(self, request: Request) -> tuple[int, dict[str, Any]]:
        refund = self.refunds.get(request.params["id"])
        if refund is None:
            raise not_found(
                "INVALID_RESOURCE_ID",
                "Specified resource ID does not exist. Please check the resource ID and try again.",
            )
        return 200, self._refund_view(refund, request)

    def capture_refund(self, request: Request) -> tuple[int, dict[str, Any]]:
        capture = self._capture(request.params["id"])
        body = self._object(request.json if request.json is not None else {}, "", _REFUND_FIELDS)
        if capture["status"] not in ("COMPLETED", "PARTIALLY_REFUNDED"):
            if capture["status"] == "REFUNDED":
                raise unprocessable(
                    "CAPTURE_FULLY_REFUNDED", "The capture has already been fully refunded"
                )
            raise unprocessable(
                "INVALID_RESOURCE_ID",
                "Specified resource ID does not exist. Please check the resource ID and try again.",
            )
        currency = capture["amount"]["currency_code"]
        remaining = capture["_minor"] - capture["_refunded_minor"]
        if "amount" in body:
            refund_currency, minor = self._money(body["amount"], "/amount")
            if refund_currency != currency:
                raise unprocessable(
                    "REFUND_CAPTURE_CURRENCY_MISMATCH",
                    "Refund must be in the same currency as the capture.",
                    "/amount/currency_code",
                )
            if minor <= 0:
                raise unprocessable(
                    "AMOUNT_CANNOT_BE_ZERO_OR_NEGATIVE",
                    "Must be greater than zero.",
                    "/amount/value",
                )
        else:
            minor = remaining
        if minor > remaining:
            raise unprocessable(
                "REFUND_AMOUNT_EXCEEDED",
                "The refund amount must be less than or equal to the capture amount that has not yet been refunded.",
                "/amount/value",
            )
        for key in ("note_to_payer", "custom_id", "invoice_id"):
            if key in body and not isinstance(body[key], str):
                raise invalid(
                    f"/{key}",
                    "INVALID_PARAMETER_SYNTAX",
                    "The value of a field does not conform to the expected format.",
                )
        refund_id = _id()
        created = now_iso()
        capture["_refunded_minor"] += minor
        capture["status"] = (
            "REFUNDED" if capture["_refunded_minor"] == capture["_minor"] else "PARTIALLY_REFUNDED"
        )
        capture["update_time"] = created
        refund: dict[str, Any] = {
            "id": refund_id,
            "status": "COMPLETED",
            "amount": {"currency_code": currency, "value": minor_value(currency, minor)},
            "seller_payable_breakdown": {
                "gross_amount": {"currency_code": currency, "value": minor_value(currency, minor)},
                "paypal_fee": {"currency_code": currency, "value": minor_value(currency, 0)},
                "net_amount": {"currency_code": currency, "value": minor_value(currency, minor)},
                "total_refunded_amount": {
                    "currency_code": currency,
                    "value": minor_value(currency, capture["_refunded_minor"]),
                },
            },
            "create_time": created,
            "update_time": created,
            "_capture_id": capture["id"],
            **{
                key: body[key]
                for key in ("note_to_payer", "custom_id", "invoice_id")
                if key in body
            },
        }
        self.refunds[refund_id] = refund
        capture["_refunds"].append(refund_id)
        self._event(
            "PAYMENT.CAPTURE.REFUNDED",
            "refund",
            self._refund_view(refund, request),
            request.base_url,
        )
        return 201, self._refund_view(refund, request)

    # Webhooks -----------------------------------------------------------------------------

    def webhook_create(self, request: Request) -> tuple[int, dict[str, Any]]:
        body = self._object(request.json, "", _WEBHOOK_FIELDS)
        url = self._url(body.get("url"), "/url")
        types = body.get("event_types")
        if not isinstance(types, list) or not types:
            raise invalid(
                "/event_types",
                "MISSING_REQUIRED_PARAMETER",
                "A required field / parameter is missing.",
            )
        names = []
        for index, entry in enumerate(types):
            self._object(entry, f"/event_types/{index}", {"name"})
            name = entry.get("name")
            if name != "*" and name not in EVENT_TYPES:
                raise PayPalApiError(
                    400,
                    issue="INVALID_EVENT_TYPE",
                    description=f"Event type {name} is not supported.",
                    field=f"/event_types/{index}/name",
                )
            names.append(name)
        if any(hook["url"] == url for hook in self.webhooks.values()):
            raise PayPalApiError(
                400,
                issue="WEBHOOK_URL_ALREADY_EXISTS",
                description="Webhook URL already exists.",
                field="/url",
            )
        webhook_id = f"WH-{_id(17)}-{_id(17)}"
        self.webhooks[webhook_id] = {"id": webhook_id, "url": url, "event_types": names}
        return 201, self._webhook_view(self.webhooks[webhook_id], request)

    def _webhook_view(self, webhook: dict[str, Any], request: Request) -> dict[str, Any]:
        return {
            "id": webhook["id"],
            "url": webhook["url"],
            "event_types": [{"name": name, "description": name} for name in webhook["event_types"]],
            "links": [
                {
                    "href": f"{request.base_url}/v1/notifications/webhooks/{webhook['id']}",
                    "rel": "self",
                    "method": "GET",
                },
                {
                    "href": f"{request.base_url}/v1/notifications/webhooks/{webhook['id']}",
                    "rel": "delete",
                    "method": "DELETE",
                },
            ],
        }

    def webhook_list(self, request: Request) -> tuple[int, dict[str, Any]]:
        return 200, {
            "webhooks": [self._webhook_view(hook, request) for hook in self.webhooks.values()]
        }

    def webhook_delete(self, request: Request) -> tuple[int, dict[str, Any]]:
        if self.webhooks.pop(request.params["id"], None) is None:
            raise not_found("INVALID_RESOURCE_ID", "Webhook ID does not exist.")
        return 204, {}

    def _signature(
        self, transmission_id: str, transmission_time: str, webhook_id: str, body: bytes
    ) -> str:
        # PayPal signs "<transmission_id>|<time>|<webhook_id>|<crc32 of the body>"; the emulator
        # uses an HMAC key only it holds instead of PayPal's certificate.
        message = f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body)}"
        digest = hmac.new(self.signing_key, message.encode(), hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    def _event(
        self,
        event_type: str,
        resource_type: str,
        resource: dict[str, Any],
        base_url: str,
        *,
        at: float | None = None,
    ) -> None:
        event_id = f"WH-{_id(17)}-{_id(17)}"
        summaries = {
            "CHECKOUT.ORDER.APPROVED": "An order has been approved by buyer",
            "PAYMENT.CAPTURE.COMPLETED": f"Payment completed for {resource.get('amount', {}).get('value')} {resource.get('amount', {}).get('currency_code')}",
            "PAYMENT.CAPTURE.DENIED": "A payment capture was denied",
            "PAYMENT.CAPTURE.REFUNDED": "A capture payment was refunded",
        }
        event = {
            "id": event_id,
            "event_version": "1.0",
            "create_time": now_iso(at),
            "resource_type": resource_type,
            "resource_version": "2.0",
            "event_type": event_type,
            "summary": summaries.get(event_type, event_type),
            "resource": resource,
            "links": [
                {
                    "href": f"{base_url}/v1/notifications/webhooks-events/{event_id}",
                    "rel": "self",
                    "method": "GET",
                },
            ],
        }
        self.events.append(event)
        for webhook in self.webhooks.values():
            if "*" in webhook["event_types"] or event_type in webhook["event_types"]:
                body = canonical(event)
                self.deliver(
                    webhook["url"], body, self.signed_headers(webhook["id"], body, base_url)
                )

    def signed_headers(self, webhook_id: str, body: bytes, base_url: str) -> dict[str, str]:
        transmission_id = secrets.token_hex(16)
        transmission_time = now_iso()
        return {
            "paypal-transmission-id": transmission_id,
            "paypal-transmission-time": transmission_time,
            "paypal-transmission-sig": self._signature(
                transmission_id, transmission_time, webhook_id, body
            ),
            "paypal-cert-url": f"{base_url}/v1/notifications/certs/CERT-emulator",
            "paypal-auth-algo": "SHA256withRSA",
        }

    def webhook_verify(self, request: Request) -> tuple[int, dict[str, Any]]:
        body = self._object(request.json, "", _VERIFY_FIELDS)
        for key in sorted(_VERIFY_FIELDS):
            if key not in body:
                raise invalid(
                    f"/{key}",
                    "MISSING_REQUIRED_PARAMETER",
                    "A required field / parameter is missing.",
                )
        event = body["webhook_event"]
        if not isinstance(event, dict):
            raise invalid(
                "/webhook_event",
                "INVALID_PARAMETER_SYNTAX",
                "The value of a field does not conform to the expected format.",
            )
        if body["webhook_id"] not in self.webhooks:
            raise PayPalApiError(
                404,
                issue="INVALID_RESOURCE_ID",
                description="Webhook ID does not exist.",
                field="/webhook_id",
            )
        expected = self._signature(
            str(body["transmission_id"]),
            str(body["transmission_time"]),
            body["webhook_id"],
            canonical(event),
        )
        valid = (
            body["auth_algo"] == "SHA256withRSA"
            and str(body["cert_url"]).endswith("/v1/notifications/certs/CERT-emulator")
            and hmac.compare_digest(expected, str(body["transmission_sig"]))
        )
        return 200, {"verification_status": "SUCCESS" if valid else "FAILURE"}
