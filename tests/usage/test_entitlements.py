"""Entitlements and quotas: GET /v1/customers/{id}/entitlements[/{metric}], the over-quota
grace period that crossing a quota opens, and what a new period or a plan change does to it."""

from datetime import timedelta
from typing import Any

from rest_framework.test import APIClient

from audit.models import AuditEvent
from billing.models import Customer, Subscription, SubscriptionStatus
from grace.services import grace_periods_expire
from notifications.models import AppEvent
from tests.factories import (
    Tenant,
    customer_make,
    event,
    metric_make,
    now_utc,
    plan_make,
    subscription_make,
)
from usage.entitlements import entitlements_refresh_for_customer


def _entitlement(api: APIClient, customer: str, metric: str = "api_calls") -> dict:
    response = api.get(f"/v1/customers/{customer}/entitlements/{metric}")
    assert response.status_code == 200, response.content
    return response.json()


def _report(api: APIClient, quantity: int, prefix: str = "e", count: int = 1) -> None:
    events = [event(f"{prefix}-{index}", quantity=quantity) for index in range(count)]
    response = api.post("/v1/usage/batch", {"events": events}, format="json")
    assert response.status_code == 200
    assert response.json()["accepted"] == count


def _over_quota_grace_periods(api: APIClient, customer: str) -> list[dict]:
    response = api.get(f"/v1/grace-periods?customer={customer}&reason=over_quota")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def _pro_customer(tenant: Tenant, *, quota: int = 100, included: int = 10) -> dict:
    metric_make(tenant.client, "api_calls")
    metric_make(tenant.client, "seats", aggregation="last")
    metric_make(tenant.client, "exports", aggregation="count")
    customer = customer_make(tenant.client)
    subscription_make(
        tenant.client,
        customer,
        quotas={"api_calls": quota, "seats": 5},
        included={"api_calls": included, "exports": 3},
    )
    return customer


def test_an_entitlement_answers_limit_used_remaining_and_allowed(tenant: Tenant):
    customer = _pro_customer(tenant)
    _report(tenant.client, 60)

    entitlement = _entitlement(tenant.client, customer["id"])

    assert entitlement["object"] == "entitlement"
    assert entitlement["customer"] == customer["id"]
    assert entitlement["metric"] == "api_calls"
    assert entitlement["limit"] == 100
    assert entitlement["used"] == 60
    assert entitlement["remaining"] == 40
    assert entitlement["allowed"] is True
    assert entitlement["reason"] == "within_limit"
    assert entitlement["included_quantity"] == 10
    assert entitlement["grace_period"] is None


def test_the_app_may_name_the_customer_by_its_external_id(tenant: Tenant):
    customer = _pro_customer(tenant)
    _report(tenant.client, 7)

    entitlement = _entitlement(tenant.client, "user-1")

    assert entitlement["customer"] == customer["id"]
    assert entitlement["used"] == 7


def test_using_exactly_the_quota_is_still_allowed(tenant: Tenant):
    customer = _pro_customer(tenant)
    _report(tenant.client, 100)

    entitlement = _entitlement(tenant.client, customer["id"])

    assert entitlement["remaining"] == 0
    assert entitlement["allowed"] is True
    assert _over_quota_grace_periods(tenant.client, customer["id"]) == []


def test_the_list_has_one_entitlement_per_metric_of_the_plan(tenant: Tenant):
    customer = _pro_customer(tenant)
    metric_make(tenant.client, "not_on_the_plan")

    response = tenant.client.get(f"/v1/customers/{customer['id']}/entitlements")

    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "list"
    by_metric = {item["metric"]: item for item in body["data"]}
    assert set(by_metric) == {"api_calls", "seats", "exports"}
    assert by_metric["exports"]["limit"] is None
    assert by_metric["exports"]["allowed"] is True
    assert by_metric["exports"]["reason"] == "unlimited"
    assert by_metric["exports"]["included_quantity"] == 3
    assert by_metric["seats"]["limit"] == 5
    assert by_metric["seats"]["included_quantity"] == 0


