import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from api.errors import ServiceError
from notifications.models import AppEvent, WebhookDelivery, WebhookEndpoint
from notifications.services import webhook_delivery_redeliver
from tenants.actors import Actor


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Changes go through the API's services (and their audit events), never through a form."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ("id", "app", "url", "is_active", "created_at", "deleted_at")
    list_filter = ("is_active", ("app", admin.RelatedOnlyFieldListFilter))
    search_fields = ("id", "url", "app__name")
    list_select_related = ("app",)
    # Never the secret: it signs the app's deliveries.
    fields = (
        "id",
        "app",
        "url",
        "description",
        "enabled_events",
        "metadata",
        "is_active",
        "created_at",
        "deleted_at",
    )
    readonly_fields = fields


@admin.register(AppEvent)
class AppEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "app", "event_type", "created_at")
    list_filter = ("event_type", ("app", admin.RelatedOnlyFieldListFilter))
    search_fields = ("id",)
    date_hierarchy = "created_at"
    list_select_related = ("app",)
    fields = ("id", "app", "event_type", "created_at", "payload")
    readonly_fields = fields

    @admin.display(description="Data")
    def payload(self, event: AppEvent) -> str:
        return format_html("<pre>{}</pre>", json.dumps(event.data, indent=2, sort_keys=True))


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "app",
        "endpoint_url",
        "event_type",
        "status",
        "attempt_count",
        "last_response_status",
        "next_attempt_at",
        "delivered_at",
        "created_at",
    )
    list_filter = (
        "status",
        "event__event_type",
        "last_response_status",
        ("app", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("id", "event__id", "endpoint__id", "endpoint__url")
    date_hierarchy = "created_at"
    list_select_related = ("app", "endpoint", "event")
    fields = (
        "id",
        "app",
        "endpoint",
        "event",
        "status",
        "attempt_count",
        "next_attempt_at",
        "last_response_status",
        "last_error",
        "delivered_at",
        "created_at",
    )
    readonly_fields = fields
    actions = ["redeliver_selected"]

    @admin.display(description="Endpoint", ordering="endpoint__url")
    def endpoint_url(self, delivery: WebhookDelivery) -> str:
        return delivery.endpoint.url

    @admin.display(description="Event type", ordering="event__event_type")
    def event_type(self, delivery: WebhookDelivery) -> str:
        return delivery.event.event_type

    @admin.action(description="Redeliver selected")
    def redeliver_selected(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        actor = Actor.staff(request.user.get_username())
        redelivered = 0
        for delivery in queryset.select_related("app"):
            try:
                webhook_delivery_redeliver(app=delivery.app, actor=actor, delivery_id=delivery.pk)
                redelivered += 1
            except ServiceError as error:
                messages.error(request, f"{delivery.pk}: {error.message}")
        if redelivered:
            messages.success(request, f"Queued {redelivered} redelivery(ies).")
