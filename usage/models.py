from django.db import models

from api.ids import PrefixedIdField
from tenants.scoping import TenantScopedModel


class Aggregation(models.TextChoices):
    SUM = "sum", "Sum"
    COUNT = "count", "Count"
    LAST = "last", "Last value"


class Metric(TenantScopedModel):
    """A usage metric of an app, e.g. `api_calls`; billed through a provider meter."""

    id = PrefixedIdField(prefix="mtr")
    code = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    aggregation = models.CharField(
        max_length=5, choices=Aggregation.choices, default=Aggregation.SUM
    )
    unit = models.CharField(max_length=50, blank=True, default="")
    # The provider meter's event name; contains the metric code (e.g. `app_x__api_calls`).
    meter_event_name = models.CharField(max_length=100, blank=True, default="")
    provider_meter_id = models.CharField(max_length=255, blank=True, default="")
    sync_state = models.CharField(max_length=8, default="pending")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["app", "code"], name="metric_code_unique_per_app")
        ]

    def __str__(self) -> str:
        return self.code