def test_a_metric_the_plan_does_not_mention_is_unlimited(tenant: Tenant):
    customer = _pro_customer(tenant)
    metric_make(tenant.client, "not_on_the_plan")

    entitlement = _entitlement(tenant.client, customer["id"], "not_on_the_plan")

    assert entitlement["limit"] is None
    assert entitlement["remaining"] is None
    assert entitlement["allowed"] is True


def test_a_last_metric_is_entitled_by_its_latest_value(tenant: Tenant):
    customer = _pro_customer(tenant)
    now = now_utc()
    tenant.client.post(
        "/v1/usage",
        event("s-1", metric="seats", quantity=9, timestamp=now - timedelta(minutes=5)),
        format="json",
    )
    tenant.client.post(
        "/v1/usage",
        event("s-2", metric="seats", quantity=4, timestamp=now - timedelta(minutes=1)),
        format="json",
    )

    entitlement = _entitlement(tenant.client, customer["id"], "seats")

    assert entitlement["used"] == 4
    assert entitlement["allowed"] is True


def test_without_a_current_subscription_nothing_is_entitled(tenant: Tenant):
    metric_make(tenant.client, "api_calls")
    customer = customer_make(tenant.client)
    subscription_make(
        tenant.client, customer, quotas={"api_calls": 100}, status=SubscriptionStatus.CANCELED
    )

    listed = tenant.client.get(f"/v1/customers/{customer['id']}/entitlements").json()
    single = _entitlement(tenant.client, customer["id"])

    assert listed["data"] == []
    assert single["allowed"] is False
    assert single["reason"] == "no_active_subscription"
    assert single["subscription"] is None


def test_a_past_due_subscription_still_governs_the_entitlements(tenant: Tenant):
    metric_make(tenant.client, "api_calls")
    customer = customer_make(tenant.client)
    subscription = subscription_make(
        tenant.client, customer, quotas={"api_calls": 100}, status=SubscriptionStatus.PAST_DUE
    )

    entitlement = _entitlement(tenant.client, customer["id"])

    assert entitlement["subscription"] == subscription.pk
    assert entitlement["limit"] == 100


def test_an_unknown_metric_answers_404(tenant: Tenant):
    customer = _pro_customer(tenant)

    response = tenant.client.get(f"/v1/customers/{customer['id']}/entitlements/nope")

    assert response.status_code == 404
    assert response.json()["error"]["param"] == "metric"


def test_another_apps_customer_answers_404(tenant: Tenant, other_tenant: Tenant):
    metric_make(tenant.client, "api_calls")
    theirs = _pro_customer(other_tenant)

    listed = tenant.client.get(f"/v1/customers/{theirs['id']}/entitlements")
    single = tenant.client.get(f"/v1/customers/{theirs['id']}/entitlements/api_calls")

    assert listed.status_code == 404
    assert single.status_code == 404
    assert single.json()["error"]["type"] == "not_found"


# --- crossing a quota ------------------------------------------------------------------------


def test_reporting_150_against_a_quota_of_100_opens_exactly_one_grace_period(tenant: Tenant):
    customer = _pro_customer(tenant, quota=100)

    _report(tenant.client, 60, prefix="first")
    _report(tenant.client, 60, prefix="crossing")
    _report(tenant.client, 10, prefix="more", count=3)

    grace_periods = _over_quota_grace_periods(tenant.client, customer["id"])
    assert len(grace_periods) == 1
    assert grace_periods[0]["status"] == "active"
    assert grace_periods[0]["metric"] == "api_calls"
    entitlement = _entitlement(tenant.client, customer["id"])
    assert entitlement["used"] == 150
    assert entitlement["remaining"] == 0
    assert entitlement["allowed"] is True
    assert entitlement["reason"] == "over_quota_in_grace_period"
    assert entitlement["grace_period"]["id"] == grace_periods[0]["id"]


