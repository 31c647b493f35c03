"""The operators' own rollups over the apps' billing rows: the MRR ledger behind the charts and
the finance exports. Written only by backoffice/mrr.py; the apps' API never reads them."""

from django.db import models

from tenants.scoping import TenantScopedModel


class MrrMovementKind(models.TextChoices):
    NEW = "new", "New"
    EXPANSION = "expansion", "Expansion"
    CONTRACTION = "contraction", "Contraction"
    CHURN = "churn", "Churned"


class SubscriptionMrr(TenantScopedModel):
    """What a subscription was last counted at, so the next change records only its
    difference. One row per subscription that ever brought in money."""

    subscription = models.OneToOneField(
        "billing.Subscription", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    currency = models.CharField(max_length=3)
    mrr_minor = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "backoffice_subscription_mrr"


class MrrMovement(TenantScopedModel):
    """One change of a subscription's monthly recurring revenue: how much, which way, when (in
    the customer's time: a test clock's for a customer on one). Summed per month they give
    new + expansion − contraction − churn = the month's change of MRR."""

    subscription = models.ForeignKey(
        "billing.Subscription", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=MrrMovementKind.choices)
    currency = models.CharField(max_length=3)
    # Signed: positive for new and expansion, negative for contraction and churn.
    delta_minor = models.BigIntegerField()
    mrr_after_minor = models.BigIntegerField()
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "backoffice_mrr_movements"
        indexes = [
            models.Index(fields=["app", "occurred_at"], name="mrr_movement_app_time_idx"),
            models.Index(fields=["occurred_at"], name="mrr_movement_time_idx"),
        ]
