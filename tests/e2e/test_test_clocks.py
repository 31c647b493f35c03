"""Rehearsing a trial's end on a test clock, as an app would on real Stripe: everything through
our API, Stripe's side moved only by advancing the clock, its effects reaching the service
through real webhook deliveries."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

from django.core.management import call_command
from djstripe.models import WebhookEndpoint

from audit.models import AuditEvent
from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant, plan_make, settle, subscribe

FROZEN_TIME = datetime(2030, 1, 1, tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _clock_advance(tenant: Tenant, clock_id: str, frozen_time: datetime) -> dict[str, Any]:
    response = tenant.client.post(
        f"/v1/test-clocks/{clock_id}/advance", {"frozen_time": _iso(frozen_time)}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def _grace_periods(tenant: Tenant, customer: dict[str, Any]) -> list[dict[str, Any]]:
    response = tenant.client.get("/v1/grace-periods", {"customer": customer["id"]})
    assert response.status_code == 200, response.content
    return list(response.json()["data"])


def test_a_trial_on_a_test_clock_is_charged_when_the_clock_passes_its_end(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    clock = tenant.client.post(
        "/v1/test-clocks", {"frozen_time": _iso(FROZEN_TIME)}, format="json"
    ).json()
    customer = tenant.client.post(
        "/v1/customers",
        {"external_id": "user-1", "payment_method": "pm_card_visa", "test_clock": clock["id"]},
        format="json",
    ).json()
    plan = plan_make(tenant.client, trial_period_days=14)
    created = subscribe(tenant.client, customer, plan).json()
    settle(stripe)

    advancing = _clock_advance(tenant, clock["id"], FROZEN_TIME + timedelta(days=15))
    settle(stripe)
    ready = tenant.client.get(f"/v1/test-clocks/{clock['id']}").json()
    after_trial = tenant.client.get(f"/v1/subscriptions/{created['id']}").json()

    assert created["status"] == "trialing"
    assert created["trial_end"] == _iso(FROZEN_TIME + timedelta(days=14))
    assert advancing["status"] == "advancing"
    assert ready["status"] == "ready"
    assert ready["frozen_time"] == _iso(FROZEN_TIME + timedelta(days=15))
    assert after_trial["status"] == "active"
    assert after_trial["current_period_start"] == _iso(FROZEN_TIME + timedelta(days=14))
    assert after_trial["current_period_end"] == _iso(datetime(2030, 2, 15, tzinfo=UTC))
    renewal = [
        invoice
        for invoice in stripe.state.list_objects("invoice")
        if invoice["customer"] == customer["provider_customer_id"]
    ][0]
    assert renewal["billing_reason"] == "subscription_cycle"
    assert renewal["status"] == "paid"
    assert renewal["amount_paid"] == 2000
    assert renewal["test_clock"] == clock["provider_test_clock_id"]
    assert (
        AuditEvent.objects.for_app(tenant.app)
        .filter(action_type="SYNC_SUBSCRIPTION", actor_id="stripe", target_id=created["id"])
        .exists()
    )


def test_a_failed_payment_on_a_test_clock_opens_grace_at_the_clocks_time_and_only_the_clock_expires_it(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    clock = tenant.client.post(
        "/v1/test-clocks", {"frozen_time": _iso(FROZEN_TIME)}, format="json"
    ).json()
    customer = tenant.client.post(
        "/v1/customers",
        {
            "external_id": "user-1",
            "payment_method": "pm_card_chargeCustomerFail",
            "test_clock": clock["id"],
        },
        format="json",
    ).json()
    plan = plan_make(tenant.client, trial_period_days=3, grace_period_days=5)
    created = subscribe(tenant.client, customer, plan).json()
    settle(stripe)

    _clock_advance(tenant, clock["id"], FROZEN_TIME + timedelta(days=4))
    settle(stripe)
    after_trial = tenant.client.get(f"/v1/subscriptions/{created['id']}").json()
    opened = _grace_periods(tenant, customer)
    # Real time is years before the clock's: the sweep in real time, even run a decade later,
    # leaves the clock's customers to their clock.
    call_command("expire_grace_periods", "--as-of", "2040-01-01T00:00:00Z", stdout=StringIO())
    after_real_time_sweep = _grace_periods(tenant, customer)
    _clock_advance(tenant, clock["id"], FROZEN_TIME + timedelta(days=9))
    settle(stripe)
    after_clock_passed_its_end = _grace_periods(tenant, customer)

    assert after_trial["status"] == "past_due"
    assert [period["reason"] for period in opened] == ["payment_failed"]
    assert opened[0]["starts_at"] == _iso(FROZEN_TIME + timedelta(days=3))
    assert opened[0]["ends_at"] == _iso(FROZEN_TIME + timedelta(days=8))
    assert opened[0]["status"] == "active"
    assert [period["status"] for period in after_real_time_sweep] == ["active"]
    assert [period["status"] for period in after_clock_passed_its_end] == ["expired"]


def test_usage_and_entitlements_of_a_customer_on_a_test_clock_follow_the_clock(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    clock = tenant.client.post(
        "/v1/test-clocks", {"frozen_time": _iso(FROZEN_TIME)}, format="json"
    ).json()
    customer = tenant.client.post(
        "/v1/customers",
        {"external_id": "user-1", "payment_method": "pm_card_visa", "test_clock": clock["id"]},
        format="json",
    ).json()
    metric = tenant.client.post(
        "/v1/metrics",
        {"code": "api_calls", "name": "API calls", "aggregation": "sum"},
        format="json",
    ).json()
    plan = plan_make(tenant.client, quotas={metric["code"]: 100})
    subscribe(tenant.client, customer, plan)
    settle(stripe)

    untimed = tenant.client.post(
        "/v1/usage",
        {"event_id": "e-1", "customer": "user-1", "metric": "api_calls", "quantity": 30},
        format="json",
    )
    at_the_clock = tenant.client.post(
        "/v1/usage",
        {
            "event_id": "e-2",
            "customer": "user-1",
            "metric": "api_calls",
            "quantity": 5,
            "timestamp": _iso(FROZEN_TIME + timedelta(minutes=2)),
        },
        format="json",
    )
    in_real_time = tenant.client.post(
        "/v1/usage",
        {
            "event_id": "e-3",
            "customer": "user-1",
            "metric": "api_calls",
            "quantity": 1,
            "timestamp": _iso(datetime.now(UTC)),
        },
        format="json",
    )
    entitlement = tenant.client.get(f"/v1/customers/{customer['id']}/entitlements/api_calls").json()

    assert untimed.status_code == 201, untimed.content
    assert at_the_clock.status_code == 201, at_the_clock.content
    assert in_real_time.status_code == 400
    assert in_real_time.json()["error"]["code"] == "timestamp_too_old"
    assert entitlement["used"] == 35
    assert entitlement["remaining"] == 65
    assert entitlement["period_start"] == _iso(FROZEN_TIME)

    _clock_advance(tenant, clock["id"], FROZEN_TIME + timedelta(days=32))
    settle(stripe)
    renewed = tenant.client.get(f"/v1/customers/{customer['id']}/entitlements/api_calls").json()

    assert renewed["used"] == 0
    assert renewed["period_start"] == _iso(datetime(2030, 2, 1, tzinfo=UTC))
