from django.db import models

from api.ids import PrefixedIdField
from tenants.actors import ActorType
from tenants.scoping import TenantScopedModel


class AuditEvent(TenantScopedModel):
    """One mutation, written in the same transaction as the mutation. Append-only: a database
    trigger refuses UPDATE and DELETE."""

    id = PrefixedIdField(prefix="evt")
    # Every lookup by app goes through the (app, …) indexes below; a separate app_id index (and
    # its text-pattern twin) only cost every insert, one per audited mutation.
    app = models.ForeignKey(
        "tenants.App", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    actor_type = models.CharField(max_length=16, choices=ActorType.choices)
    actor_id = models.CharField(max_length=200)
    action_type = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64, blank=True, default="")
    payload_snapshot = models.JSONField(default=dict)
    request_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["app", "-created_at"], name="audit_app_created_idx"),
            models.Index(fields=["app", "action_type", "-created_at"], name="audit_app_action_idx"),
            models.Index(fields=["app", "target_type", "target_id"], name="audit_app_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action_type} {self.target_type} {self.target_id} by {self.actor_id}"
