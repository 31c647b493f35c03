from typing import Any

from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import ErrorCode, InvalidRequestError, NotFoundError, ServiceError
from api.pagination import ListQueryInputSerializer, list_body, list_page
from billing.clocks import customer_time
from billing.models import Customer
from billing.selectors import customer_get_by_reference
from tenants.views import TenantViewSet
from usage.alerts import (
    usage_alert_create,
    usage_alert_delete,
    usage_alert_get,
    usage_alert_list,
)
from usage.entitlements import (
    entitlement_data,
    entitlement_get,
    entitlements_with_features,
    feature_entitlement_data,
    feature_entitlement_get,
)
from usage.ingestion import (
    MAX_BATCH_EVENTS,
    EventResult,
    EventStatus,
    UsageEventInput,
    usage_events_record,
)
from usage.models import UsageAlert, UsageEvent
from usage.overrides import (
    entitlement_override_create,
    entitlement_override_delete,
    entitlement_override_list,
)
from usage.selectors import customer_usage
from usage.serializers import (
    CustomerUsageInputSerializer,
    CustomerUsageOutputSerializer,
    EntitlementListOutputSerializer,
    EntitlementOutputSerializer,
    EntitlementOverrideCreateInputSerializer,
    EntitlementOverrideDeletedOutputSerializer,
    EntitlementOverrideOutputSerializer,
    FeatureEntitlementOutputSerializer,
    UsageAlertCreateInputSerializer,
    UsageAlertDeletedOutputSerializer,
    UsageAlertListInputSerializer,
    UsageAlertOutputSerializer,
    UsageBatchInputSerializer,
    UsageBatchOutputSerializer,
    UsageEventCreateInputSerializer,
    UsageEventOutputSerializer,
)


def _error_data(error: ServiceError | None) -> dict[str, Any] | None:
    if error is None:
        return None
    return {"type": error.type, "code": error.code, "message": error.message, "param": error.param}


def _event_data(result: EventResult) -> dict[str, Any]:
    event: UsageEventInput = result.event  # type: ignore[assignment]  # only accepted results reach here, and they carry an event
    return {
        "object": "usage_event",
        "event_id": event.event_id,
        "customer": event.customer_id,
        "metric": event.metric_code,
        "quantity": event.quantity,
        "timestamp": event.timestamp.isoformat().replace("+00:00", "Z"),
        "status": result.status.value,
    }


class UsageViewSet(TenantViewSet):
    model = UsageEvent

    @extend_schema(
        request=UsageEventCreateInputSerializer,
        responses={201: UsageEventOutputSerializer, 200: UsageEventOutputSerializer},
        summary="Report one usage event",
        description="Stored durably before the answer. A repeated event_id answers 200 with "
        "status duplicate and is counted once. Crossing a plan quota opens an over_quota grace "
        "period and sends usage.quota_exceeded; reaching a usage alert's threshold sends "
        "usage.threshold_reached.",
    )
    def create(self, request: Request) -> Response:
        (result,) = usage_events_record(
            app=self.app, actor=self.actor, raw_events=[request.data], batch=False
        )
        return Response(
            _event_data(result), status=201 if result.status == EventStatus.ACCEPTED else 200
        )

    @extend_schema(
        request=UsageBatchInputSerializer,
        responses=UsageBatchOutputSerializer,
        summary="Report up to 1,000 usage events",
        description="Each event is accepted, a duplicate (counted once) or rejected with its "
        "own error in the API's error shape; the others are kept either way.",
    )
    @action(detail=False, methods=["post"], url_path="batch")
    def batch(self, request: Request) -> Response:
        body = request.data
        if not isinstance(body, dict) or set(body) - {"events"}:
            unknown = next(iter(set(body) - {"events"}), None) if isinstance(body, dict) else None
            raise InvalidRequestError(
                f"{unknown}: Unknown field." if unknown else 'Send {"events": [...]}.',
                code=ErrorCode.PARAMETER_UNKNOWN if unknown else ErrorCode.PARAMETER_INVALID,
                param=unknown,
            )
        events = body.get("events")
        if events is None:
            raise InvalidRequestError(
                "events: This field is required.", code=ErrorCode.PARAMETER_MISSING, param="events"
            )
        if not isinstance(events, list) or not events:
            raise InvalidRequestError("events: Must be a list of 1 to 1000 events.", param="events")
        if len(events) > MAX_BATCH_EVENTS:
            raise InvalidRequestError(
                f"events: At most {MAX_BATCH_EVENTS} events per request.", param="events"
            )
        results = usage_events_record(app=self.app, actor=self.actor, raw_events=events, batch=True)
        counts = dict.fromkeys(EventStatus, 0)
        data = []
        for result in results:
            counts[result.status] += 1
            data.append(
                {
                    "index": result.index,
                    "event_id": result.event_id,
                    "status": result.status.value,
                    "error": _error_data(result.error),
                }
            )
        return Response(
            {
                "object": "usage_batch",
                **{status.value: count for status, count in counts.items()},
                "data": data,
            }
        )


