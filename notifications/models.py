from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from api.encryption import EncryptedTextField
from api.ids import PrefixedIdField
from tenants.scoping import TenantScopedModel


class WebhookEndpoint(TenantScopedModel):
    """Where an app wants to hear about its billing events."""

    id = PrefixedIdField(prefix="we")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=500, blank=True, default="")
    # Event types, or ["*"] for all of them.
    enabled_events = models.JSONField(default=list)
    metadata = models.JSONField(default=dict, blank=True)
    # Signs every delivery; kept decryptable because we must sign with it (encrypted at rest,
    # api.encryption), shown to the app only in the create response and never in the admin.
    secret = EncryptedTextField(editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Deletion is soft, so the delivery log keeps its endpoint.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["app", "-created_at"], name="webhook_ep_app_created_idx")]

    def __str__(self) -> str:
        return f"{self.url} ({self.pk})"


class AppEvent(TenantScopedModel):
    """Something that happened to an app's billing, as delivered to its endpoints."""

    id = PrefixedIdField(prefix="aevt")
    # One of notifications.event_types.AppEventType; no `choices`, so a new type needs no
    # migration.
    event_type = models.CharField(max_length=64)
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["app", "-created_at"], name="app_event_app_created_idx")]

    def __str__(self) -> str:
        return f"{self.event_type} ({self.pk})"


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class WebhookDelivery(TenantScopedModel):
    """One event on its way to one endpoint, and how its attempts went: the delivery log."""

    id = PrefixedIdField(prefix="whd")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries"
    )
    event = models.ForeignKey(AppEvent, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(
        max_length=16, choices=WebhookDeliveryStatus.choices, default=WebhookDeliveryStatus.PENDING
    )
    attempt_count = models.PositiveIntegerField(default=0)
    # While pending: when the retry sweep next picks it up. Null once settled.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_response_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=1000, blank=True, default="")
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_endpoint_idx"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} ({self.status})"
