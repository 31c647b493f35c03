"""The HTTP server: PayPal's REST routes, the payer's approval page (``/checkoutnow``), the
emulator's control routes (``/_emulator/...``) and webhook delivery on a background thread."""

from __future__ import annotations

import html
import json
import os
import queue
import re
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from paypal_emulator import subscriptions
from paypal_emulator.api import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    TEST_PAYERS,
    PayPalApi,
    Request,
)
from paypal_emulator.errors import PayPalApiError
from paypal_emulator.persistence import StateFile

CONTROL_PREFIX = "/_emulator"
USER_AGENT = "PayPal/AUHD-214.0-58705284"


class WebhookDispatcher:
    """Delivers each event in order on one thread, retrying a failed delivery a few times
    (PayPal retries for three days; here the delay is a setting so tests stay fast)."""

    def __init__(
        self, *, retry_base_seconds: float, max_attempts: int, timeout_seconds: float
    ) -> None:
        self.retry_base_seconds = retry_base_seconds
        self.max_attempts = max_attempts
        self.timeout_seconds = timeout_seconds
        self.deliveries: list[dict[str, Any]] = []
        # Bumped by clear(): a delivery already under way belongs to the old state, is neither
        # logged nor retried (as the Stripe emulator's dispatcher does).
        self._generation = 0
        self._queue: queue.Queue[tuple[str, bytes, dict[str, str], int] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.paused = False
        # Event type ("*" for any) → how many of its next deliveries are lost on the way.
        self.drops: dict[str, int] = {}
        self.dropped: list[dict[str, Any]] = []
        self._drops_lock = threading.Lock()

    def drop(self, *, event_type: str, count: int) -> None:
        """The next ``count`` events of ``event_type`` ("*": any) never reach any listener,
        as a delivery PayPal gave up on, or that a network lost."""
        with self._drops_lock:
            self.drops[event_type] = self.drops.get(event_type, 0) + count

    def _dropping(self, event_type: str) -> bool:
        with self._drops_lock:
            for key in (event_type, "*"):
                if self.drops.get(key, 0) > 0:
                    self.drops[key] -= 1
                    return True
        return False

    def enqueue(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        event = json.loads(body)
        if self._dropping(str(event.get("event_type", ""))):
            self.dropped.append(
                {"url": url, "event_id": event["id"], "event_type": event["event_type"]}
            )
            return
        self._queue.put((url, body, headers, self._generation))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="paypal-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._queue.put(None)

    def clear(self) -> None:
        self._generation += 1
        while not self._queue.empty():
            try:
                self._queue.get_nowait()
                self._queue.task_done()
            except queue.Empty:
                break
        self.deliveries = []
        with self._drops_lock:
            self.drops = {}
            self.dropped = []

    def wait_until_idle(self, timeout_seconds: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            if self._queue.unfinished_tasks == 0:
                return True
            time.sleep(0.02)
        return False

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                self._queue.task_done()
                return
            try:
                self._deliver(*item)
            finally:
                self._queue.task_done()

    def _deliver(self, url: str, body: bytes, headers: dict[str, str], generation: int) -> None:
        event = json.loads(body)
        for attempt in range(1, self.max_attempts + 1):
            if generation != self._generation:
                return
            status: int | None = None
            try:
                request = urllib.request.Request(  # noqa: S310 - a registered http(s) URL
                    url,
                    data=body,
                    method="POST",
                    headers={
                        "Content-Type": "application/json",
                        "User-Agent": USER_AGENT,
                        **headers,
                    },
                )
                with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except (urllib.error.URLError, OSError):
                status = None
            if generation != self._generation:
                return
            self.deliveries.append(
                {
                    "url": url,
                    "event_id": event["id"],
                    "event_type": event["event_type"],
                    "attempt": attempt,
                    "status": status,
                }
            )
            if status is not None and 200 <= status < 300:
                return
            time.sleep(self.retry_base_seconds * 2 ** (attempt - 1))


class PayPalEmulatorServer:
    """A PayPal emulator on a background thread.

    >>> with PayPalEmulatorServer(port=0) as server:
    ...     server.url  # the API base, e.g. for PAYPAL_API_BASE
    """

    def __init__(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        webhook_retry_base_seconds: float = 1.0,
        webhook_max_attempts: int = 5,
        webhook_timeout_seconds: float = 10.0,
        state_file: str | os.PathLike[str] | None = None,
    ) -> None:
        self.host = host
        self.requested_port = port
        self.api = PayPalApi(client_id=client_id, client_secret=client_secret)
        self.webhooks = WebhookDispatcher(
            retry_base_seconds=webhook_retry_base_seconds,
            max_attempts=webhook_max_attempts,
            timeout_seconds=webhook_timeout_seconds,
        )
        self.api.deliver = self.webhooks.enqueue
        self._http_server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.state_file = StateFile(state_file) if state_file is not None else None
        self.restored = self.state_file is not None and self.state_file.load(self.api)

    def start(self) -> PayPalEmulatorServer:
        self._http_server = ThreadingHTTPServer(
            (self.host, self.requested_port), _handler_class(self)
        )
        self._http_server.daemon_threads = True
        self.webhooks.start()
        self._thread = threading.Thread(
            target=self._http_server.serve_forever, name="paypal-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._http_server is not None:
            self._http_server.shutdown()
            self._http_server.server_close()
            self._http_server = None
        self.webhooks.stop()

    def __enter__(self) -> PayPalEmulatorServer:
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

    # Python API of the controls ------------------------------------------------------------

    def reset(self) -> None:
        self.webhooks.clear()
        self.api.reset()
        self.persist()

    def persist(self) -> None:
        """Write the state file, when there is one (after each request that may change state)."""
        if self.state_file is not None:
            self.state_file.save(self.api)

    def set_faults(
        self,
        *,
        status: int | None = None,
        count: int = 1,
        delay_ms: int = 0,
        path_prefix: str = "/v",
    ) -> None:
        """The next ``count`` API calls under ``path_prefix`` answer ``status`` and/or stall."""
        if status is None and not delay_ms:
            raise ValueError("A fault needs a status or a delay.")
        self.api.add_fault(status=status, count=count, delay_ms=delay_ms, path_prefix=path_prefix)

    def clear_faults(self) -> None:
        with self.api.lock:
            self.api.faults = []
        with self.webhooks._drops_lock:
            self.webhooks.drops = {}

    def drop_webhooks(self, *, event_type: str = "*", count: int = 1) -> None:
        """The next ``count`` deliveries of ``event_type`` ("*": any) are lost."""
        if count < 1:
            raise ValueError("count must be at least 1.")
        self.webhooks.drop(event_type=event_type, count=count)

    def requests(self) -> list[dict[str, Any]]:
        with self.api.lock:
            return list(self.api.request_log)

    def add_webhook(
        self, url: str, event_types: list[str] | None = None, *, webhook_id: str | None = None
    ) -> str:
        """Registers a webhook listener as ``POST /v1/notifications/webhooks`` does (with the
        given id, for a fixed PAYPAL_WEBHOOK_ID); answers its id. A listener restored from the
        state file with that id and URL is kept as it is."""
        with self.api.lock:
            kept = self.api.webhooks.get(webhook_id or "")
            if kept is not None and kept["url"] == url:
                return str(webhook_id)
            request = Request("POST", "", {}, b"", self.url)
            request.json = {
                "url": url,
                "event_types": [{"name": name} for name in event_types or ["*"]],
            }
            _, body = self.api.webhook_create(request)
            if webhook_id:
                webhook = self.api.webhooks.pop(body["id"])
                self.api.webhooks[webhook_id] = {**webhook, "id": webhook_id}
            self.persist()
            return webhook_id or str(body["id"])

    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        with self.api.lock:
            return [
                event
                for event in self.api.events
                if event_type is None or event["event_type"] == event_type
            ]

    def wait_for_webhooks(self, timeout_seconds: float = 10.0) -> bool:
        return self.webhooks.wait_until_idle(timeout_seconds)

    def webhook_deliveries(self) -> list[dict[str, Any]]:
        return list(self.webhooks.deliveries)

    def advance_clock(self, *, days: float = 0, seconds: float = 0) -> dict[str, Any]:
        """Moves the emulator's clock on, running the billing cycles that fall due."""
        return subscriptions.clock_advance(self.api, seconds + 86_400 * days)

    def subscription_payer_set(self, subscription_id: str, payer: str) -> None:
        """The subscription's payer now pays (or declines) as this test payer does."""
        if payer not in TEST_PAYERS:
            raise ValueError(f"Unknown test payer {payer!r}.")
        subscriptions.subscription_payer_set(self.api, subscription_id, TEST_PAYERS[payer])

    def subscription_approve(self, token: str, payer: str = "buyer") -> str:
        """What the approval page's button does, for tests that need no browser."""
        return subscriptions.subscription_approve(self.api, token, TEST_PAYERS[payer])

    # Control routes ------------------------------------------------------------------------

    def control(
        self, method: str, route: str, payload: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        if (method, route) == ("POST", "/reset"):
            self.reset()
            return 200, {"reset": True}
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
            with self.api.lock:
                faults = [vars(fault) for fault in self.api.faults]
            return 200, {"faults": faults}
        if (method, route) == ("POST", "/tokens/expire"):
            return 200, {"expired": self.api.expire_tokens()}
        if (method, route) == ("GET", "/requests"):
            return 200, {"requests": self.requests()}
        if (method, route) == ("GET", "/events"):
            return 200, {"events": self.events()}
        if (method, route) == ("GET", "/webhook_deliveries"):
            return 200, {"deliveries": self.webhook_deliveries()}
        if route == "/clock" and method in ("GET", "POST"):
            if method == "POST":
                seconds = float(payload.get("seconds", 0)) + 86_400 * float(payload.get("days", 0))
                return 200, subscriptions.clock_advance(self.api, seconds)
            return 200, subscriptions.clock_advance(self.api, 0)
        found = re.match(r"^/billing/subscriptions/(I-[A-Z0-9]+)/payer$", route)
        if found and method == "POST":
            try:
                self.subscription_payer_set(found.group(1), str(payload.get("payer", "")))
            except PayPalApiError as error:
                return error.status, error.to_body()
            return 200, {"payer": payload.get("payer")}
        if (method, route) == ("POST", "/webhooks/drop"):
            self.drop_webhooks(
                event_type=str(payload.get("event_type", "*")), count=int(payload.get("count", 1))
            )
            return 200, {"drops": dict(self.webhooks.drops), "dropped": self.webhooks.dropped}
        if (method, route) == ("POST", "/webhooks/flush"):
            return 200, {"idle": self.wait_for_webhooks(float(payload.get("timeout_seconds", 10)))}
        return 404, {"error": f"Unknown control route {method} {route}"}

    # The payer's approval page ---------------------------------------------------------------

    def approval_page(self, order_id: str) -> tuple[int, str]:
        with self.api.lock:
            order = self.api.orders.get(order_id)
        if order is None:
            return 404, "<!doctype html><title>PayPal</title><p>This order does not exist.</p>"
        amount = order["purchase_units"][0]["amount"]
        if order["status"] not in ("CREATED", "PAYER_ACTION_REQUIRED"):
            return 200, (
                "<!doctype html><title>PayPal</title>"
                f"<p>This order is {html.escape(order['status'])}.</p>"
            )
        choices = "".join(
            f'<button type="submit" name="payer" value="{key}">Pay as {html.escape(payer["email_address"])}'
            f"{' (declines at capture)' if payer['capture'] != 'COMPLETED' else ''}</button>"
            for key, payer in TEST_PAYERS.items()
        )
        token = html.escape(order_id)
        return 200, (
            "<!doctype html><html><head><meta charset='utf-8'><title>Pay with PayPal</title></head>"
            "<body><h1>PayPal (emulator)</h1>"
            f"<p>Pay <strong>{html.escape(amount['value'])} {html.escape(amount['currency_code'])}</strong>"
            f" to the merchant.</p>"
            f'<form method="post" action="/checkoutnow/approve"><input type="hidden" name="token" value="{token}">'
            f"{choices}</form>"
            f'<form method="post" action="/checkoutnow/cancel"><input type="hidden" name="token" value="{token}">'
            '<button type="submit">Cancel and return to the merchant</button></form>'
            "</body></html>"
        )


def subscription_approval_page(emulator: PayPalEmulatorServer, token: str) -> tuple[int, str]:
    """The payer's page for a subscription (or its revision): the plan's cycles, and one
    button per test payer."""
    with emulator.api.lock:
        subscription = subscriptions.subscription_by_token(emulator.api, token)
        if subscription is None:
            return (
                404,
                "<!doctype html><title>PayPal</title><p>This subscription does not exist.</p>",
            )
        revising = subscription["_pending_plan_id"]
        plan = emulator.api.plans[revising or subscription["plan_id"]]
        status = subscription["status"]
    if status != "APPROVAL_PENDING" and not revising:
        return 200, (
            "<!doctype html><title>PayPal</title>"
            f"<p>This subscription is {html.escape(status)}.</p>"
        )
    terms = []
    for cycle in plan["billing_cycles"]:
        frequency = cycle["frequency"]
        every = f"{frequency['interval_count']} {frequency['interval_unit'].lower()}(s)"
        price = cycle.get("pricing_scheme", {}).get("fixed_price")
        cost = f"{price['value']} {price['currency_code']}" if price else "free"
        times = f"{cycle['total_cycles']} time(s)" if cycle["total_cycles"] else "until cancelled"
        terms.append(
            f"<li>{html.escape(cycle['tenure_type'].lower())}: {html.escape(cost)} every "
            f"{html.escape(every)}, {html.escape(times)}</li>"
        )
    choices = "".join(
        f'<button type="submit" name="payer" value="{key}">Agree as {html.escape(payer["email_address"])}'
        f"{' (payments decline)' if payer['capture'] != 'COMPLETED' else ''}</button>"
        for key, payer in TEST_PAYERS.items()
    )
    escaped = html.escape(token)
    action = "Change your plan to" if revising else "Subscribe to"
    return 200, (
        "<!doctype html><html><head><meta charset='utf-8'><title>Subscribe with PayPal</title></head>"
        "<body><h1>PayPal (emulator)</h1>"
        f"<p>{action} <strong>{html.escape(plan['name'])}</strong>:</p><ul>{''.join(terms)}</ul>"
        '<form method="post" action="/webapps/billing/subscriptions/approve">'
        f'<input type="hidden" name="ba_token" value="{escaped}">{choices}</form>'
        '<form method="post" action="/webapps/billing/subscriptions/cancel">'
        f'<input type="hidden" name="ba_token" value="{escaped}">'
        '<button type="submit">Cancel and return to the merchant</button></form>'
        "</body></html>"
    )


def _handler_class(emulator: PayPalEmulatorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "paypal-emulator/1.0"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._dispatch("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._dispatch("POST")

        def do_DELETE(self) -> None:  # noqa: N802
            self._dispatch("DELETE")

        def do_PATCH(self) -> None:  # noqa: N802
            self._dispatch("PATCH")

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

        def _dispatch(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            base_url = f"http://{self.headers.get('Host') or f'127.0.0.1:{emulator.port}'}"
            if parts.path.startswith("/checkoutnow"):
                self._page(method, parts.path, parts.query, body)
                return
            if parts.path.startswith("/webapps/billing/subscriptions"):
                self._subscription_page(method, parts.path, parts.query, body)
                return
            if parts.path.startswith(CONTROL_PREFIX + "/"):
                try:
                    payload = json.loads(body) if body else {}
                    status, answer = emulator.control(
                        method, parts.path[len(CONTROL_PREFIX) :], payload
                    )
                    if method != "GET":
                        emulator.persist()
                except (ValueError, TypeError, KeyError) as error:
                    status, answer = 400, {"error": f"Bad control request: {error}"}
                self._json(status, answer)
                return
            headers = {name.lower(): value for name, value in self.headers.items()}
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            try:
                status, answer = emulator.api.handle(
                    Request(method, parts.path, headers, body, base_url, query=query)
                )
            except Exception as error:  # noqa: BLE001 - a bug must still answer like PayPal
                failure = PayPalApiError(
                    500, issue="INTERNAL_SERVER_ERROR", description=repr(error)
                )
                status, answer = failure.status, failure.to_body()
            if method != "GET":
                emulator.persist()
            extra = {}
            if "debug_id" in answer:
                extra["Paypal-Debug-Id"] = answer["debug_id"]
            self._json(status, answer, extra)

        def _json(
            self, status: int, answer: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            encoded = json.dumps(answer).encode() if status != 204 else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(encoded)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(encoded)

        def _subscription_page(self, method: str, path: str, query: str, body: bytes) -> None:
            location = ""
            if method == "GET" and path == "/webapps/billing/subscriptions":
                token = (parse_qs(query).get("ba_token") or [""])[0]
                status, page = subscription_approval_page(emulator, token)
            elif method == "POST" and path in (
                "/webapps/billing/subscriptions/approve",
                "/webapps/billing/subscriptions/cancel",
            ):
                form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
                token, payer = form.get("ba_token", ""), form.get("payer", "buyer")
                try:
                    if path.endswith("/approve"):
                        if payer not in TEST_PAYERS:
                            raise PayPalApiError(400)
                        location = subscriptions.subscription_approve(
                            emulator.api, token, TEST_PAYERS[payer]
                        )
                    else:
                        location = subscriptions.subscription_cancel_url(emulator.api, token)
                    status, page = (
                        (303, "")
                        if location
                        else (200, "<!doctype html><p>Done; you may close this page.</p>")
                    )
                except PayPalApiError as error:
                    status, page = (
                        error.status,
                        f"<!doctype html><p>{html.escape(error.message)}</p>",
                    )
            else:
                status, page = 404, "<!doctype html><p>Not found.</p>"
            self._html(status, page, location)

        def _html(self, status: int, page: str, location: str) -> None:
            encoded = page.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(encoded)))
            if location:
                self.send_header("Location", location)
            self.end_headers()
            self.wfile.write(encoded)

        def _page(self, method: str, path: str, query: str, body: bytes) -> None:
            base_url = f"http://{self.headers.get('Host') or f'127.0.0.1:{emulator.port}'}"
            location = ""
            if method == "GET" and path == "/checkoutnow":
                token = (parse_qs(query).get("token") or [""])[0]
                status, page = emulator.approval_page(token)
            elif method == "POST" and path in ("/checkoutnow/approve", "/checkoutnow/cancel"):
                form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
                token, payer = form.get("token", ""), form.get("payer", "buyer")
                try:
                    if path.endswith("/approve"):
                        if payer not in TEST_PAYERS:
                            raise PayPalApiError(400)
                        location = emulator.api.order_approve(token, payer, base_url)
                    else:
                        location = emulator.api.order_cancel_url(token)
                    status, page = (
                        (303, "")
                        if location
                        else (200, "<!doctype html><p>Done; you may close this page.</p>")
                    )
                except PayPalApiError as error:
                    status, page = (
                        error.status,
                        f"<!doctype html><p>{html.escape(error.message)}</p>",
                    )
                emulator.persist()
            else:
                status, page = 404, "<!doctype html><p>Not found.</p>"
            encoded = page.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(encoded)))
            if location:
                self.send_header("Location", location)
            self.end_headers()
            self.wfile.write(encoded)

    return Handler