class CustomerUsageViewSet(TenantViewSet):
    """Usage and entitlements of one customer: `{id}` is our id (`cus_…`) or the app's
    `external_id`."""

    model = Customer

    @extend_schema(
        parameters=[CustomerUsageInputSerializer],
        responses=CustomerUsageOutputSerializer,
        summary="A customer's usage totals",
        description="Read from the per-period rollups. Without from/to: the current billing "
        "period (the subscription's, else the calendar month in UTC). With from and/or to: "
        "every billing period overlapping [from, to), each counted whole.",
    )
    @action(detail=True, methods=["get"])
    def usage(self, request: Request, pk: str) -> Response:
        query = CustomerUsageInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        usage = customer_usage(
            app=self.app,
            customer_reference=pk,
            metric_code=filters.get("metric"),
            period_from=filters.get("from"),
            period_to=filters.get("to"),
        )
        return Response(CustomerUsageOutputSerializer(usage).data)

    @extend_schema(
        operation_id="v1_customers_entitlements_list",
        responses=EntitlementListOutputSerializer,
        summary="A customer's entitlements: one per metric of its current plan, and one per "
        "feature of the app",
        description="`data`: one per metric of the current plan; `features`: one per live "
        "feature, with its plan grant or the override in force at the customer's time. Two "
        "statements, however many features, overrides and metrics.",
    )
    @action(detail=True, methods=["get"])
    def entitlements(self, request: Request, pk: str) -> Response:
        entitlements = entitlements_with_features(app=self.app, customer_reference=pk)
        body = list_body(
            data=[entitlement_data(item) for item in entitlements.metrics], has_more=False
        )
        body["features"] = [feature_entitlement_data(item) for item in entitlements.features]
        return Response(body)

    @extend_schema(
        methods=["GET"],
        parameters=[ListQueryInputSerializer],
        responses=EntitlementOverrideOutputSerializer(many=True),
        summary="List a customer's entitlement overrides (expired ones too, with in_force)",
    )
    @extend_schema(
        methods=["POST"],
        request=EntitlementOverrideCreateInputSerializer,
        responses={201: EntitlementOverrideOutputSerializer},
        summary="Override a customer's value of a feature (a metered one's limit per period)",
        description="Applies over the plan's grant until `expires_at` (at the customer's "
        "time) or until deleted; the newest in force wins.",
    )
    @action(detail=True, methods=["get", "post"], url_path="entitlement-overrides")
    def entitlement_overrides(self, request: Request, pk: str) -> Response:
        customer = customer_get_by_reference(app=self.app, reference=pk)
        context = {"now": customer_time(customer=customer)}
        if request.method == "POST":
            payload = EntitlementOverrideCreateInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            override = entitlement_override_create(
                app=self.app,
                actor=self.actor,
                customer_reference=customer.pk,
                **payload.validated_data,
            )
            return Response(
                EntitlementOverrideOutputSerializer(override, context=context).data, status=201
            )
        filters = self.query_filters(ListQueryInputSerializer)
        rows, has_more = list_page(
            queryset=entitlement_override_list(app=self.app, customer=customer),
            limit=filters["limit"],
            starting_after=filters.get("starting_after"),
        )
        return Response(
            list_body(
                data=list(
                    EntitlementOverrideOutputSerializer(rows, many=True, context=context).data
                ),
                has_more=has_more,
            )
        )

    @extend_schema(
        parameters=[OpenApiParameter("override", str, OpenApiParameter.PATH)],
        responses=EntitlementOverrideDeletedOutputSerializer,
        summary="Delete a customer's entitlement override",
        description="It no longer applies, at once; it answers 404 after.",
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"entitlement-overrides/(?P<override>[^/.]+)",
    )
    def entitlement_override(self, request: Request, pk: str, override: str) -> Response:
        deleted = entitlement_override_delete(
            app=self.app, actor=self.actor, customer_reference=pk, override_id=override
        )
        return Response({"id": deleted.pk, "object": "entitlement_override", "deleted": True})

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "metric",
                str,
                OpenApiParameter.PATH,
                description="A metric's code, or else a feature's code.",
            )
        ],
        responses=PolymorphicProxySerializer(
            component_name="EntitlementOrFeatureEntitlement",
            serializers=[EntitlementOutputSerializer, FeatureEntitlementOutputSerializer],
            resource_type_field_name=None,
        ),
        summary="A customer's entitlement to one metric or feature (the hot-path check)",
        description="A metric's `entitlement` when a metric has this code, else the feature's "
        "`feature_entitlement` (as in the list's `features`).",
    )
    @action(detail=True, methods=["get"], url_path=r"entitlements/(?P<metric>[^/.]+)")
    def entitlement(self, request: Request, pk: str, metric: str) -> Response:
        try:
            entitlement = entitlement_get(app=self.app, customer_reference=pk, metric_code=metric)
        except NotFoundError as error:
            if error.param != "metric":
                raise
            feature = feature_entitlement_get(
                app=self.app, customer_reference=pk, feature_code=metric
            )
            return Response(feature_entitlement_data(feature))
        return Response(entitlement_data(entitlement))