def test_crossing_a_quota_sends_usage_quota_exceeded_once(tenant: Tenant):
    customer = _pro_customer(tenant, quota=100)

    _report(tenant.client, 150, prefix="crossing")
    _report(tenant.client, 5, prefix="more")

    (app_event,) = AppEvent.objects.for_app(tenant.app).filter(event_type="usage.quota_exceeded")
    assert app_event.data["customer"] == customer["id"]
    assert app_event.data["metric"] == "api_calls"
    assert app_event.data["limit"] == 100
    assert app_event.data["used"] == 150
    assert app_event.data["grace_period"].startswith("gp_")


def test_crossing_a_quota_is_audited(tenant: Tenant):
    _pro_customer(tenant, quota=100)

    _report(tenant.client, 150)

    opened = AuditEvent.objects.for_app(tenant.app).filter(action_type="OPEN_GRACE_PERIOD")
    assert opened.count() == 1
    assert opened.get().target_type == "grace_period"


def test_allowed_turns_false_once_the_grace_period_has_expired(tenant: Tenant):
    customer = _pro_customer(tenant, quota=100)
    _report(tenant.client, 150)
    (grace_period,) = _over_quota_grace_periods(tenant.client, customer["id"])

    grace_periods_expire(now=now_utc() + timedelta(days=8))

    entitlement = _entitlement(tenant.client, customer["id"])
    assert entitlement["allowed"] is False
    assert entitlement["reason"] == "over_quota"
    assert entitlement["grace_period"] == {
        "id": grace_period["id"],
        "status": "expired",
        "starts_at": grace_period["starts_at"],
        "ends_at": grace_period["ends_at"],
    }


def test_more_usage_after_expiry_opens_no_second_grace_period(tenant: Tenant):
    customer = _pro_customer(tenant, quota=100)
    _report(tenant.client, 150)
    grace_periods_expire(now=now_utc() + timedelta(days=8))

    _report(tenant.client, 1, prefix="after")

    grace_periods = _over_quota_grace_periods(tenant.client, customer["id"])
    assert [grace_period["status"] for grace_period in grace_periods] == ["expired"]
    assert _entitlement(tenant.client, customer["id"])["allowed"] is False


def test_the_grace_period_lasts_the_plans_grace_period_days(tenant: Tenant):
    metric_make(tenant.client, "api_calls")
    customer = customer_make(tenant.client)
    subscription_make(tenant.client, customer, quotas={"api_calls": 10}, grace_period_days=3)

    _report(tenant.client, 11)

    (grace_period,) = _over_quota_grace_periods(tenant.client, customer["id"])
    entitlement = _entitlement(tenant.client, customer["id"])
    assert entitlement["grace_period"]["ends_at"] == grace_period["ends_at"]
    grace_periods_expire(now=now_utc() + timedelta(days=2))
    assert _entitlement(tenant.client, customer["id"])["allowed"] is True
    grace_periods_expire(now=now_utc() + timedelta(days=3, minutes=1))
    assert _entitlement(tenant.client, customer["id"])["allowed"] is False


def test_a_plan_upgrade_resolves_the_grace_period(
    tenant: Tenant, django_capture_on_commit_callbacks: Any
):
    customer = _pro_customer(tenant, quota=100)
    _report(tenant.client, 150)
    grace_periods_expire(now=now_utc() + timedelta(days=8))
    _report(tenant.client, 1, prefix="late")
    subscription = customer_subscription(tenant, customer["id"])
    bigger = plan_make(tenant.client, "scale", quotas={"api_calls": 1000})

    with django_capture_on_commit_callbacks(execute=True):
        response = tenant.client.post(
            f"/v1/subscriptions/{subscription.pk}/change-plan",
            {"plan": bigger["id"]},
            format="json",
        )
    assert response.status_code == 200, response.content

    entitlement = _entitlement(tenant.client, customer["id"])
    assert entitlement["limit"] == 1000
    assert entitlement["allowed"] is True
    assert entitlement["reason"] == "within_limit"
    assert entitlement["grace_period"] is None


