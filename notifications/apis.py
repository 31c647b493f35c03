from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.pagination import ListQueryInputSerializer
from notifications.models import WebhookEndpoint
from notifications.selectors import (
    webhook_delivery_list,
    webhook_endpoint_get,
    webhook_endpoint_list,
)
from notifications.serializers import (
    WebhookDeliveryListInputSerializer,
    WebhookDeliveryOutputSerializer,
    WebhookEndpointCreateInputSerializer,
    WebhookEndpointCreateOutputSerializer,
    WebhookEndpointDeletedOutputSerializer,
    WebhookEndpointOutputSerializer,
)
from notifications.services import webhook_endpoint_create, webhook_endpoint_delete
from tenants.views import TenantViewSet

DELIVERY_FORMAT = """
Each event is POSTed as JSON:
`{"id": "aevt_…", "type": "payment.succeeded", "created": "2026-01-31T12:00:00.000000Z",
"app_id": "app_…", "data": {…}}`, with `Content-Type: application/json` and
`Payment-Service-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed by
the endpoint's secret>`. Answer any 2xx within 10 s; anything else (redirects included, which are
never followed) is retried with exponential backoff (30 s, 1 min, 2 min, … up to 8 attempts).
Deliveries are at least once: deduplicate by the event `id`. Event types: `subscription.created`,
`subscription.updated`, `subscription.canceled`, `payment.succeeded`, `payment.failed`,
`refund.created`, `grace_period.opened`, `grace_period.resolved`, `grace_period.expired`,
`usage.quota_exceeded`.
"""


class WebhookEndpointViewSet(TenantViewSet):
    model = WebhookEndpoint

    @extend_schema(
        request=WebhookEndpointCreateInputSerializer,
        responses={201: WebhookEndpointCreateOutputSerializer},
        summary="Register a webhook endpoint",
        description="The response carries the signing `secret`, the only time it is shown."
        + DELIVERY_FORMAT,
    )
    def create(self, request: Request) -> Response:
        payload = WebhookEndpointCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_create(app=self.app, actor=self.actor, **payload.validated_data)
        return Response(WebhookEndpointCreateOutputSerializer(endpoint).data, status=201)

    @extend_schema(
        parameters=[ListQueryInputSerializer],
        responses=WebhookEndpointOutputSerializer(many=True),
        summary="List webhook endpoints",
    )
    def list(self, request: Request) -> Response:
        return self.list_response(
            queryset=webhook_endpoint_list(app=self.app),
            output=WebhookEndpointOutputSerializer,
            filters=self.query_filters(ListQueryInputSerializer),
        )

    @extend_schema(responses=WebhookEndpointOutputSerializer, summary="Retrieve a webhook endpoint")
    def retrieve(self, request: Request, pk: str) -> Response:
        endpoint = webhook_endpoint_get(app=self.app, endpoint_id=pk)
        return Response(WebhookEndpointOutputSerializer(endpoint).data)

    @extend_schema(
        responses=WebhookEndpointDeletedOutputSerializer,
        summary="Delete a webhook endpoint",
        description="Stops every delivery to it, pending retries included.",
    )
    def destroy(self, request: Request, pk: str) -> Response:
        endpoint = webhook_endpoint_delete(app=self.app, actor=self.actor, endpoint_id=pk)
        return Response({"id": endpoint.pk, "object": "webhook_endpoint", "deleted": True})

    @extend_schema(
        parameters=[WebhookDeliveryListInputSerializer],
        responses=WebhookDeliveryOutputSerializer(many=True),
        summary="List an endpoint's deliveries",
        description="The delivery log, newest first: one row per event sent to this endpoint.",
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str) -> Response:
        webhook_endpoint_get(app=self.app, endpoint_id=pk)
        filters = self.query_filters(WebhookDeliveryListInputSerializer)
        return self.list_response(
            queryset=webhook_delivery_list(
                app=self.app, endpoint_id=pk, status=filters.get("status")
            ),
            output=WebhookDeliveryOutputSerializer,
            filters=filters,
        )
