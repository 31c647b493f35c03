import json

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the trail is append-only, in the admin as in the database."""

    list_display = ("created_at", "app", "action_type", "target_type", "target_id", "actor_id")
    list_filter = (
        "action_type",
        "target_type",
        "actor_type",
        ("app", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("target_id", "actor_id", "request_id", "id")
    date_hierarchy = "created_at"
    list_select_related = ("app",)
    readonly_fields = [field.name for field in AuditEvent._meta.fields] + ["payload"]
    exclude = ("payload_snapshot",)

    @admin.display(description="Payload snapshot")
    def payload(self, event: AuditEvent) -> str:
        return format_html(
            "<pre>{}</pre>", json.dumps(event.payload_snapshot, indent=2, sort_keys=True)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
