from typing import Any, cast

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.database import DatabaseUnavailableResponse, connection_drop_if_broken
from api.pagination import list_body, list_page
from tenants.idempotency import idempotency_key_claim, idempotency_key_complete
from tenants.models import IdempotencyKey

_MUTATING_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class _ReplayResponse(Exception):  # noqa: N818 - control flow, not an error
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


class IdempotentViewMixin:
    """Honours `Idempotency-Key` on every mutating request of the view, after authentication."""

    _idempotency_record: IdempotencyKey | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # APIView follows in the MRO
        self._idempotency_record = None
        key = request.headers.get("Idempotency-Key")
        if request.method in _MUTATING_METHODS and key is not None:
            # AppApiKeyAuthentication puts the App there; DRF's stubs say a Token.
            app: Any = request.auth
            outcome = idempotency_key_claim(
                app=app,
                key=key,
                method=request.method,
                path=request.path,
                body=request._request.body,
            )
            if isinstance(outcome, HttpResponse):
                raise _ReplayResponse(outcome)
            self._idempotency_record = outcome

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _ReplayResponse):
            # The stored response replayed as is; DRF only needs an HttpResponseBase here.
            return cast(Response, exc.response)
        handled: Response = super().handle_exception(exc)  # type: ignore[misc]  # APIView follows in the MRO
        return handled

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]  # APIView follows in the MRO
        record = self._idempotency_record
        if record is not None:
            self._idempotency_record = None
            response.render()
            try:
                idempotency_key_complete(record=record, response=response)
            except DatabaseError:
                if not isinstance(response, DatabaseUnavailableResponse):
                    raise
                # The database is still away: the key stays claimed until ABANDONED_AFTER,
                # and the client's retry then takes it over.
                connection_drop_if_broken()
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
        return self.request.user.actor  # type: ignore[union-attr]  # tenants' ApiKeyPrincipal, not a Django user

    @property
    def request_key(self) -> str | None:
        """The app's `Idempotency-Key`, from which provider idempotency keys are derived."""
        return self.request.headers.get("Idempotency-Key")


class TenantAPIView(IdempotentViewMixin, APIView):
    @property
    def app(self) -> Any:
        return self.request.auth


class AppClientOutputSerializer(serializers.Serializer[Any]):
    """What the app's own front end needs to talk to the provider from the customer's browser."""

    publishable_key = serializers.SerializerMethodField(
        help_text="The provider's publishable key, for Stripe.js / Elements: the app's card form "
        "confirms a setup intent's `client_secret` with it. Null when none is configured."
    )

    def get_publishable_key(self, app: Any) -> str | None:
        return settings.STRIPE_PUBLISHABLE_KEY or None


class AppOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    name = serializers.CharField()
    provider = serializers.CharField()
    mode = serializers.CharField()
    livemode = serializers.SerializerMethodField()
    client = AppClientOutputSerializer(source="*")
    allow_multiple_subscriptions = serializers.BooleanField(
        help_text="Whether a customer may hold more than one live subscription; when false "
        "(the default), `POST /v1/subscriptions` for a customer who has one answers 409 "
        "`customer_has_subscription`. Operators set it in the admin."
    )
    created_at = serializers.DateTimeField()

    def get_object(self, app: Any) -> str:
        return "app"

    def get_livemode(self, app: Any) -> bool:
        return bool(app.mode == "live")


class AppView(TenantAPIView):
    @extend_schema(responses=AppOutputSerializer, summary="The calling app")
    def get(self, request: Request) -> Response:
        return Response(AppOutputSerializer(request.auth).data)
