from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from api.errors import ErrorCode
from api.exception_handlers import error_body


class UnknownRouteView(APIView):
    schema = None
    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]
    throttle_classes: list[type[BaseThrottle]] = []

    def _not_found(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(
            error_body(
                type="not_found",
                code=ErrorCode.ROUTE_MISSING,
                message=f"Unrecognized request URL ({request.method}: {request.path}).",
            ),
            status=404,
        )

    get = post = put = patch = delete = _not_found


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - readiness reports, it never raises
        checks["database"] = f"error: {error.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1).ping()
            checks["broker"] = "ok"
        except Exception as error:  # noqa: BLE001
            checks["broker"] = f"error: {error.__class__.__name__}"
    else:
        checks["broker"] = "in-process (no REDIS_URL)"
    ready = all(value == "ok" or value.startswith("in-process") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return JsonResponse(
        error_body(type="not_found", code=ErrorCode.ROUTE_MISSING, message="No such route."),
        status=404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        error_body(
            type="api_error",
            code=ErrorCode.INTERNAL_ERROR,
            message="Something went wrong on our side.",
        ),
        status=500,
    )
