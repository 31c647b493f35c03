"""Renders every error under /v1/ in API.md's one shape; nothing escapes as HTML or a trace."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

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
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body(
                type="invalid_request_error",
                code=ErrorCode.REQUEST_TOO_LARGE,
                message="The request body is too large.",
            ),
            status=413,
        )
    if isinstance(exc, exceptions.ParseError):
        return Response(
            error_body(
                type="invalid_request_error",
                code=ErrorCode.INVALID_JSON,
                message=f"The request body could not be parsed: {exc.detail}",
            ),
            status=400,
        )
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        codes = exc.get_codes()
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
    if isinstance(exc, exceptions.PermissionDenied | DjangoPermissionDenied):
        return Response(
            error_body(
                type="permission_error",
                code=ErrorCode.FORBIDDEN,
                message="This key may not do that.",
            ),
            status=403,
        )
    if isinstance(exc, exceptions.NotFound | Http404):
        return Response(
            error_body(
                type="not_found", code=ErrorCode.RESOURCE_MISSING, message="No such resource."
            ),
            status=404,
        )
    if isinstance(exc, exceptions.MethodNotAllowed):
        return Response(
            error_body(
                type="invalid_request_error",
                code=ErrorCode.METHOD_NOT_ALLOWED,
                message=str(exc.detail),
            ),
            status=405,
        )
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return Response(
            error_body(
                type="invalid_request_error",
                code=ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                message="Send the body as JSON with Content-Type: application/json.",
            ),
            status=415,
        )
    if isinstance(exc, exceptions.NotAcceptable):
        return Response(
            error_body(
                type="invalid_request_error", code=ErrorCode.NOT_ACCEPTABLE, message=str(exc.detail)
            ),
            status=406,
        )
    if isinstance(exc, exceptions.Throttled):
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
