from api.errors import NotFoundError
from notifications.models import WebhookDelivery, WebhookEndpoint
from tenants.models import App
from tenants.scoping import TenantScopedQuerySet


def webhook_endpoint_list(*, app: App) -> TenantScopedQuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.for_app(app).filter(deleted_at__isnull=True)


def webhook_endpoint_get(*, app: App, endpoint_id: str) -> WebhookEndpoint:
    endpoint = webhook_endpoint_list(app=app).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFoundError("webhook endpoint")
    return endpoint


def webhook_delivery_list(
    *, app: App, endpoint_id: str, status: str | None = None
) -> TenantScopedQuerySet[WebhookDelivery]:
    endpoint = webhook_endpoint_get(app=app, endpoint_id=endpoint_id)
    deliveries = (
        WebhookDelivery.objects.for_app(app).filter(endpoint=endpoint).select_related("event")
    )
    if status is not None:
        deliveries = deliveries.filter(status=status)
    return deliveries
