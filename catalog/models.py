"""Each app's catalog: the usage metrics it bills and its plans, their versions and prices.

The tables keep the names they had in billing and usage (`Meta.db_table`), so moving the models
here moved no row."""

from decimal import Decimal

from django.db import models

from api.ids import PrefixedIdField
from billing.providers.pending import SyncState
from tenants.scoping import TenantScopedModel

# Stripe's unit_amount_decimal: at most 12 decimal places, at most 24 digits (its largest price,
# in IDR, is 999,999,999,998.999999999999).
UNIT_AMOUNT_DECIMAL_PLACES = 12
UNIT_AMOUNT_DECIMAL_MAX_DIGITS = 24


def decimal_text(value: Decimal | int) -> str:
    """A decimal amount as Stripe writes it: `0.2`, `2`, `100` (no exponent, no trailing
    zeros)."""
    return format(Decimal(value).normalize(), "f")


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
        db_table = "usage_metric"
        constraints = [
            models.UniqueConstraint(fields=["app", "code"], name="metric_code_unique_per_app")
        ]

    def __str__(self) -> str:
        return self.code


class BillingInterval(models.TextChoices):
    DAY = "day", "Day"
    WEEK = "week", "Week"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class Plan(TenantScopedModel):
    """An app's catalog entry. Its prices live in versions: a price change makes a new version
    and existing subscriptions keep the version they started on."""

    id = PrefixedIdField(prefix="plan")
    code = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True, default="")
    currency = models.CharField(max_length=3)
    trial_period_days = models.PositiveIntegerField(default=0)
    grace_period_days = models.PositiveIntegerField(default=7)
    # {metric code: hard limit per billing period}
    quotas = models.JSONField(default=dict, blank=True)
    # {feature code: value} for boolean and static features; metered features are the quotas.
    features = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    current_version = models.ForeignKey(
        "catalog.PlanVersion", on_delete=models.PROTECT, null=True, related_name="+"
    )
    provider_product_id = models.CharField(max_length=255, blank=True, default="")
    sync_state = models.CharField(
        max_length=8, choices=SyncState.choices, default=SyncState.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "billing_plan"
        constraints = [
            models.UniqueConstraint(fields=["app", "code"], name="plan_code_unique_per_app")
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.pk})"


class PlanVersion(TenantScopedModel):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    base_amount = models.PositiveBigIntegerField(null=True, blank=True)
    interval = models.CharField(
        max_length=5, choices=BillingInterval.choices, default=BillingInterval.MONTH
    )
    interval_count = models.PositiveIntegerField(default=1)
    provider_base_price_id = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "billing_planversion"
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.version}"


class PlanMeteredComponent(TenantScopedModel):
    """One metered price of a plan version: `unit_amount` (whole minor units) or
    `unit_amount_decimal` (a fraction of one, e.g. 0.2 cent) per unit, or `tiers`; the first
    `included_quantity` units of each period are free."""

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="metered")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="+")
    unit_amount = models.PositiveBigIntegerField(null=True, blank=True)
    # Set instead of unit_amount when the app priced in decimals; Stripe's own precision.
    unit_amount_decimal = models.DecimalField(
        max_digits=UNIT_AMOUNT_DECIMAL_MAX_DIGITS,
        decimal_places=UNIT_AMOUNT_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    # [{"up_to": int | None, "unit_amount": int | None, "unit_amount_decimal": str | None,
    #   "flat_amount": int}], graduated; a tier has one of its two unit prices.
    tiers = models.JSONField(null=True, blank=True)
    included_quantity = models.PositiveBigIntegerField(default=0)
    provider_price_id = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        db_table = "billing_planmeteredcomponent"

    def __str__(self) -> str:
        return f"{self.plan_version} {self.metric_id}"


class FeatureType(models.TextChoices):
    BOOLEAN = "boolean", "Boolean"
    STATIC = "static", "Static value"
    METERED = "metered", "Metered (a metric's quota)"


class Feature(TenantScopedModel):
    """Something an app's plans grant: on or off (`boolean`), a number or text per plan
    (`static`, e.g. seats = 10), or a metric's quota per period (`metered`)."""

    id = PrefixedIdField(prefix="feat")
    code = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=8, choices=FeatureType.choices)
    # A metered feature's metric: its limit is the plan's quota for that metric.
    metric = models.ForeignKey(
        Metric, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "catalog_feature"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["app", "code"], name="feature_code_unique_per_app")
        ]

    def __str__(self) -> str:
        return self.code
