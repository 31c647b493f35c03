"""Asynchronous, signed webhook delivery with retries, as Stripe does it."""

from __future__ import annotations

import heapq
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from hashlib import sha256
from typing import Any

USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"


def signature_header(payload: bytes, secret: str, timestamp: int) -> str:
    """The ``Stripe-Signature`` value: an HMAC-SHA256 of ``"<timestamp>.<body>"``."""
    signed_payload = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode("utf-8"), signed_payload, sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass
class PendingDelivery:
    endpoint_id: str
    url: str
    secret: str
    event_id: str
    event_type: str
    payload: bytes
    attempt: int = 1


class WebhookDispatcher:
    """Delivers events on a background thread and retries failures with exponential backoff.

    Stripe retries for days; here the base delay and the number of attempts are settings so
    tests can watch a retry happen in milliseconds.
    """

    def __init__(
        self,
        *,
        retry_base_seconds: float = 1.0,
        max_attempts: int = 5,
        timeout_seconds: float = 10.0,
    ) -> None:
        self.retry_base_seconds = retry_base_seconds
        self.max_attempts = max_attempts
        self.timeout_seconds = timeout_seconds
        self.deliveries: list[dict[str, Any]] = []
        self._queue: list[tuple[float, int, PendingDelivery]] = []
        self._order = itertools.count()
        self._condition = threading.Condition()
        self._in_flight = 0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._generation = 0

    def start(self) -> None:
        self._stopping = False
        self._thread = threading.Thread(
            target=self._run, name="stripe-emulator-webhooks", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def clear(self) -> None:
        with self._condition:
            self._queue.clear()
            self.deliveries.clear()
            # Deliveries already on the wire belong to the old state and are not logged.
            self._generation += 1
            self._condition.notify_all()

    def enqueue(self, event: dict[str, Any], endpoints: list[dict[str, Any]]) -> None:
        payload = json.dumps(event, indent=2).encode("utf-8")
        with self._condition:
            for endpoint in endpoints:
                delivery = PendingDelivery(
                    endpoint_id=endpoint["id"],
                    url=endpoint["url"],
                    secret=endpoint["_secret"],
                    event_id=event["id"],
                    event_type=event["type"],
                    payload=payload,
                )
                heapq.heappush(self._queue, (time.monotonic(), next(self._order), delivery))
            self._condition.notify_all()

    def wait_until_idle(self, timeout_seconds: float = 10.0) -> bool:
        """Block until nothing is queued or in flight; False on timeout."""
        deadline = time.monotonic() + timeout_seconds
        with self._condition:
            while self._queue or self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._condition.wait(remaining)
        return True

    def delivery_log(self) -> list[dict[str, Any]]:
        with self._condition:
            return list(self.deliveries)

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._stopping:
                    if self._queue and self._queue[0][0] <= time.monotonic():
                        break
                    wait_seconds = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._condition.wait(wait_seconds)
                if self._stopping:
                    return
                _, _, delivery = heapq.heappop(self._queue)
                self._in_flight += 1
                generation = self._generation
            status, error = self._post(delivery)
            with self._condition:
                self._in_flight -= 1
                if generation == self._generation:
                    self._record(delivery, status, error)
                self._condition.notify_all()

    def _record(self, delivery: PendingDelivery, status: int | None, error: str | None) -> None:
        succeeded = status is not None and 200 <= status < 300
        self.deliveries.append(
            {
                "endpoint": delivery.endpoint_id,
                "url": delivery.url,
                "event": delivery.event_id,
                "type": delivery.event_type,
                "attempt": delivery.attempt,
                "status": status,
                "error": error,
                "succeeded": succeeded,
            }
        )
        if not succeeded and delivery.attempt < self.max_attempts:
            delay = self.retry_base_seconds * (2 ** (delivery.attempt - 1))
            delivery.attempt += 1
            heapq.heappush(self._queue, (time.monotonic() + delay, next(self._order), delivery))

    def _post(self, delivery: PendingDelivery) -> tuple[int | None, str | None]:
        # Signed with the wall clock, not the emulator's clock: receivers check the timestamp
        # against their own time with a five-minute tolerance.
        timestamp = int(time.time())
        request = urllib.request.Request(  # noqa: S310 - endpoints are http(s) URLs by validation
            delivery.url,
            data=delivery.payload,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                "Stripe-Signature": signature_header(delivery.payload, delivery.secret, timestamp),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310
                return response.status, None
        except urllib.error.HTTPError as http_error:
            return http_error.code, None
        except (OSError, ValueError) as connection_error:
            return None, str(connection_error)
