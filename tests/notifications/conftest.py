"""A real HTTP receiver on 127.0.0.1, standing in for the apps' webhook endpoints. It checks each
delivery's signature with our own verify helper, as an app would, and answers as scripted."""

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.models import AppEvent
from notifications.services import (
    app_event_publish,
    webhook_deliveries_retry_due,
)
from notifications.signatures import SIGNATURE_HEADER, WebhookSignatureError, verify_signature
from tenants.models import App


@dataclass
class ReceivedDelivery:
    path: str
    headers: dict[str, str]
    body: bytes
    # None when the signature checked out against the path's secret.
    signature_error: str | None

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    base_url: str
    received: list[ReceivedDelivery] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)
    scripted: dict[str, list[tuple[int, dict[str, str], float]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base_url + path

    def expect_secret(self, path: str, secret: str) -> None:
        self.secrets[path] = secret

    def answer(
        self,
        path: str,
        *statuses: int,
        headers: dict[str, str] | None = None,
        delay_seconds: float = 0,
    ) -> None:
        """The next responses at `path`, in order; 200 once they run out."""
        self.scripted.setdefault(path, []).extend(
            (status, headers or {}, delay_seconds) for status in statuses
        )

    def at(self, path: str) -> list[ReceivedDelivery]:
        with self.lock:
            return [delivery for delivery in self.received if delivery.path == path]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            secret = receiver.secrets.get(self.path)
            signature_error: str | None = "no secret registered for this path"
            if secret is not None:
                try:
                    verify_signature(
                        secret=secret, header=self.headers.get(SIGNATURE_HEADER), body=body
                    )
                    signature_error = None
                except WebhookSignatureError as error:
                    signature_error = str(error)
            with receiver.lock:
                receiver.received.append(
                    ReceivedDelivery(
                        path=self.path,
                        headers=dict(self.headers.items()),
                        body=body,
                        signature_error=signature_error,
                    )
                )
                script = receiver.scripted.get(self.path) or []
                status, headers, delay_seconds = script.pop(0) if script else (200, {}, 0)
            time.sleep(delay_seconds)
            if signature_error is not None and status < 300:
                status = 400  # as an app that checks signatures would answer
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            reply = b"ok" if status < 300 else f"receiver says {status}".encode()
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(autouse=True)
def private_destinations_allowed(settings: Any) -> None:
    """The receiver listens on 127.0.0.1, which production refuses to deliver to."""
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = True


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver(base_url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    receiver.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def unreachable_url() -> str:
    """A local port nobody listens on: connecting is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks"


@pytest.fixture
def publish(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> Callable[..., AppEvent]:
    """Publishes as a service would, inside its transaction, and runs what waits for the commit
    (Celery is eager in tests, so deliveries are attempted right there)."""

    def publish(*, app: App, event_type: str, data: dict[str, Any] | None = None) -> AppEvent:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            return app_event_publish(app=app, event_type=event_type, data=data or {})

    return publish


@pytest.fixture
def retry_sweep(django_capture_on_commit_callbacks: Callable[..., Any]) -> Callable[..., int]:
    """Runs the beat's retry sweep as if `after` had passed."""

    def retry_sweep(*, after: timedelta = timedelta(hours=2)) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return webhook_deliveries_retry_due(now=timezone.now() + after)

    return retry_sweep
