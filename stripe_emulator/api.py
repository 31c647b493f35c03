"""The Stripe API front door: faults, authentication, parameters, idempotency, dispatch.

This is independent of HTTP so the server module only moves bytes.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from stripe_emulator import (
    billing,
    billing_portal,
    catalog,
    checkout,
    coupons,
    credit_grants,
    customers,
    events,
    meters,
    payments,
    setup_intents,
    subscription_schedules,
    test_clocks,
)
from stripe_emulator.api_versions import require_known_version
from stripe_emulator.errors import (
    StripeApiError,
    api_error,
    authentication_error,
    idempotency_mismatch_error,
    invalid_request_error,
    rate_limit_error,
)
from stripe_emulator.form_encoding import decode_form, decode_form_pairs
from stripe_emulator.param_validation import validate_parameters
from stripe_emulator.route_parameters import ROUTE_PARAMETERS
from stripe_emulator.routing import RequestContext, Router
from stripe_emulator.state import API_VERSION, EmulatorState, random_token

API_KEY_PATTERN = re.compile(r"^(sk_test_|sk_live_|rk_test_|rk_live_)[A-Za-z0-9]{24,}$")
PUBLISHABLE_KEY_PREFIXES = ("pk_test_", "pk_live_")
PUBLISHABLE_KEY_PATTERN = re.compile(r"^(pk_test_|pk_live_)[A-Za-z0-9]{24,}$")
MAXIMUM_IDEMPOTENCY_KEY_LENGTH = 255


@dataclass
class ApiResponse:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    def encoded_body(self) -> bytes:
        return json.dumps(self.body, indent=2).encode("utf-8")


@dataclass
class FaultPlan:
    """The next ``remaining`` API calls fail with ``status`` and/or stall ``delay_ms``."""

    remaining: int
    status: int | None = None
    delay_ms: int = 0
    path_prefix: str = "/v"

    def describe(self) -> dict[str, Any]:
        return {
            "remaining": self.remaining,
            "status": self.status,
            "delay_ms": self.delay_ms,
            "path_prefix": self.path_prefix,
        }


@dataclass
class IdempotencyRecord:
    method: str
    path: str
    params: dict[str, Any]
    response: ApiResponse
    request_id: str


def publishable_key_for(secret_key: str) -> str:
    """The publishable key of the account a secret key belongs to (the emulator pairs them by
    their random part, as one Stripe account's keys are paired)."""
    mode, _, token = secret_key.partition("_")[2].partition("_")
    return f"pk_{mode}_{token}"


def build_router() -> Router:
    router = Router()
    for module in (
        customers,
        catalog,
        meters,
        payments,
        billing,
        events,
        test_clocks,
        setup_intents,
        billing_portal,
        checkout,
        credit_grants,
        subscription_schedules,
        coupons,
    ):
        module.register_routes(router)
    return router


class StripeApi:
    """``api_keys``: the secret keys this Stripe account has; any other key answers 401 as
    Stripe does. ``None`` accepts any well-formed secret key (the command line without
    ``--api-key``)."""

    def __init__(self, state: EmulatorState, api_keys: frozenset[str] | None = None) -> None:
        self.state = state
        self.api_keys = api_keys
        self.router = build_router()
        self._log_lock = threading.Lock()
        self.request_log: list[dict[str, Any]] = []
        self.fault_plans: list[FaultPlan] = []
        self.idempotency_records: dict[str, IdempotencyRecord] = {}

    def reset(self) -> None:
        with self._log_lock:
            self.request_log.clear()
            self.fault_plans.clear()
        with self.state.lock:
            self.idempotency_records.clear()

    def idempotency_records_snapshot(self) -> dict[str, dict[str, Any]]:
        """The stored responses by idempotency key, as plain data for the state file."""
        return {key: dataclasses.asdict(record) for key, record in self.idempotency_records.items()}

    def idempotency_records_restore(self, snapshot: dict[str, dict[str, Any]]) -> None:
        self.idempotency_records = {
            key: IdempotencyRecord(
                method=record["method"],
                path=record["path"],
                params=record["params"],
                response=ApiResponse(**record["response"]),
                request_id=record["request_id"],
            )
            for key, record in snapshot.items()
        }

    # Faults ------------------------------------------------------------------------------

    def add_faults(
        self,
        *,
        count: int = 1,
        status: int | None = None,
        delay_ms: int = 0,
        path_prefix: str = "/v",
    ) -> None:
        with self._log_lock:
            self.fault_plans.append(
                FaultPlan(
                    remaining=count, status=status, delay_ms=delay_ms, path_prefix=path_prefix
                )
            )

    def clear_faults(self) -> None:
        with self._log_lock:
            self.fault_plans.clear()

    def describe_faults(self) -> list[dict[str, Any]]:
        with self._log_lock:
            return [plan.describe() for plan in self.fault_plans]

    def _take_fault(self, path: str) -> FaultPlan | None:
        with self._log_lock:
            for plan in self.fault_plans:
                if plan.remaining > 0 and path.startswith(plan.path_prefix):
                    plan.remaining -= 1
                    taken = FaultPlan(1, plan.status, plan.delay_ms, plan.path_prefix)
                    self.fault_plans = [p for p in self.fault_plans if p.remaining > 0]
                    return taken
        return None

    # Requests ----------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> ApiResponse:
        request_id = "req_" + random_token(14)
        lowered_headers = {name.lower(): value for name, value in headers.items()}
        idempotency_key = lowered_headers.get("idempotency-key")
        try:
            response = self._handle(
                method, path, query, lowered_headers, body, request_id, idempotency_key
            )
        except StripeApiError as error:
            response = ApiResponse(error.http_status, error.to_body(), dict(error.headers))
        # A request Stripe could not authenticate belongs to no account, so it has no log page.
        logged = response.status >= 400 and response.status != 401
        if logged and isinstance(response.body.get("error"), dict):
            response.body = _with_request_log_url(response.body, request_id)
        response.headers.setdefault("Request-Id", request_id)
        response.headers["Stripe-Version"] = lowered_headers.get("stripe-version", API_VERSION)
        if idempotency_key:
            response.headers["Idempotency-Key"] = idempotency_key
        with self._log_lock:
            self.request_log.append(
                {
                    "method": method,
                    "path": path,
                    "query": query,
                    "idempotency_key": idempotency_key,
                    "status": response.status,
                    "replayed": response.headers.get("Idempotent-Replayed") == "true",
                    "request_id": request_id,
                }
            )
        return response

    def _handle(
        self,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        request_id: str,
        idempotency_key: str | None,
    ) -> ApiResponse:
        self._strike_fault(path)

        matched = self.router.match(method, path)
        if matched is None:
            raise invalid_request_error(
                f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs "
                "or we can help at https://support.stripe.com/.",
                http_status=404,
            )
        route, path_arguments = matched
        api_key = self._authenticate(headers, route.authentication)
        require_known_version(headers.get("stripe-version"))
        params = self._decode_params(method, path, query, headers, body)
        client_secret = None
        if api_key.startswith(PUBLISHABLE_KEY_PREFIXES):
            # Stripe.js names the object it acts on by its client secret, a parameter of the
            # browser's calls only (stripe-python's definitions do not have it).
            client_secret = params.pop("client_secret", None)
        validate_parameters(params, _parameter_definition(route.method, route.template))

        if idempotency_key is not None and len(idempotency_key) > MAXIMUM_IDEMPOTENCY_KEY_LENGTH:
            raise invalid_request_error(
                "Invalid idempotency_key: must be at most 255 characters long.",
                param="Idempotency-Key",
            )
        use_idempotency = method == "POST" and bool(idempotency_key)

        with self.state.lock:
            if use_idempotency:
                assert idempotency_key is not None
                replay = self._replay(idempotency_key, method, path, params, request_id)
                if replay is not None:
                    return replay

            context = RequestContext(
                state=self.state,
                method=method,
                path=path,
                params=params,
                api_key=api_key,
                request_id=request_id,
                idempotency_key=idempotency_key,
                headers=headers,
                client_secret=client_secret if isinstance(client_secret, str) else None,
            )
            self.state.current_request_id = request_id
            self.state.current_idempotency_key = idempotency_key
            # A request about a test clock's customer happens at that clock's frozen time.
            self.state.frozen_time = test_clocks.request_frozen_time(
                self.state, params, path_arguments.values()
            )
            try:
                result = route.handler(context, **path_arguments)
            except StripeApiError as error:
                response = ApiResponse(error.http_status, error.to_body(), dict(error.headers))
                if use_idempotency and error.stored_for_idempotency:
                    self._store(idempotency_key, method, path, params, response, request_id)
                return response
            finally:
                self.state.current_request_id = None
                self.state.current_idempotency_key = None
                self.state.frozen_time = None
            status, response_body = result if isinstance(result, tuple) else (200, result)
            response = ApiResponse(status, response_body)
            if use_idempotency:
                self._store(idempotency_key, method, path, params, response, request_id)
            return response

    def _strike_fault(self, path: str) -> None:
        """Injected faults strike before anything executes and are never stored, so the SDK's
        retry with the same idempotency key runs the request for real."""
        fault = self._take_fault(path)
        if fault is None:
            return
        if fault.delay_ms:
            time.sleep(fault.delay_ms / 1000)
        if fault.status == 429:
            raise rate_limit_error()
        if fault.status is not None:
            error = api_error()
            error.http_status = fault.status
            raise error

    def _replay(
        self,
        idempotency_key: str,
        method: str,
        path: str,
        params: dict[str, Any],
        request_id: str,
    ) -> ApiResponse | None:
        """The stored answer to a key seen before with the same request; another request with
        the key is refused, as Stripe does."""
        record = self.idempotency_records.get(idempotency_key)
        if record is None:
            return None
        if (record.method, record.path, record.params) != (method, path, params):
            raise idempotency_mismatch_error(idempotency_key)
        return ApiResponse(
            record.response.status,
            record.response.body,
            {
                **record.response.headers,
                "Idempotent-Replayed": "true",
                "Original-Request": record.request_id,
                "Request-Id": request_id,
            },
        )

    def _store(
        self,
        idempotency_key: str | None,
        method: str,
        path: str,
        params: dict[str, Any],
        response: ApiResponse,
        request_id: str,
    ) -> None:
        assert idempotency_key is not None
        self.idempotency_records[idempotency_key] = IdempotencyRecord(
            method, path, params, response, request_id
        )

    def _authenticate(self, headers: dict[str, str], authentication: str) -> str:
        authorization = headers.get("authorization", "")
        if not authorization:
            raise authentication_error(
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                "YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, "
                "or we can help at https://support.stripe.com/."
            )
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() == "basic":
            import base64

            try:
                credential = base64.b64decode(credential).decode().split(":", 1)[0]
            except ValueError:
                credential = ""
        elif scheme.lower() != "bearer":
            raise authentication_error(
                "Invalid authorization header. Use Bearer auth: 'Authorization: Bearer "
                "YOUR_SECRET_KEY'."
            )
        credential = credential.strip()
        if authentication == "meter_event_session":
            meters.require_meter_event_session(self.state, credential)
            return credential
        if credential.startswith(PUBLISHABLE_KEY_PREFIXES) and authentication == "client_secret":
            known_publishable = (
                credential in {publishable_key_for(key) for key in self.api_keys}
                if self.api_keys is not None
                else True
            )
            if not PUBLISHABLE_KEY_PATTERN.match(credential) or not known_publishable:
                masked = credential[:8] + "*" * max(0, len(credential) - 12) + credential[-4:]
                raise authentication_error(f"Invalid API Key provided: {masked}")
            return credential
        if credential.startswith(PUBLISHABLE_KEY_PREFIXES):
            raise authentication_error(
                "This API call cannot be made with a publishable API key. Please use a secret "
                "API key. You can find a list of your API keys at "
                "https://dashboard.stripe.com/account/apikeys."
            )
        known = credential in self.api_keys if self.api_keys is not None else True
        if not API_KEY_PATTERN.match(credential) or not known:
            masked = credential[:8] + "*" * max(0, len(credential) - 12) + credential[-4:]
            raise authentication_error(f"Invalid API Key provided: {masked}")
        return credential

    def _decode_params(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> dict[str, Any]:
        params = decode_form_pairs(parse_qsl(query, keep_blank_values=True)) if query else {}
        if method != "POST" or not body:
            return params
        text = body.decode("utf-8")
        content_type = headers.get("content-type", "")
        if path.startswith("/v2/") or content_type.startswith("application/json"):
            try:
                decoded = json.loads(text)
            except json.JSONDecodeError:
                raise invalid_request_error("Invalid JSON body.") from None
            if not isinstance(decoded, dict):
                raise invalid_request_error("The request body must be a JSON object.")
            params.update(decoded)
        else:
            params.update(decode_form(text))
        return params


def _parameter_definition(method: str, template: str) -> Any:
    definition = ROUTE_PARAMETERS.get((method, template))
    if definition is None:
        # Loud on purpose: a route without Stripe's definition would accept anything.
        raise api_error(
            f"Emulator error: {method} {template} has no parameter definition; add its "
            "stripe.params class to stripe_emulator/route_parameters.py."
        )
    return definition


def _with_request_log_url(body: dict[str, Any], request_id: str) -> dict[str, Any]:
    """Stripe's errors point at the request's page in the Dashboard's logs."""
    error = dict(body["error"])
    error.setdefault("request_log_url", f"https://dashboard.stripe.com/test/logs/{request_id}")
    return {**body, "error": error}
