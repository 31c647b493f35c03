import re
import uuid
from collections.abc import Callable

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from api.errors import ErrorCode
from api.exception_handlers import error_body
from api.logging import request_id_var
from api.text import unstorable_text_reason

_ACCEPTABLE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RequestIdMiddleware:
    """Gives every request an id (or keeps a sane one from `X-Request-Id`) for logs and audit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-Id", "")
        request_id = (
            incoming if _ACCEPTABLE_REQUEST_ID.match(incoming) else f"req_{uuid.uuid4().hex}"
        )
        request.request_id = request_id  # type: ignore[attr-defined]  # HttpRequest declares no request_id; the logs read it
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-Id"] = request_id
        return response


class AdminAuditlogMiddleware(AuditlogMiddleware):  # type: ignore[misc]  # django-auditlog is untyped
    """django-auditlog records staff edits made in the admin; API calls have their own audit
    trail, so they skip its per-request signal wiring, which costs on every hot-path call."""

    get_response: Callable[[HttpRequest], HttpResponse]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/admin/"):
            return self.get_response(request)
        response: HttpResponse = super().__call__(request)
        return response


# A control character or anything beyond printable ASCII has no business in a key we store.
_ACCEPTABLE_IDEMPOTENCY_KEY = re.compile(r"^[\x20-\x7e]{1,255}$")
# gunicorn refuses longer header lines before Django runs (config/gunicorn.py); this holds
# the same line for whatever reaches Django by another way (runserver, another server).
MAX_HEADER_VALUE_LENGTH = 8190


def _invalid_request(
    *, code: str, message: str, param: str | None = None, status: int = 400
) -> JsonResponse:
    return JsonResponse(
        error_body(type="invalid_request_error", code=code, message=message, param=param),
        status=status,
    )


class HostileInputMiddleware:
    """Answers in the one error shape, before any view runs, what no /v1/ route can hold: a
    NUL byte in the path or the query string (PostgreSQL text cannot store it, so it would
    surface as a 500 wherever an id is looked up), a body over DATA_UPLOAD_MAX_MEMORY_SIZE
    (413), and an Idempotency-Key or header value no client sends in good faith."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/v1/"):
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        reason = unstorable_text_reason(request.path_info)
        if reason:
            return _invalid_request(code=ErrorCode.PARAMETER_INVALID, message=f"The path {reason}.")
        for name, values in request.GET.lists():
            for value in (name, *values):
                reason = unstorable_text_reason(value)
                if reason:
                    return _invalid_request(
                        code=ErrorCode.PARAMETER_INVALID,
                        message=f"The query parameter {name!r} {reason}.",
                        param=name,
                    )
        for name, value in request.headers.items():
            if len(value) > MAX_HEADER_VALUE_LENGTH:
                return _invalid_request(
                    code=ErrorCode.HEADER_TOO_LONG,
                    message=f"The {name} header is longer than {MAX_HEADER_VALUE_LENGTH} bytes.",
                )
        key = request.headers.get("Idempotency-Key")
        if key is not None and not _ACCEPTABLE_IDEMPOTENCY_KEY.match(key):
            return _invalid_request(
                code=ErrorCode.IDEMPOTENCY_KEY_INVALID,
                message="Idempotency-Key must be 1 to 255 printable ASCII characters.",
                param="Idempotency-Key",
            )
        try:
            content_length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            content_length = 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and content_length > limit:
            return _invalid_request(
                code=ErrorCode.REQUEST_TOO_LARGE,
                message=f"The request body is larger than {limit} bytes.",
                status=413,
            )
        return None