class UsageAlertViewSet(TenantViewSet):
    model = UsageAlert

    @extend_schema(
        request=UsageAlertCreateInputSerializer,
        responses={201: UsageAlertOutputSerializer},
        summary="Create a usage alert",
        description="When a customer's usage of `metric` in its current billing period "
        "reaches the threshold (a percentage of its quota, or a quantity), the app is sent "
        "`usage.threshold_reached` once per customer, alert and billing period.",
    )
    def create(self, request: Request) -> Response:
        payload = UsageAlertCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        alert = usage_alert_create(app=self.app, actor=self.actor, **payload.validated_data)
        return Response(UsageAlertOutputSerializer(alert).data, status=201)

    @extend_schema(
        parameters=[UsageAlertListInputSerializer],
        responses=UsageAlertOutputSerializer(many=True),
        summary="List usage alerts",
    )
    def list(self, request: Request) -> Response:
        filters = self.query_filters(UsageAlertListInputSerializer)
        return self.list_response(
            queryset=usage_alert_list(app=self.app, metric=filters.get("metric")),
            output=UsageAlertOutputSerializer,
            filters=filters,
        )

    @extend_schema(responses=UsageAlertOutputSerializer, summary="Retrieve a usage alert")
    def retrieve(self, request: Request, pk: str) -> Response:
        alert = usage_alert_get(app=self.app, usage_alert_id=pk)
        return Response(UsageAlertOutputSerializer(alert).data)

    @extend_schema(
        responses=UsageAlertDeletedOutputSerializer,
        summary="Delete a usage alert",
        description="No further `usage.threshold_reached` for it; it answers 404 after.",
    )
    def destroy(self, request: Request, pk: str) -> Response:
        alert = usage_alert_delete(app=self.app, actor=self.actor, usage_alert_id=pk)
        return Response({"id": alert.pk, "object": "usage_alert", "deleted": True})