def test_a_plan_upgrade_resolves_an_active_grace_period(tenant: Tenant):
    customer = _pro_customer(tenant, quota=100)
    _report(tenant.client, 150)
    subscription = customer_subscription(tenant, customer["id"])
    response = tenant.client.patch(
        f"/v1/plans/{subscription.plan_id}", {"quotas": {"api_calls": 1000}}, format="json"
    )
    assert response.status_code == 200, response.content

    entitlements_refresh_for_customer(
        app=tenant.app, customer=Customer.objects.for_app(tenant.app).get(pk=customer["id"])
    )

    (grace_period,) = _over_quota_grace_periods(tenant.client, customer["id"])
    assert grace_period["status"] == "resolved"
    assert grace_period["note"] == "The quota was raised."
    assert _entitlement(tenant.client, customer["id"])["grace_period"] is None


def test_a_new_period_resolves_the_grace_period_and_starts_from_zero(tenant: Tenant):
    customer = _pro_customer(tenant, quota=100)
    _report(tenant.client, 150)
    subscription = customer_subscription(tenant, customer["id"])
    renewal = now_utc().replace(microsecond=0)
    subscription.current_period_start = renewal
    subscription.current_period_end = renewal + timedelta(days=30)
    subscription.save(update_fields=["current_period_start", "current_period_end"])

    entitlements_refresh_for_customer(
        app=tenant.app, customer=Customer.objects.for_app(tenant.app).get(pk=customer["id"])
    )

    (grace_period,) = _over_quota_grace_periods(tenant.client, customer["id"])
    assert grace_period["status"] == "resolved"
    assert grace_period["note"] == "A new billing period started."
    entitlement = _entitlement(tenant.client, customer["id"])
    assert entitlement["used"] == 0
    assert entitlement["allowed"] is True
    assert entitlement["grace_period"] is None


def test_a_downgrade_below_the_usage_opens_a_grace_period(tenant: Tenant):
    customer = _pro_customer(tenant, quota=100)
    _report(tenant.client, 80)
    subscription = customer_subscription(tenant, customer["id"])
    subscription.plan.quotas = {"api_calls": 50}
    subscription.plan.save(update_fields=["quotas"])

    entitlements_refresh_for_customer(
        app=tenant.app, customer=Customer.objects.for_app(tenant.app).get(pk=customer["id"])
    )
    entitlements_refresh_for_customer(
        app=tenant.app, customer=Customer.objects.for_app(tenant.app).get(pk=customer["id"])
    )

    grace_periods = _over_quota_grace_periods(tenant.client, customer["id"])
    assert [grace_period["status"] for grace_period in grace_periods] == ["active"]
    assert _entitlement(tenant.client, customer["id"])["reason"] == "over_quota_in_grace_period"


def customer_subscription(tenant: Tenant, customer_id: str) -> Subscription:
    return (
        Subscription.objects.for_app(tenant.app).select_related("plan").get(customer_id=customer_id)
    )


def test_before_the_renewal_reaches_us_usage_counts_in_the_period_that_follows(tenant: Tenant):
    metric_make(tenant.client, "api_calls")
    customer = customer_make(tenant.client)
    ended = now_utc().replace(microsecond=0) - timedelta(hours=1)
    subscription_make(
        tenant.client,
        customer,
        quotas={"api_calls": 100},
        period_start=ended - timedelta(days=30),
        period_end=ended,
    )

    _report(tenant.client, 7)

    entitlement = _entitlement(tenant.client, customer["id"])
    assert entitlement["used"] == 7
    assert entitlement["period_start"] == ended.isoformat().replace("+00:00", "Z")
    assert entitlement["period_end"] == (ended + timedelta(days=30)).isoformat().replace(
        "+00:00", "Z"
    )
