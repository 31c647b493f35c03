"""`PaymentService`: the generated client with what the schema cannot say — Bearer auth, an
Idempotency-Key per logical call kept across its retries, retries with backoff, typed errors and
lists as iterators."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any, Protocol, TypeVar, cast

import httpx

from .errors import error_from_response
from .generated.client import AuthenticatedClient
from .generated.models.error import Error
from .generated.types import UNSET, Response
from .retries import AsyncRetryingTransport, RetryingTransport

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

USER_AGENT = "payment-service-client/0.1"


class Page(Protocol[T_co]):
    """What every list operation answers: `{"object": "list", "data": [...], "has_more"}`."""

    @property
    def data(self) -> Sequence[T_co]: ...

    @property
    def has_more(self) -> bool: ...


PageT = TypeVar("PageT", bound=Page[Any])


def _raise_for_error(response: httpx.Response) -> None:
    if response.status_code >= 400:
        response.read()
        raise error_from_response(response)


async def _raise_for_error_async(response: httpx.Response) -> None:
    if response.status_code >= 400:
        await response.aread()
        raise error_from_response(response)


class PaymentService:
    """One app's connection to the service.

    >>> service = PaymentService("psk_test_…", "https://pay.example.com")
    >>> customer = service.call(api.v1_customers_create.sync_detailed, body=...)

    Every generated operation also works with `client=service.client` directly (`sync`,
    `asyncio`, …): errors raise the exceptions of `payment_service_client.errors` either way,
    and the retries apply."""

    def __init__(
        self,
        api_key: str,
        base_url: str = "http://127.0.0.1:8000",
        timeout: float = 30.0,
        max_retries: int = 2,
        *,
        backoff_base_seconds: float = 0.5,
        backoff_max_seconds: float = 8.0,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        base_url = base_url.rstrip("/")
        self.transport = RetryingTransport(
            transport,
            max_retries=max_retries,
            backoff_base_seconds=backoff_base_seconds,
            backoff_max_seconds=backoff_max_seconds,
        )
        self.async_transport = AsyncRetryingTransport(
            async_transport,
            max_retries=max_retries,
            backoff_base_seconds=backoff_base_seconds,
            backoff_max_seconds=backoff_max_seconds,
        )
        headers = {"Authorization": f"Bearer {api_key}", "User-Agent": USER_AGENT}
        self.client = AuthenticatedClient(
            base_url=base_url,
            token=api_key,
            prefix="Bearer",
            timeout=httpx.Timeout(timeout),
            raise_on_unexpected_status=True,
        )
        self.client.set_httpx_client(
            httpx.Client(
                base_url=base_url,
                headers=headers,
                timeout=httpx.Timeout(timeout),
                transport=self.transport,
                event_hooks={"response": [_raise_for_error]},
            )
        )
        self.client.set_async_httpx_client(
            httpx.AsyncClient(
                base_url=base_url,
                headers=headers,
                timeout=httpx.Timeout(timeout),
                transport=self.async_transport,
                event_hooks={"response": [_raise_for_error_async]},
            )
        )

    def call(self, operation: Callable[..., Response[T | Error]], /, **arguments: Any) -> T:
        """Runs a generated operation's `sync_detailed` and answers its parsed result; an error
        answer raises (PaymentServiceError and its subclasses)."""
        response = operation(client=self.client, **arguments)
        return cast(T, response.parsed)

    async def acall(
        self, operation: Callable[..., Awaitable[Response[T | Error]]], /, **arguments: Any
    ) -> T:
        """`call` for an operation's `asyncio_detailed`."""
        response = await operation(client=self.client, **arguments)
        return cast(T, response.parsed)

    def iterate(
        self, operation: Callable[..., Response[PageT | Error]], /, **filters: Any
    ) -> Iterator[Any]:
        """Every item of a list operation (its `sync_detailed`), page after page
        (`starting_after` the last id seen, while `has_more`); `limit` sets the page size."""
        starting_after: Any = filters.pop("starting_after", UNSET)
        while True:
            page = self.call(operation, starting_after=starting_after, **filters)
            yield from page.data
            if not page.has_more or not page.data:
                return
            starting_after = cast(Any, page.data[-1]).id

    async def aiterate(
        self, operation: Callable[..., Awaitable[Response[PageT | Error]]], /, **filters: Any
    ) -> AsyncIterator[Any]:
        """`iterate` for a list operation's `asyncio_detailed`."""
        starting_after: Any = filters.pop("starting_after", UNSET)
        while True:
            page = await self.acall(operation, starting_after=starting_after, **filters)
            for item in page.data:
                yield item
            if not page.has_more or not page.data:
                return
            starting_after = cast(Any, page.data[-1]).id

    def close(self) -> None:
        self.client.get_httpx_client().close()

    async def aclose(self) -> None:
        await self.client.get_async_httpx_client().aclose()

    def __enter__(self) -> PaymentService:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> PaymentService:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
