from django.db import models


class SyncState(models.TextChoices):
    """Where a row stands with the provider: written first as pending, so a provider outage never
    leaves a half-made object behind, then completed by the request or by the retry job."""

    PENDING = "pending", "Pending"
    SYNCED = "synced", "Synced"
    FAILED = "failed", "Failed"
