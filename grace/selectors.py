from django.db.models import Case, IntegerField, Q, Value, When

from api.errors import NotFoundError
from billing.models import Customer
from catalog.models import Metric
from grace.models import GracePeriod, GraceStatus
from tenants.models import App
from tenants.scoping import TenantScopedQuerySet

# SQL fragments over grace_periods, for the apps above that keep a hot path in one statement
# (usage's entitlements): `g` is the grace period {grace_period_id} names, if any; its columns
# are id, status, starts_at, ends_at.
GRACE_PERIOD_JOIN = "LEFT JOIN grace_periods g ON g.id = {grace_period_id}"
GRACE_PERIOD_COLUMNS = "g.id, g.status, g.starts_at, g.ends_at"


def grace_period_get(*, app: App, grace_period_id: str) -> GracePeriod:
    try:
        return GracePeriod.objects.for_app(app).select_related("metric").get(pk=grace_period_id)
    except GracePeriod.DoesNotExist:
        raise NotFoundError("grace period") from None


def grace_period_list(
    *,
    app: App,
    status: str | None = None,
    customer: Customer | str | None = None,
    reason: str | None = None,
) -> TenantScopedQuerySet[GracePeriod]:
    """The app's grace periods; `customer` is a Customer or its id."""
    grace_periods = GracePeriod.objects.for_app(app).select_related("metric")
    if status is not None:
        grace_periods = grace_periods.filter(status=status)
    if customer is not None:
        grace_periods = grace_periods.filter(customer=customer)
    if reason is not None:
        grace_periods = grace_periods.filter(reason=reason)
    return grace_periods


def grace_period_active_for_customer(
    *, app: App, customer: Customer | str, metric: Metric | None = None
) -> GracePeriod | None:
    """The active grace period that covers the customer, or None.

    With a metric: the over-quota period for that metric if there is one, otherwise any other
    active period that is not about a different metric (a failed payment covers every metric).
    Without: any active period. Among several, the one that ends first.
    """
    grace_periods = grace_period_list(app=app, status=GraceStatus.ACTIVE, customer=customer)
    if metric is None:
        return grace_periods.order_by("ends_at", "pk").first()
    return (
        grace_periods.filter(Q(metric__isnull=True) | Q(metric=metric))
        .annotate(
            not_for_this_metric=Case(
                When(metric=metric, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("not_for_this_metric", "ends_at", "pk")
        .first()
    )
