from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.features import (
    feature_archive,
    feature_create,
    feature_get,
    feature_list,
    feature_update,
)
from catalog.metrics import metric_create
from catalog.models import Feature, Metric, Plan
from catalog.selectors import metric_get, metric_list, plan_get, plan_list
from catalog.serializers import (
    FeatureCreateInputSerializer,
    FeatureListInputSerializer,
    FeatureOutputSerializer,
    FeatureUpdateInputSerializer,
    MetricCreateInputSerializer,
    MetricListInputSerializer,
    MetricOutputSerializer,
    PlanCreateInputSerializer,
    PlanListInputSerializer,
    PlanOutputSerializer,
    PlanUpdateInputSerializer,
)
from catalog.services import plan_archive, plan_create, plan_update
from tenants.views import TenantViewSet


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
        filters = self.query_filters(MetricListInputSerializer)
        return self.list_response(
            queryset=metric_list(app=self.app, code=filters.get("code")),
            output=MetricOutputSerializer,
            filters=filters,
        )

    @extend_schema(responses=MetricOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(MetricOutputSerializer(metric_get(app=self.app, metric_id=pk)).data)


class PlanViewSet(TenantViewSet):
    model = Plan

    @extend_schema(request=PlanCreateInputSerializer, responses={201: PlanOutputSerializer})
    def create(self, request: Request) -> Response:
        payload = PlanCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        plan = plan_create(
            app=self.app, actor=self.actor, request_key=self.request_key, **payload.validated_data
        )
        return Response(PlanOutputSerializer(plan).data, status=201)

    @extend_schema(parameters=[PlanListInputSerializer], responses=PlanOutputSerializer(many=True))
    def list(self, request: Request) -> Response:
        filters = self.query_filters(PlanListInputSerializer)
        return self.list_response(
            queryset=plan_list(
                app=self.app, active=filters.get("active"), code=filters.get("code")
            ),
            output=PlanOutputSerializer,
            filters=filters,
        )

    @extend_schema(responses=PlanOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(PlanOutputSerializer(plan_get(app=self.app, plan_id=pk)).data)

    @extend_schema(request=PlanUpdateInputSerializer, responses=PlanOutputSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        plan_get(app=self.app, plan_id=pk)
        payload = PlanUpdateInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        plan = plan_update(
            app=self.app,
            actor=self.actor,
            plan_id=pk,
            request_key=self.request_key,
            **payload.validated_data,
        )
        return Response(PlanOutputSerializer(plan).data)

    @extend_schema(request=None, responses=PlanOutputSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str) -> Response:
        plan = plan_archive(
            app=self.app, actor=self.actor, plan_id=pk, request_key=self.request_key
        )
        return Response(PlanOutputSerializer(plan).data)


class FeatureViewSet(TenantViewSet):
    model = Feature

    @extend_schema(
        request=FeatureCreateInputSerializer,
        responses={201: FeatureOutputSerializer},
        summary="Create a feature plans can grant",
    )
    def create(self, request: Request) -> Response:
        payload = FeatureCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        feature = feature_create(app=self.app, actor=self.actor, **payload.validated_data)
        return Response(FeatureOutputSerializer(feature).data, status=201)

    @extend_schema(
        parameters=[FeatureListInputSerializer],
        responses=FeatureOutputSerializer(many=True),
        summary="List features",
    )
    def list(self, request: Request) -> Response:
        filters = self.query_filters(FeatureListInputSerializer)
        return self.list_response(
            queryset=feature_list(
                app=self.app, code=filters.get("code"), archived=filters.get("archived")
            ),
            output=FeatureOutputSerializer,
            filters=filters,
        )

    @extend_schema(responses=FeatureOutputSerializer, summary="Retrieve a feature")
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(FeatureOutputSerializer(feature_get(app=self.app, feature_id=pk)).data)

    @extend_schema(
        request=FeatureUpdateInputSerializer,
        responses=FeatureOutputSerializer,
        summary="Rename a feature",
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        feature_get(app=self.app, feature_id=pk)
        payload = FeatureUpdateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        feature = feature_update(
            app=self.app, actor=self.actor, feature_id=pk, **payload.validated_data
        )
        return Response(FeatureOutputSerializer(feature).data)

    @extend_schema(
        request=None,
        responses=FeatureOutputSerializer,
        summary="Archive a feature",
        description="Left out of entitlements from then on; it cannot be granted anew.",
    )
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str) -> Response:
        feature = feature_archive(app=self.app, actor=self.actor, feature_id=pk)
        return Response(FeatureOutputSerializer(feature).data)
