"""The transport under every call: an `Idempotency-Key` per logical call, kept across its
retries, and retries with exponential backoff and jitter on 429, 502, 503, an
`Idempotency-Key` whose first request is still running, and connection failures and timeouts,
honouring `Retry-After`."""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Callable

import httpx

from .errors import retry_after_seconds

logger = logging.getLogger("payment_service_client")

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RETRYABLE_STATUSES = frozenset({429, 502, 503})
# Nothing reached the service, or its answer did not reach us: with the request's
# Idempotency-Key the retry does the work at most once.
RETRYABLE_EXCEPTIONS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.PoolTimeout,
    httpx.RemoteProtocolError,
)
# Never wait longer than this for one retry, whatever Retry-After says.
MAX_RETRY_AFTER_SECONDS = 60.0

_jitter = random.SystemRandom()


def _in_progress(response: httpx.Response) -> bool:
    """409 `idempotency_key_in_progress`: our earlier attempt is still running on the service.
    The response's body must have been read."""
    if response.status_code != 409:
        return False
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        return False
    return isinstance(error, dict) and error.get("code") == "idempotency_key_in_progress"


class _RetryPolicy:
    def __init__(
        self,
        *,
        max_retries: int,
        backoff_base_seconds: float,
        backoff_max_seconds: float,
    ) -> None:
        self.max_retries = max_retries
        self.backoff_base_seconds = backoff_base_seconds
        self.backoff_max_seconds = backoff_max_seconds

    def backoff(self, attempt: int) -> float:
        """Exponential with jitter: between half and all of base · 2^attempt, capped."""
        ceiling = min(self.backoff_max_seconds, self.backoff_base_seconds * 2.0**attempt)
        return ceiling / 2 + _jitter.uniform(0, ceiling / 2)

    @staticmethod
    def prepare(request: httpx.Request) -> None:
        """One Idempotency-Key per logical call (unless the caller gave one), kept on the
        request so that every retry sends the same."""
        if request.method in WRITE_METHODS and "Idempotency-Key" not in request.headers:
            request.headers["Idempotency-Key"] = str(uuid.uuid4())

    @staticmethod
    def needs_body(response: httpx.Response) -> bool:
        return response.status_code == 409

    def delay_after_response(self, response: httpx.Response, attempt: int) -> float | None:
        """How long to wait before retrying after `response`, None for no retry."""
        retryable = response.status_code in RETRYABLE_STATUSES or _in_progress(response)
        if not retryable or attempt >= self.max_retries:
            return None
        asked = retry_after_seconds(response.headers)
        if asked is not None:
            return min(asked, MAX_RETRY_AFTER_SECONDS)
        return self.backoff(attempt)

    def delay_after_failure(self, attempt: int) -> float | None:
        return None if attempt >= self.max_retries else self.backoff(attempt)

    def log(self, request: httpx.Request, attempt: int, delay: float, reason: str) -> None:
        logger.info(
            "Retrying %s %s (attempt %d of %d) in %.2f s after %s",
            request.method,
            request.url.path,
            attempt,
            self.max_retries,
            delay,
            reason,
            extra={
                "retry_attempt": attempt,
                "retry_delay": delay,
                "retry_reason": reason,
                "idempotency_key": request.headers.get("Idempotency-Key"),
            },
        )


class RetryingTransport(httpx.BaseTransport, _RetryPolicy):
    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        *,
        max_retries: int = 2,
        backoff_base_seconds: float = 0.5,
        backoff_max_seconds: float = 8.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        _RetryPolicy.__init__(
            self,
            max_retries=max_retries,
            backoff_base_seconds=backoff_base_seconds,
            backoff_max_seconds=backoff_max_seconds,
        )
        self._transport = transport or httpx.HTTPTransport()
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.prepare(request)
        attempt = 0
        while True:
            try:
                response = self._transport.handle_request(request)
            except RETRYABLE_EXCEPTIONS as exc:
                delay = self.delay_after_failure(attempt)
                if delay is None:
                    raise
                reason = type(exc).__name__
            else:
                if self.needs_body(response):
                    response.read()
                delay = self.delay_after_response(response, attempt)
                if delay is None:
                    return response
                response.close()
                reason = str(response.status_code)
            attempt += 1
            self.log(request, attempt, delay, reason)
            self._sleep(delay)

    def close(self) -> None:
        self._transport.close()


class AsyncRetryingTransport(httpx.AsyncBaseTransport, _RetryPolicy):
    """The same retries for the generated `asyncio` and `asyncio_detailed` operations."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        max_retries: int = 2,
        backoff_base_seconds: float = 0.5,
        backoff_max_seconds: float = 8.0,
    ) -> None:
        _RetryPolicy.__init__(
            self,
            max_retries=max_retries,
            backoff_base_seconds=backoff_base_seconds,
            backoff_max_seconds=backoff_max_seconds,
        )
        self._transport = transport or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.prepare(request)
        attempt = 0
        while True:
            try:
                response = await self._transport.handle_async_request(request)
            except RETRYABLE_EXCEPTIONS as exc:
                delay = self.delay_after_failure(attempt)
                if delay is None:
                    raise
                reason = type(exc).__name__
            else:
                if self.needs_body(response):
                    await response.aread()
                delay = self.delay_after_response(response, attempt)
                if delay is None:
                    return response
                await response.aclose()
                reason = str(response.status_code)
            attempt += 1
            self.log(request, attempt, delay, reason)
            await asyncio.sleep(delay)

    async def aclose(self) -> None:
        await self._transport.aclose()
