"""The operator pages' activity charts: what happened per day or week, from our own rows, each
chart's points equal to its table."""

import re
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from backoffice.activity import (
    grace_period_activity,
    payment_recovery,
    subscription_activity,
    usage_activity,
    webhook_failure_activity,
)
from stripe_emulator.server import EmulatorServer
from tests.factories import (
    Tenant,
    customer_make,
    customer_record,
    event,
    failed_delivery_record,
    metric_make,
    past_due_subscription_record,
    payment_failed_open,
    plan_make,
    subscribe,
    trial_subscription_make,
)
from usage.sync import usage_sync


def _today_index(activity: Any) -> int:
    return len(activity.buckets) - 1


def test_failed_renewals_and_their_recovery_count_in_today_s_bucket(tenant: Tenant) -> None:
    first = past_due_subscription_record(tenant.app, customer_record(tenant.app, "a"), code="a")
    second = past_due_subscription_record(tenant.app, customer_record(tenant.app, "b"), code="b")
    recovered, _ = payment_failed_open(tenant.app, first)
    payment_failed_open(tenant.app, second)

    resolved = tenant.client.post(f"/v1/grace-periods/{recovered.pk}/resolve", {}, format="json")
    activity = payment_recovery(app=tenant.app, period="30d")

    assert resolved.status_code == 200, resolved.content
    today = _today_index(activity)
    assert activity.counts["failed_renewals"][today] == 2
    assert activity.counts["recovered"][today] == 1
    assert activity.counts["recovery_rate_percent"][today] == 50
    assert sum(activity.counts["failed_renewals"]) == 2
    grace = grace_period_activity(app=tenant.app, period="12m")
    assert grace.counts["opened"][-1] == 2 and grace.counts["resolved"][-1] == 1
    assert sum(grace.counts["expired"]) == 0


def test_subscriptions_and_trials_running_are_counted_per_bucket(
    tenant: Tenant, other_tenant: Tenant, stripe: EmulatorServer
) -> None:
    trial_subscription_make(tenant.client)
    plan = plan_make(tenant.client, "paid")
    paid = subscribe(tenant.client, customer_make(tenant.client, external_id="paid"), plan).json()
    other_plan = plan_make(other_tenant.client)
    subscribe(other_tenant.client, customer_make(other_tenant.client), other_plan)
    cancelled = tenant.client.post(f"/v1/subscriptions/{paid['id']}/cancel", {}, format="json")

    mine = subscription_activity(app=tenant.app, period="30d")
    everyone = subscription_activity(app=None, period="30d")

    assert cancelled.status_code == 200, cancelled.content
    assert mine.counts["subscriptions"][-1] == 1  # the trial; the paid one was cancelled today
    assert mine.counts["trials"][-1] == 1
    assert mine.counts["subscriptions"][-2] == 0  # nothing ran yesterday
    assert everyone.counts["subscriptions"][-1] == 2


def test_failed_webhook_deliveries_are_counted_for_their_app_only(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    failed_delivery_record(tenant.app)
    failed_delivery_record(tenant.app)
    failed_delivery_record(other_tenant.app)

    mine = webhook_failure_activity(app=tenant.app, period="12m")
    everyone = webhook_failure_activity(app=None, period="12m")

    assert mine.counts["failed_deliveries"][-1] == 2
    assert everyone.counts["failed_deliveries"][-1] == 3
    assert len(mine.buckets) == 52
    assert mine.buckets[-1].start.weekday() == 0


def test_the_overview_draws_each_chart_with_the_points_of_its_table(
    tenant: Tenant, admin_client: Client
) -> None:
    failed_delivery_record(tenant.app)

    page = admin_client.get(
        f"/admin/tenants/app/{tenant.app.pk}/overview/?period=30d"
    ).content.decode()

    today = timezone.now().strftime("%Y-%m-%d")
    for key in ("subscriptions", "payments", "grace", "webhooks"):
        assert f'id="chart-{key}"' in page
    assert re.search(rf'data-series="Failed deliveries" data-label="{today}" data-value="1"', page)
    webhooks_table = page.split('id="chart-webhooks"')[1].split("</table>")[0]
    assert f"<tr><td>{today}</td><td>1</td></tr>" in webhooks_table


def test_usage_per_metric_per_day_is_charted_against_the_subscribers_quota_line(
    tenant: Tenant, stripe: EmulatorServer, admin_client: Client
) -> None:
    metric_make(tenant.client, "api_calls")
    plan = plan_make(tenant.client, "metered", quotas={"api_calls": 3000})
    for name in ("a", "b"):
        subscribe(tenant.client, customer_make(tenant.client, external_id=name), plan)
    accepted = tenant.client.post(
        "/v1/usage/batch",
        {
            "events": [
                event("e1", customer="a", quantity=40),
                event("e2", customer="b", quantity=2),
            ]
        },
        format="json",
    )
    # Meter events are stamped in the period's whole minutes: sync once the first has passed.
    usage_sync(now=timezone.now() + timedelta(minutes=2))

    [api_calls] = usage_activity(app=tenant.app, period="30d")
    page = admin_client.get(
        f"/admin/tenants/app/{tenant.app.pk}/overview/?period=30d"
    ).content.decode()

    assert accepted.status_code == 200, accepted.content
    assert api_calls.code == "api_calls"
    assert sum(api_calls.activity.counts["usage"]) == max(api_calls.activity.counts["usage"]) == 42
    assert set(api_calls.activity.counts["quota"]) == {200}  # 2 x 3,000 a month, per day
    assert 'id="chart-usage-api_calls"' in page
    assert re.search(r'data-series="Usage" data-label="[0-9-]+" data-value="42"', page)
    assert re.search(r'data-series="Quota line" data-label="[0-9-]+" data-value="200"', page)
