"""The HTTP server, the emulator's control routes and the ``EmulatorServer`` Python API."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from stripe_emulator.api import ApiResponse, StripeApi
from stripe_emulator.clock import advance_clock
from stripe_emulator.errors import StripeApiError, api_error
from stripe_emulator.events import webhook_endpoint_create
from stripe_emulator.hosted_pages import PAGES_PREFIX, page_handle
from stripe_emulator.payments import payment_intent_complete_authentication
from stripe_emulator.persistence import StateFile
from stripe_emulator.setup_intents import setup_intent_complete_authentication
from stripe_emulator.state import DEFAULT_METER_SUMMARY_LAG_SECONDS, EmulatorState
from stripe_emulator.webhooks import WebhookDispatcher

CONTROL_PREFIX = "/_emulator"


class EmulatorServer:
    """A Stripe emulator running on a background thread.

    >>> with EmulatorServer(port=0, api_keys=[key]) as server:
    ...     client = stripe.StripeClient(key, base_addresses={"api": server.url})
    """

    def __init__(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        *,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        webhook_retry_base_seconds: float = 1.0,
        webhook_max_attempts: int = 5,
        webhook_timeout_seconds: float = 10.0,
        state_file: str | os.PathLike[str] | None = None,
        api_keys: Iterable[str] | None = None,
        meter_summary_lag_seconds: int = DEFAULT_METER_SUMMARY_LAG_SECONDS,
    ) -> None:
        self.host = host
        self.requested_port = port
        self.state = EmulatorState(meter_summary_lag_seconds=meter_summary_lag_seconds)
        # The account's secret keys: any other key answers 401, as Stripe does.
        self.api = StripeApi(self.state, frozenset(api_keys) if api_keys is not None else None)
        self.webhooks = WebhookDispatcher(
            retry_base_seconds=webhook_retry_base_seconds,
            max_attempts=webhook_max_attempts,
            timeout_seconds=webhook_timeout_seconds,
        )
        self.state.webhook_dispatcher = self.webhooks
        # An endpoint given on the command line is configuration, so it survives reset().
        self.configured_webhook = (webhook_url, webhook_secret) if webhook_url is not None else None
        self._http_server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.state_file = StateFile(state_file) if state_file is not None else None
        self.restored = self.state_file is not None and self.state_file.load(self.state, self.api)
        self._register_configured_webhook()

    # Lifecycle ---------------------------------------------------------------------------

    def start(self) -> EmulatorServer:
        handler = _handler_class(self)
        self._http_server = ThreadingHTTPServer((self.host, self.requested_port), handler)
        self._http_server.daemon_threads = True
        self.webhooks.start()
        self._thread = threading.Thread(
            target=self._http_server.serve_forever, name="stripe-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._http_server is not None:
            self._http_server.shutdown()
            self._http_server.server_close()
            self._http_server = None
        self.webhooks.stop()

    def serve_forever(self) -> None:
        """Run in the calling thread (the command line uses this)."""
        handler = _handler_class(self)
        self._http_server = ThreadingHTTPServer((self.host, self.requested_port), handler)
        self._http_server.daemon_threads = True
        self.webhooks.start()
        try:
            self._http_server.serve_forever()
        finally:
            self.stop()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exception_type: type[BaseException] | None,
        exception: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._http_server is None:
            raise RuntimeError("The emulator is not running.")
        return self._http_server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # Controls ----------------------------------------------------------------------------

    def reset(self) -> None:
        self.webhooks.clear()
        self.state.reset()
        self.api.reset()
        self._register_configured_webhook()

    def now(self) -> int:
        with self.state.lock:
            return self.state.now()

    def advance(self, seconds: int) -> int:
        """Move the clock forward; returns the new time (unix seconds)."""
        return advance_clock(self.state, int(seconds))

    def set_faults(
        self,
        *,
        status: int | None = None,
        count: int = 1,
        delay_ms: int = 0,
        path_prefix: str = "/v",
    ) -> None:
        """Make the next ``count`` Stripe API calls answer ``status`` and/or stall ``delay_ms``."""
        if status is None and not delay_ms:
            raise ValueError("A fault needs a status or a delay.")
        self.api.add_faults(count=count, status=status, delay_ms=delay_ms, path_prefix=path_prefix)

    def clear_faults(self) -> None:
        self.api.clear_faults()

    def requests(self) -> list[dict[str, Any]]:
        with self.api._log_lock:
            return list(self.api.request_log)

    def add_webhook_endpoint(
        self, url: str, *, secret: str | None = None, enabled_events: list[str] | None = None
    ) -> dict[str, Any]:
        """Register an endpoint; the returned dict includes its ``secret``."""
        with self.state.lock:
            endpoint = webhook_endpoint_create(
                self.state, url=url, enabled_events=enabled_events or ["*"], secret=secret
            )
            rendered = self.state.render(endpoint)
            rendered["secret"] = endpoint["_secret"]
            return rendered

    def wait_for_webhooks(self, timeout_seconds: float = 10.0) -> bool:
        """Block until every queued delivery (and due retry) has been attempted."""
        return self.webhooks.wait_until_idle(timeout_seconds)

    def webhook_deliveries(self) -> list[dict[str, Any]]:
        return self.webhooks.delivery_log()

    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """Every event emitted so far, oldest first."""
        with self.state.lock:
            events = list(reversed(self.state.list_objects("event")))
            return [
                self.state.render(event)
                for event in events
                if event_type is None or event["type"] == event_type
            ]

    def persist(self) -> None:
        """Write the state file, when there is one (after each request that may change state)."""
        if self.state_file is not None:
            self.state_file.save(self.state, self.api)

    def _register_configured_webhook(self) -> None:
        if self.configured_webhook is not None:
            url, secret = self.configured_webhook
            with self.state.lock:
                restored = self.state.list_objects(
                    "webhook_endpoint", lambda endpoint: endpoint["url"] == url
                )
                if not restored:
                    webhook_endpoint_create(
                        self.state, url=url, enabled_events=["*"], secret=secret
                    )

    # Control routes ----------------------------------------------------------------------

    def handle_control(self, method: str, path: str, query: str, body: bytes) -> ApiResponse:
        route = path[len(CONTROL_PREFIX) :]
        try:
            payload = json.loads(body.decode("utf-8")) if body else {}
        except json.JSONDecodeError:
            return ApiResponse(400, {"error": {"message": "Invalid JSON body."}})
        if not isinstance(payload, dict):
            payload = {}
        query_params = dict(parse_qsl(query))
        try:
            return self._control(method, route, payload, query_params)
        except StripeApiError as error:
            return ApiResponse(error.http_status, error.to_body())
        except (KeyError, TypeError, ValueError) as error:
            return ApiResponse(400, {"error": {"message": f"Bad control request: {error}"}})

    def _control(
        self, method: str, route: str, payload: dict[str, Any], query: dict[str, str]
    ) -> ApiResponse:
        if (method, route) == ("GET", "/clock"):
            return ApiResponse(200, {"now": self.now()})
        if (method, route) == ("POST", "/advance"):
            return ApiResponse(200, {"now": self.advance(int(payload["seconds"]))})
        if (method, route) == ("POST", "/reset"):
            self.reset()
            return ApiResponse(200, {"reset": True, "now": self.now()})
        if route == "/faults":
            if method == "POST":
                self.set_faults(
                    status=payload.get("status"),
                    count=int(payload.get("count", 1)),
                    delay_ms=int(payload.get("delay_ms", 0)),
                    path_prefix=str(payload.get("path_prefix", "/v")),
                )
            elif method == "DELETE":
                self.clear_faults()
            return ApiResponse(200, {"faults": self.api.describe_faults()})
        if route == "/requests":
            if method == "DELETE":
                with self.api._log_lock:
                    self.api.request_log.clear()
            requests = self.requests()
            if "path" in query:
                requests = [entry for entry in requests if entry["path"] == query["path"]]
            return ApiResponse(200, {"requests": requests})
        if route == "/meter_summary_lag":
            if method == "POST":
                self.state.meter_summary_lag_seconds = max(0, int(payload["seconds"]))
            return ApiResponse(200, {"seconds": self.state.meter_summary_lag_seconds})
        if (method, route) == ("GET", "/webhook_deliveries"):
            return ApiResponse(200, {"deliveries": self.webhook_deliveries()})
        if (method, route) == ("POST", "/webhooks/flush"):
            idle = self.wait_for_webhooks(float(payload.get("timeout_seconds", 10)))
            return ApiResponse(200, {"idle": idle})
        if (
            method == "POST"
            and route.startswith("/payment_intents/")
            and route.endswith("/authenticate")
        ):
            intent_id = route.split("/")[2]
            with self.state.lock:
                intent = self.state.require(intent_id, "payment_intent")
                payment_intent_complete_authentication(
                    self.state, intent, succeed=bool(payload.get("succeed", True))
                )
                return ApiResponse(200, self.state.render(intent))
        if (
            method == "POST"
            and route.startswith("/setup_intents/")
            and route.endswith("/authenticate")
        ):
            setup_intent_id = route.split("/")[2]
            with self.state.lock:
                setup_intent = self.state.require(setup_intent_id, "setup_intent")
                setup_intent_complete_authentication(
                    self.state, setup_intent, succeed=bool(payload.get("succeed", True))
                )
                return ApiResponse(200, self.state.render(setup_intent))
        return ApiResponse(404, {"error": {"message": f"Unknown control route {method} {route}"}})


def _handler_class(emulator: EmulatorServer) -> type[BaseHTTPRequestHandler]:
    class EmulatorRequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "stripe-emulator/1.0"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._dispatch("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._dispatch("POST")

        def do_DELETE(self) -> None:  # noqa: N802
            self._dispatch("DELETE")

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            # Quiet by default: tests read /_emulator/requests instead.
            return

        def _dispatch(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            if parts.path.startswith(PAGES_PREFIX + "/"):
                self._page(method, parts.path, parts.query, body)
                return
            try:
                if parts.path.startswith(CONTROL_PREFIX + "/"):
                    response = emulator.handle_control(method, parts.path, parts.query, body)
                else:
                    response = emulator.api.handle(
                        method, parts.path, parts.query, dict(self.headers.items()), body
                    )
            except Exception as error:  # noqa: BLE001 - a bug must still answer like Stripe
                failure = api_error(f"Emulator error: {error!r}")
                response = ApiResponse(failure.http_status, failure.to_body())
            if method != "GET":
                emulator.persist()
            encoded = response.encoded_body()
            self.send_response(response.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(encoded)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(encoded)

        def _page(self, method: str, path: str, query: str, body: bytes) -> None:
            """A page a customer's browser opens (hosted Checkout, portal, invoice)."""
            host = self.headers.get("Host") or f"127.0.0.1:{emulator.port}"
            page = page_handle(emulator.state, method, path, query, body, host)
            if method != "GET":
                emulator.persist()
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            for name, value in page.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(page.body)

    return EmulatorRequestHandler
