import secrets

from django.conf import settings
from django.db import models


def _new_key() -> str:
    return "afk_" + secrets.token_urlsafe(24)


class ApiKey(models.Model):
    """The customer's key to APIForge's own API (not to payment-service)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=64, unique=True, default=_new_key)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key[:8] + "…"


class UsageRecord(models.Model):
    """One API request's units, kept until a batch has reported it to payment-service."""

    customer_id = models.CharField(max_length=64)
    event_id = models.CharField(max_length=64, unique=True)
    units = models.PositiveIntegerField()
    recorded_at = models.DateTimeField()
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.units} units ({self.event_id})"
