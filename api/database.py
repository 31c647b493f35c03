"""A database connection lost in the middle of a request (a server restart, a failover,
`pg_terminate_backend`, a statement the server cancelled).

The health check (config/postgresql) replaces a connection the server closed between requests;
this is the other half, a connection that fails while a request uses it. The failed connection
is dropped at once so that the next statement, or the next request, opens a fresh one. A read
(GET, HEAD) is tried once more on that fresh connection; a write is not, as it may have been
half done: it answers 503 in the error shape with `Retry-After`, and its `Idempotency-Key`
stays free, so the client's retry does the work once.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from rest_framework.response import Response

from api.errors import ErrorCode

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 1
_RETRIED_METHODS = {"GET", "HEAD"}


class DatabaseUnavailableResponse(Response):
    """The 503 of a request whose database connection failed; a read is retried on it."""


def is_database_failure(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def connection_drop_if_broken() -> None:
    """Closes the request's connection if it is broken, so the next statement reconnects. Inside
    a transaction Django must roll back first; the transaction's own exit closes it then."""
    raw = connection.connection
    if raw is None or connection.in_atomic_block:
        return
    if raw.closed or raw.broken:
        connection.close()


def database_unavailable_answer(exc: BaseException) -> DatabaseUnavailableResponse:
    logger.warning("The database failed during a request: %s", exc)
    connection_drop_if_broken()
    return DatabaseUnavailableResponse(
        {
            "error": {
                "type": "api_error",
                "code": ErrorCode.DATABASE_UNAVAILABLE,
                "message": "The database could not complete the request; nothing needs undoing. "
                f"Retry in {RETRY_AFTER_SECONDS} s (a write with the same Idempotency-Key).",
                "param": None,
            }
        },
        status=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


class DatabaseRetryMiddleware:
    """Runs a /v1/ read once more when its database connection failed under it. Last in
    MIDDLEWARE: it calls the view itself from `process_view`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.method not in _RETRIED_METHODS or not request.path_info.startswith("/v1/"):
            return None
        response = view_func(request, *view_args, **view_kwargs)
        if isinstance(response, DatabaseUnavailableResponse):
            logger.info(
                "Retrying %s %s on a fresh database connection", request.method, request.path
            )
            response = view_func(request, *view_args, **view_kwargs)
        return response
