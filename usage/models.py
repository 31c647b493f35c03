from django.db import models

from api.ids import PrefixedIdField
from catalog.models import Aggregation, Metric
from tenants.scoping import TenantScopedModel


class UsageEvent(TenantScopedModel):
    """One usage event as the app reported it. Written only by the ingestion service, in bulk;
    read for audits and rebuilds, never on the hot path (that reads the rollups).

    Insert speed matters more than anything here, so the table carries a single index (the
    dedupe key) and no foreign-key constraints: the service resolves the customer and metric in
    the same request, and neither is ever deleted (both are PROTECTed in the ORM)."""

    id = models.BigAutoField(primary_key=True)
    app = models.ForeignKey(
        "tenants.App",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # The app's dedupe key, unique per app. Compared byte for byte ("C"): it is an opaque key,
    # and the unique index checks it ~20% faster than under a linguistic collation.
    event_id = models.CharField(max_length=255, db_collation="C")
    customer = models.ForeignKey(
        "billing.Customer",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    metric = models.ForeignKey(
        Metric, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    quantity = models.BigIntegerField()
    timestamp = models.DateTimeField()
    # The billing period whose rollup counted it.
    period_start = models.DateTimeField()
    received_at = models.DateTimeField()

    class Meta:
        db_table = "usage_events"
        constraints = [
            models.UniqueConstraint(
                fields=["app", "event_id"], name="usage_event_id_unique_per_app"
            )
        ]

    def __str__(self) -> str:
        return self.event_id


class UsageRollup(TenantScopedModel):
    """The aggregate of one customer's usage of one metric over one billing period, updated in
    the transaction that inserts the events, so entitlements never scan raw events. It is also
    the unit the provider sync reports: each change of its value becomes one meter event."""

    id = models.BigAutoField(primary_key=True)
    app = models.ForeignKey(
        "tenants.App", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    customer = models.ForeignKey(
        "billing.Customer", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="+", db_index=False)
    # Copied from the metric (which never changes it) so one upsert statement can apply
    # sum, count and last to rows of different metrics.
    aggregation = models.CharField(max_length=5, choices=Aggregation.choices)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    # sum: the sum of quantities; count: the number of events; last: the newest event's quantity.
    value = models.BigIntegerField(default=0)
    event_count = models.BigIntegerField(default=0)
    last_event_at = models.DateTimeField(null=True)
    # The over-quota grace period this period opened, if any: at most one per period.
    over_quota_grace_period = models.ForeignKey(
        "grace.GracePeriod",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # What the provider meter has been sent for this period (the sync's unit), how many reports
    # that took, and since when the value differs from it (null: nothing left to report).
    # `dirty_since` is only set when it was null, so most ingestion updates leave every
    # indexed column alone and PostgreSQL can update the row in place (HOT).
    reported_value = models.BigIntegerField(null=True)
    report_sequence = models.PositiveIntegerField(default=0)
    dirty_since = models.DateTimeField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "usage_rollups"
        constraints = [
            models.UniqueConstraint(
                fields=["app", "customer", "metric", "period_start"], name="usage_rollup_unique"
            )
        ]
        indexes = [
            # What the sync has still to report: small, whatever the table's size.
            models.Index(
                fields=["dirty_since"],
                name="usage_rollup_unreported_idx",
                condition=models.Q(dirty_since__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.metric_id} {self.period_start:%Y-%m-%d}: {self.value}"


class MeterReportKind(models.TextChoices):
    DELTA = "delta", "Delta (sum and count)"
    LAST = "last", "Latest value (last)"
    CORRECTION = "correction", "Correction (reconcile --fix)"


class MeterReportStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    REPORTED = "reported", "Reported"
    FAILED = "failed", "Failed"


class MeterReport(TenantScopedModel):
    """The ledger of what we report to the provider's meters: one row per meter event.

    A row is written (pending) in the same transaction that advances its rollup's
    `reported_value`, before the provider is called, and its `identifier` is deterministic. A
    sync that crashes after sending and before marking the row resends the same identifier,
    which the provider refuses as a duplicate, so nothing is ever counted twice."""

    id = models.BigAutoField(primary_key=True)
    rollup = models.ForeignKey(UsageRollup, on_delete=models.PROTECT, related_name="reports")
    customer = models.ForeignKey(
        "billing.Customer", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=10, choices=MeterReportKind.choices)
    # The rollup's report sequence number this row took (1, 2, …).
    sequence = models.PositiveIntegerField()
    identifier = models.CharField(max_length=100, unique=True)
    # delta / correction: what this report adds; last: the value it sets.
    value = models.BigIntegerField()
    meter_timestamp = models.DateTimeField()
    status = models.CharField(
        max_length=8, choices=MeterReportStatus.choices, default=MeterReportStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=1000, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "usage_meter_reports"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="meter_report_pending_idx",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=["app", "customer", "metric", "meter_timestamp"],
                name="meter_report_window_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.value} ({self.status})"


class UsageAlertThreshold(models.TextChoices):
    PERCENT_OF_QUOTA = "percent_of_quota", "Percent of the customer's quota"
    QUANTITY = "quantity", "Absolute quantity"


class UsageAlert(TenantScopedModel):
    """A level of a metric's usage per billing period at which the app wants to hear
    (`usage.threshold_reached`): a percentage of each customer's quota for the metric, or an
    absolute quantity. Deleted alerts stay for their triggers, invisible to the API."""

    id = PrefixedIdField(prefix="alrt")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="+")
    threshold_type = models.CharField(max_length=16, choices=UsageAlertThreshold.choices)
    # A percentage (1..1000) of the quota, or a quantity of the metric's unit.
    threshold_value = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "usage_alerts"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.metric_id} {self.threshold_type} {self.threshold_value}"


class UsageAlertTrigger(TenantScopedModel):
    """An alert reached by one customer in one billing period. Its unique key is what makes the
    app event exactly-once when concurrent ingestion crosses the threshold together."""

    id = models.BigAutoField(primary_key=True)
    alert = models.ForeignKey(UsageAlert, on_delete=models.PROTECT, related_name="triggers")
    customer = models.ForeignKey(
        "billing.Customer", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    # The quantity the threshold stood for (for a percentage: of the quota then), and the usage
    # that reached it.
    threshold_quantity = models.BigIntegerField()
    used = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "usage_alert_triggers"
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "customer", "period_start"], name="usage_alert_trigger_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.customer_id} {self.period_start:%Y-%m-%d}"


class EntitlementOverride(TenantScopedModel):
    """A customer's own value of a feature, over its plan's grant (a deal, a support gesture),
    until `expires_at` at the customer's time (a test clock's, for a customer on one), or until
    deleted. Expiry is evaluated when entitlements are read, so no job is needed. Deleted ones
    stay for the record, invisible to the API."""

    id = PrefixedIdField(prefix="eo")
    customer = models.ForeignKey("billing.Customer", on_delete=models.PROTECT, related_name="+")
    feature = models.ForeignKey("catalog.Feature", on_delete=models.PROTECT, related_name="+")
    value = models.JSONField()
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "usage_entitlement_overrides"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["customer", "feature", "-created_at"],
                name="override_customer_feature_idx",
                condition=models.Q(deleted_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.feature_id} {self.value!r}"
