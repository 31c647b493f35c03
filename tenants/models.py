from django.db import models

from api.ids import PrefixedIdField
from tenants.scoping import TenantScopedModel


class AppMode(models.TextChoices):
    TEST = "test", "Test"
    LIVE = "live", "Live"


class App(models.Model):
    """A tenant: one SaaS app of the portfolio."""

    id = PrefixedIdField(prefix="app")
    name = models.CharField(max_length=200)
    mode = models.CharField(max_length=4, choices=AppMode.choices, default=AppMode.TEST)
    provider = models.CharField(max_length=40, default="stripe")
    is_active = models.BooleanField(default=True)
    # Off: a customer has at most one live subscription, and a second create answers 409.
    allow_multiple_subscriptions = models.BooleanField(
        default=False,
        help_text="Let a customer hold more than one live subscription of this app.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"


class ApiKey(TenantScopedModel):
    """An app's API key. Only a hash is stored; the key itself is shown once at creation."""

    # The public id is the key's recognisable head, e.g. `psk_test_4fj2Kq9ZbW1x`.
    id = models.CharField(primary_key=True, max_length=40, editable=False)
    name = models.CharField(max_length=200, blank=True, default="")
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return self.id

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class IdempotencyState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class IdempotencyKey(TenantScopedModel):
    """The first response to an app's `Idempotency-Key`, kept so a retry replays it."""

    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=12, choices=IdempotencyState.choices)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(null=True)
    response_content_type = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    locked_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True)

    class Meta:
        # The table keeps the name it had when the model lived in `api`.
        db_table = "api_idempotencykey"
        constraints = [
            models.UniqueConstraint(fields=["app", "key"], name="idempotency_key_unique_per_app")
        ]
