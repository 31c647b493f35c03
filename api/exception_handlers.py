"""Renders every error under /v1/ in API.md's one shape; nothing escapes as HTML or a trace."""

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from api.database import database_unavailable_answer, is_database_failure
from api.errors import ErrorCode, ServiceError

logger = logging.getLogger(__name__)


def error_body(
    *, type: str, code: str, message: str, param: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {"error": {"type": type, "code": code, "message": message, "param": param, **extra}}


def _first_validation_error(detail: Any, path: tuple[str, ...] = ()) -> tuple[str | None, str, str]:
    """Walks DRF's nested error detail to the first offending field: (param, message, code)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            next_path = path if key in ("non_field_errors",) else (*path, str(key))
            return _first_validation_error(value, next_path)
    if isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                nested_path = (*path, str(index)) if isinstance(value, dict) else path
                return _first_validation_error(value, nested_path)
            return _first_validation_error(value, path)
    param = ".".join(path) or None
    code = getattr(detail, "code", None) or "invalid"
    return param, str(detail), str(code)


_VALIDATION_CODES = {
    "required": ErrorCode.PARAMETER_MISSING,
    "null": ErrorCode.PARAMETER_MISSING,
    "blank": ErrorCode.PARAMETER_MISSING,
    "unknown_field": ErrorCode.PARAMETER_UNKNOWN,
    "max_length": ErrorCode.PARAMETER_TOO_LONG,
}


def _message(text: str) -> Callable[[Exception], str]:
    return lambda _: text


def _detail(exc: Exception) -> str:
    return str(getattr(exc, "detail", exc))


# Django's and DRF's own exceptions that each have one answer: (classes, status, type, code,
# message of the exception).
_FIXED_ANSWERS: list[
    tuple[tuple[type[Exception], ...], int, str, ErrorCode, Callable[[Exception], str]]
] = [
    (
        (RequestDataTooBig,),
        413,
        "invalid_request_error",
        ErrorCode.REQUEST_TOO_LARGE,
        _message("The request body is too large."),
    ),
    (
        (exceptions.ParseError,),
        400,
        "invalid_request_error",
        ErrorCode.INVALID_JSON,
        lambda exc: f"The request body could not be parsed: {_detail(exc)}",
    ),
    (
        (exceptions.PermissionDenied, DjangoPermissionDenied),
        403,
        "permission_error",
        ErrorCode.FORBIDDEN,
        _message("This key may not do that."),
    ),
    (
        (exceptions.NotFound, Http404),
        404,
        "not_found",
        ErrorCode.RESOURCE_MISSING,
        _message("No such resource."),
    ),
    (
        (exceptions.MethodNotAllowed,),
        405,
        "invalid_request_error",
        ErrorCode.METHOD_NOT_ALLOWED,
        _detail,
    ),
    (
        (exceptions.UnsupportedMediaType,),
        415,
        "invalid_request_error",
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        _message("Send the body as JSON with Content-Type: application/json."),
    ),
    ((exceptions.NotAcceptable,), 406, "invalid_request_error", ErrorCode.NOT_ACCEPTABLE, _detail),
]


def _authentication_answer(
    exc: exceptions.NotAuthenticated | exceptions.AuthenticationFailed,
) -> Response:
    codes = exc.get_codes()
    code: str
    if isinstance(exc, exceptions.NotAuthenticated):
        code = ErrorCode.MISSING_API_KEY
    elif not isinstance(codes, str) or codes == exceptions.AuthenticationFailed.default_code:
        code = ErrorCode.INVALID_API_KEY
    else:
        code = codes
    return Response(
        error_body(type="authentication_error", code=code, message=str(exc.detail)),
        status=401,
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )


def _throttled_answer(exc: exceptions.Throttled) -> Response:
    wait = max(1, int(exc.wait or 1))  # type: ignore[attr-defined]  # set by Throttled.__init__; the stubs miss it
    return Response(
        error_body(
            type="rate_limit_error",
            code=ErrorCode.RATE_LIMITED,
            message=f"Too many requests; retry in {wait} s.",
        ),
        status=429,
        headers={"Retry-After": str(wait)},
    )


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, ServiceError):
        body = error_body(
            type=exc.type, code=exc.code, message=exc.message, param=exc.param, **exc.extra
        )
        return Response(body, status=exc.http_status, headers=exc.headers)
    if isinstance(exc, exceptions.ValidationError):
        param, message, code = _first_validation_error(exc.detail)
        if param:
            message = f"{param}: {message}"
        code = _VALIDATION_CODES.get(code, ErrorCode.PARAMETER_INVALID)
        return Response(
            error_body(type="invalid_request_error", code=code, message=message, param=param),
            status=400,
        )
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return _authentication_answer(exc)
    if isinstance(exc, exceptions.Throttled):
        return _throttled_answer(exc)
    for classes, status, error_type, error_code, message_of in _FIXED_ANSWERS:
        if isinstance(exc, classes):
            return Response(
                error_body(type=error_type, code=error_code, message=message_of(exc)), status=status
            )
    if is_database_failure(exc):
        return database_unavailable_answer(exc)
    if isinstance(exc, exceptions.APIException):
        return Response(
            error_body(type="api_error", code=str(exc.default_code), message=str(exc.detail)),
            status=exc.status_code,
        )
    logger.exception("Unhandled error while serving %s", context.get("view").__class__.__name__)
    return Response(
        error_body(
            type="api_error",
            code=ErrorCode.INTERNAL_ERROR,
            message="Something went wrong on our side.",
        ),
        status=500,
    )
