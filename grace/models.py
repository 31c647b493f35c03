from django.db import models

from api.ids import PrefixedIdField
from tenants.scoping import TenantScopedModel


class GraceReason(models.TextChoices):
    PAYMENT_FAILED = "payment_failed", "Payment failed"
    OVER_QUOTA = "over_quota", "Over quota"


class GraceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    RESOLVED = "resolved", "Resolved"


class GracePeriod(TenantScopedModel):
    id = PrefixedIdField(prefix="gp")
    customer = models.ForeignKey(
        "billing.Customer", on_delete=models.PROTECT, related_name="grace_periods"
    )
    subscription = models.ForeignKey(
        "billing.Subscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grace_periods",
    )
    # For over-quota periods: which metric went over.
    metric = models.ForeignKey(
        "catalog.Metric", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=GraceReason.choices)
    status = models.CharField(max_length=8, choices=GraceStatus.choices, default=GraceStatus.ACTIVE)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=200, blank=True, default="")
    note = models.CharField(max_length=1000, blank=True, default="")
    # What opened it, e.g. the provider's invoice id, so a replayed webhook opens nothing new.
    source_reference = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "grace_periods"
        constraints = [
            # One open grace period per subscription and reason (and metric), enforced by the database.
            models.UniqueConstraint(
                fields=["subscription", "reason"],
                condition=models.Q(
                    status="active", subscription__isnull=False, metric__isnull=True
                ),
                name="grace_one_active_per_subscription",
            ),
            models.UniqueConstraint(
                fields=["customer", "metric"],
                condition=models.Q(status="active", metric__isnull=False),
                name="grace_one_active_per_customer_metric",
            ),
            # A failed payment with no subscription behind it: one open period per customer.
            models.UniqueConstraint(
                fields=["customer", "reason"],
                condition=models.Q(status="active", subscription__isnull=True, metric__isnull=True),
                name="grace_one_active_per_customer_without_subject",
            ),
            # A replayed webhook carries the same reference and must open nothing new, even when
            # two deliveries race.
            models.UniqueConstraint(
                fields=["app", "source_reference"],
                condition=~models.Q(source_reference=""),
                name="grace_source_reference_unique_per_app",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "ends_at"], name="grace_status_ends_idx"),
            models.Index(fields=["app", "customer", "status"], name="grace_customer_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} ({self.reason}, {self.status})"
