from datetime import datetime

from audit.models import AuditEvent
from tenants.models import App
from tenants.scoping import TenantScopedQuerySet


def audit_event_list(
    *,
    app: App,
    action_type: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    since: datetime | None = None,
) -> TenantScopedQuerySet[AuditEvent]:
    events = AuditEvent.objects.for_app(app)
    if action_type:
        events = events.filter(action_type=action_type)
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id:
        events = events.filter(target_id=target_id)
    if since:
        events = events.filter(created_at__gte=since)
    return events
