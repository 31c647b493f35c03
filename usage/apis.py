from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.pagination import list_body, list_page
from api.views import TenantViewSet
from usage.models import Metric
from usage.selectors import metric_get, metric_list
from usage.serializers import (
    MetricCreateInputSerializer,
    MetricListInputSerializer,
    MetricOutputSerializer,
)
from usage.services import metric_create


class MetricViewSet(TenantViewSet):
    model = Metric

    @extend_schema(
        request=MetricCreateInputSerializer,
        responses={201: MetricOutputSerializer},
        summary="Create a usage metric (and its provider meter)",
    )
    def create(self, request: Request) -> Response:
        payload = MetricCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        metric = metric_create(app=self.app, actor=self.actor, **payload.validated_data)
        return Response(MetricOutputSerializer(metric).data, status=201)

    @extend_schema(
        parameters=[MetricListInputSerializer], responses=MetricOutputSerializer(many=True)
    )
    def list(self, request: Request) -> Response:
        query = MetricListInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        metrics, has_more = list_page(
            queryset=metric_list(app=self.app, code=filters.get("code")),
            limit=filters["limit"],
            starting_after=filters.get("starting_after"),
        )
        return Response(
            list_body(data=MetricOutputSerializer(metrics, many=True).data, has_more=has_more)
        )

    @extend_schema(responses=MetricOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(MetricOutputSerializer(metric_get(app=self.app, metric_id=pk)).data)
