from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from grace.models import GracePeriod
from grace.selectors import grace_period_get, grace_period_list
from grace.serializers import (
    GracePeriodListInputSerializer,
    GracePeriodOutputSerializer,
    GracePeriodResolveInputSerializer,
)
from grace.services import grace_period_resolve
from tenants.views import TenantViewSet


class GracePeriodViewSet(TenantViewSet):
    model = GracePeriod

    @extend_schema(
        parameters=[GracePeriodListInputSerializer],
        responses=GracePeriodOutputSerializer(many=True),
        summary="List grace periods, newest first",
    )
    def list(self, request: Request) -> Response:
        filters = self.query_filters(GracePeriodListInputSerializer)
        return self.list_response(
            queryset=grace_period_list(
                app=self.app,
                status=filters.get("status"),
                customer=filters.get("customer"),
                reason=filters.get("reason"),
            ),
            output=GracePeriodOutputSerializer,
            filters=filters,
        )

    @extend_schema(responses=GracePeriodOutputSerializer, summary="Retrieve a grace period")
    def retrieve(self, request: Request, pk: str) -> Response:
        grace_period = grace_period_get(app=self.app, grace_period_id=pk)
        return Response(GracePeriodOutputSerializer(grace_period).data)

    @extend_schema(
        request=GracePeriodResolveInputSerializer,
        responses=GracePeriodOutputSerializer,
        summary="Resolve an active grace period",
        description="Closes an active grace period (for example after the customer paid by "
        "other means). A period that is not active answers 409 `grace_period_not_active`.",
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        grace_period_get(app=self.app, grace_period_id=pk)
        payload = GracePeriodResolveInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        grace_period = grace_period_resolve(
            app=self.app, actor=self.actor, grace_period_id=pk, **payload.validated_data
        )
        return Response(GracePeriodOutputSerializer(grace_period).data)
