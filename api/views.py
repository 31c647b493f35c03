from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ErrorCode
from api.exception_handlers import error_body
from api.idempotency import idempotency_key_claim, idempotency_key_complete
from api.models import IdempotencyKey
from api.pagination import list_body, list_page

_MUTATING_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class _ReplayResponse(Exception):  # noqa: N818 - control flow, not an error
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


class IdempotentViewMixin:
    """Honours `Idempotency-Key` on every mutating request of the view, after authentication."""

    _idempotency_record: IdempotencyKey | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self._idempotency_record = None
        key = request.headers.get("Idempotency-Key")
        if request.method in _MUTATING_METHODS and key is not None:
            outcome = idempotency_key_claim(
                app=request.auth,
                key=key,
                method=request.method,
                path=request.path,
                body=request._request.body,
            )
            if isinstance(outcome, HttpResponse):
                raise _ReplayResponse(outcome)
            self._idempotency_record = outcome

    def handle_exception(self, exc: Exception) -> HttpResponse:
        if isinstance(exc, _ReplayResponse):
            return exc.response
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(
        self, request: Request, response: HttpResponse, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        record = self._idempotency_record
        if record is not None:
            self._idempotency_record = None
            response.render()
            idempotency_key_complete(record=record, response=response)
        return response


class TenantViewSet(IdempotentViewMixin, viewsets.ViewSet):
    """Base of every `/v1/` resource. `model` names what the resource's ids point at, so the
    cross-tenant test can find every route that takes an id."""

    model: Any = None

    def get_queryset(self) -> Any:
        # Only for the OpenAPI generator, to learn the type of `{id}`; never for data.
        return self.model.all_tenants_manager.none()

    def query_filters(self, serializer_class: Any) -> dict[str, Any]:
        """The request's query parameters, validated by a list serializer."""
        query = serializer_class(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return dict(query.validated_data)

    def list_response(self, *, queryset: Any, output: Any, filters: dict[str, Any]) -> Response:
        """One page of `queryset` (already scoped to the app), in the API's list shape."""
        rows, has_more = list_page(
            queryset=queryset, limit=filters["limit"], starting_after=filters.get("starting_after")
        )
        return Response(list_body(data=output(rows, many=True).data, has_more=has_more))

    @property
    def app(self) -> Any:
        return self.request.auth

    @property
    def actor(self) -> Any:
        return self.request.user.actor

    @property
    def request_key(self) -> str | None:
        """The app's `Idempotency-Key`, from which provider idempotency keys are derived."""
        return self.request.headers.get("Idempotency-Key")


class TenantAPIView(IdempotentViewMixin, APIView):
    @property
    def app(self) -> Any:
        return self.request.auth


class AppOutputSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    name = serializers.CharField()
    provider = serializers.CharField()
    mode = serializers.CharField()
    livemode = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_object(self, app: Any) -> str:
        return "app"

    def get_livemode(self, app: Any) -> bool:
        return app.mode == "live"


class AppView(TenantAPIView):
    @extend_schema(responses=AppOutputSerializer, summary="The calling app")
    def get(self, request: Request) -> Response:
        return Response(AppOutputSerializer(request.auth).data)


class UnknownRouteView(APIView):
    schema = None
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

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
