"""State for the usage tests. Metrics and customers come from the API.

TO BE REPLACED: plans and subscriptions are ORM rows made here until the subscription API
(POST /v1/subscriptions) lands; the usage code only reads them (the current subscription's
status, period and plan quotas, and the plan version's included quantities)."""

from datetime import UTC, datetime, timedelta
from typing import Any

from billing.models import Subscription, SubscriptionStatus
from catalog.models import Metric, Plan, PlanMeteredComponent, PlanVersion
from tests.conftest import Tenant


def metric_make(
    tenant: Tenant, code: str = "api_calls", aggregation: str = "sum", unit: str = ""
) -> dict[str, Any]:
    response = tenant.client.post(
        "/v1/metrics",
        {
            "code": code,
            "name": code.replace("_", " ").title(),
            "aggregation": aggregation,
            "unit": unit,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def customer_make(tenant: Tenant, external_id: str = "user-1") -> dict[str, Any]:
    response = tenant.client.post("/v1/customers", {"external_id": external_id}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def now_utc() -> datetime:
    return datetime.now(UTC)


def subscription_make(
    tenant: Tenant,
    customer_id: str,
    *,
    quotas: dict[str, int] | None = None,
    included: dict[str, int] | None = None,
    period_start: datetime | None = None,
    period_end: datetime | None = None,
    status: str = SubscriptionStatus.ACTIVE,
    grace_period_days: int = 7,
    code: str = "pro",
) -> Subscription:
    """A plan (with `quotas` and metered components with `included` quantities) and the
    customer's subscription to it, current over [period_start, period_end) (default: started
    a day ago, ends in 29 days). TO BE REPLACED by the subscription API."""
    app = tenant.app
    period_start = period_start or now_utc() - timedelta(days=1)
    period_end = period_end or period_start + timedelta(days=30)
    plan = Plan.objects.create(
        app=app,
        code=code,
        name=code.title(),
        currency="usd",
        quotas=quotas or {},
        grace_period_days=grace_period_days,
    )
    version = PlanVersion.objects.create(app=app, plan=plan, version=1, base_amount=2000)
    plan.current_version = version
    plan.save(update_fields=["current_version"])
    for metric_code, included_quantity in (included or {}).items():
        PlanMeteredComponent.objects.create(
            app=app,
            plan_version=version,
            metric=Metric.objects.for_app(app).get(code=metric_code),
            unit_amount=1,
            included_quantity=included_quantity,
        )
    return Subscription.objects.create(
        app=app,
        customer_id=customer_id,
        plan=plan,
        plan_version=version,
        status=status,
        current_period_start=period_start,
        current_period_end=period_end,
    )


def event(
    event_id: str,
    *,
    customer: str = "user-1",
    metric: str = "api_calls",
    quantity: Any = 1,
    timestamp: datetime | str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "event_id": event_id,
        "customer": customer,
        "metric": metric,
        "quantity": quantity,
    }
    if timestamp is not None:
        body["timestamp"] = (
            timestamp.isoformat().replace("+00:00", "Z")
            if isinstance(timestamp, datetime)
            else timestamp
        )
    return body
