"""Reporting usage to Stripe Billing Meters (the emulator): sync_usage, its ledger, retries and
rate limit, and reconcile_usage."""

import time
from collections import Counter
from datetime import datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from billing.providers.base import UsageReport
from billing.providers.registry import provider_for
from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant, customer_make, event, metric_make, now_utc
from usage.models import MeterReport, MeterReportStatus
from usage.periods import calendar_month
from usage.sync import TokenBucket, usage_reconcile, usage_sync


def _send(tenant: Tenant, events: list[dict]) -> None:
    response = tenant.client.post("/v1/usage/batch", {"events": events}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["rejected"] == 0


def _meter_events(stripe: EmulatorServer, metric: dict) -> list[dict]:
    return [
        meter_event
        for meter_event in stripe.state.meter_events
        if meter_event["event_name"] == metric["meter_event_name"]
    ]


def _provider_total(stripe: EmulatorServer, tenant: Tenant, metric: dict, customer: dict) -> int:
    """Stripe's summary of the month, read once Stripe has aggregated what it accepted (its
    summaries lag: the emulator's clock is moved past the lag first)."""
    stripe.advance(stripe.state.meter_summary_lag_seconds)
    month = calendar_month(now_utc())
    return provider_for(app=tenant.app).usage_summary(
        meter_reference=metric["provider_meter_id"],
        customer_reference=customer["provider_customer_id"],
        start=month.start,
        end=month.end,
    )


def _our_total(tenant: Tenant, customer: dict, metric: dict) -> int:
    body = tenant.client.get(f"/v1/customers/{customer['id']}/usage?metric={metric['code']}")
    return body.json()["data"][0]["total"]


def _this_month(minutes_ago: int) -> datetime:
    """A moment `minutes_ago`, but never before this month (the tests' billing period)."""
    now = now_utc()
    return max(now - timedelta(minutes=minutes_ago), calendar_month(now).start)


@pytest.fixture
def usage(tenant: Tenant) -> dict:
    metric = metric_make(tenant.client, "api_calls")
    customer = customer_make(tenant.client)
    _send(
        tenant,
        [
            event("a", quantity=5, timestamp=_this_month(90)),
            event("b", quantity=7, timestamp=_this_month(30)),
            event("c", quantity=11, timestamp=_this_month(20)),
            event("d", quantity=13),
        ],
    )
    return {"metric": metric, "customer": customer}


def test_sync_reports_the_periods_usage_and_stripe_agrees_with_our_total(
    tenant: Tenant, stripe: EmulatorServer, usage: dict
):
    summary = usage_sync()

    (meter_event,) = _meter_events(stripe, usage["metric"])
    assert summary.reported == 1
    assert meter_event["payload"]["stripe_customer_id"] == usage["customer"]["provider_customer_id"]
    assert meter_event["payload"]["value"] == "36"
    assert _provider_total(stripe, tenant, usage["metric"], usage["customer"]) == 36
    assert _our_total(tenant, usage["customer"], usage["metric"]) == 36


def test_the_identifier_names_the_app_customer_metric_period_and_sequence(
    tenant: Tenant, stripe: EmulatorServer, usage: dict
):
    usage_sync()

    report = MeterReport.objects.for_app(tenant.app).order_by("id").first()
    app_part, customer_part, metric_part, period_part, sequence = report.identifier.split(":")
    assert tenant.app.pk.endswith(app_part)
    assert usage["customer"]["id"].endswith(customer_part)
    assert usage["metric"]["id"].endswith(metric_part)
    assert int(period_part) == int(calendar_month(now_utc()).start.timestamp())
    assert sequence == "1"
    assert len(report.identifier) <= 100


def test_a_second_sync_reports_nothing_again(tenant: Tenant, stripe: EmulatorServer, usage: dict):
    first = usage_sync()

    second = usage_sync()

    assert first.reported > 0
    assert (second.planned, second.reported, second.duplicates) == (0, 0, 0)
    identifiers = Counter(meter_event["identifier"] for meter_event in stripe.state.meter_events)
    assert identifiers and set(identifiers.values()) == {1}
    assert _provider_total(stripe, tenant, usage["metric"], usage["customer"]) == 36


def test_new_usage_in_a_reported_period_is_reported_as_its_delta(
    tenant: Tenant, stripe: EmulatorServer, usage: dict
):
    usage_sync()
    _send(tenant, [event("e", quantity=100), event("f", quantity=1)])

    summary = usage_sync()

    assert summary.reported == 1
    latest = MeterReport.objects.for_app(tenant.app).order_by("-id").first()
    assert (latest.kind, latest.value, latest.sequence) == ("delta", 101, 2)
    assert _provider_total(stripe, tenant, usage["metric"], usage["customer"]) == 137


def test_a_sync_that_crashed_after_sending_resends_the_same_identifier_harmlessly(
    tenant: Tenant, stripe: EmulatorServer, usage: dict
):
    usage_sync()
    # As if the process died after Stripe accepted these and before the ledger said so.
    MeterReport.objects.for_app(tenant.app).update(
        status=MeterReportStatus.PENDING, reported_at=None
    )

    summary = usage_sync()

    assert summary.reported == 0
    assert summary.duplicates == MeterReport.objects.for_app(tenant.app).count()
    assert not MeterReport.objects.for_app(tenant.app).exclude(status="reported").exists()
    identifiers = Counter(meter_event["identifier"] for meter_event in stripe.state.meter_events)
    assert set(identifiers.values()) == {1}
    assert _provider_total(stripe, tenant, usage["metric"], usage["customer"]) == 36


def test_a_stripe_outage_backs_off_and_a_later_run_reports(
    tenant: Tenant, stripe: EmulatorServer, usage: dict
):
    stripe.set_faults(status=503, count=50, path_prefix="/v1/billing/meter_events")

    during = usage_sync()

    stripe.clear_faults()
    pending = list(MeterReport.objects.for_app(tenant.app))
    assert during.reported == 0
    assert during.deferred == len(pending) > 0
    assert all(report.status == "pending" and report.attempts == 1 for report in pending)
    assert all(report.next_attempt_at > timezone.now() for report in pending)
    assert usage_sync().reported == 0  # not due yet

    after = usage_sync(now=timezone.now() + timedelta(minutes=5))

    assert after.reported == len(pending)
    assert _provider_total(stripe, tenant, usage["metric"], usage["customer"]) == 36


def test_a_count_metric_reports_the_number_of_events(tenant: Tenant, stripe: EmulatorServer):
    metric = metric_make(tenant.client, "logins", aggregation="count")
    customer = customer_make(tenant.client)
    _send(tenant, [event(f"l-{index}", metric="logins", quantity=50) for index in range(7)])

    usage_sync()

    assert _provider_total(stripe, tenant, metric, customer) == 7


def test_a_last_metric_reports_the_latest_value(tenant: Tenant, stripe: EmulatorServer):
    metric = metric_make(tenant.client, "seats", aggregation="last")
    customer = customer_make(tenant.client)
    now = now_utc()
    _send(
        tenant,
        [
            event("s-1", metric="seats", quantity=9, timestamp=now - timedelta(hours=3)),
            event("s-2", metric="seats", quantity=4, timestamp=now - timedelta(minutes=2)),
        ],
    )
    usage_sync()
    _send(tenant, [event("s-3", metric="seats", quantity=6, timestamp=now - timedelta(hours=2))])

    usage_sync()

    assert _provider_total(stripe, tenant, metric, customer) == 4
    assert _our_total(tenant, customer, metric) == 4


def test_usage_of_a_metric_without_its_meter_waits_for_the_meter(
    tenant: Tenant, stripe: EmulatorServer
):
    stripe.set_faults(status=500, count=10, path_prefix="/v1/billing/meters")
    metric = metric_make(tenant.client, "api_calls")
    stripe.clear_faults()
    customer = customer_make(tenant.client)
    _send(tenant, [event("a", quantity=3)])

    before = usage_sync()
    from catalog.metrics import metrics_sync_pending

    metrics_sync_pending(now=timezone.now() + timedelta(minutes=5))
    after = usage_sync()

    assert before.planned == 0
    assert after.reported == 1
    metric = tenant.client.get(f"/v1/metrics/{metric['id']}").json()
    assert _provider_total(stripe, tenant, metric, customer) == 3


def test_the_token_bucket_holds_the_rate():
    bucket = TokenBucket(rate=50, capacity=5)
    started = time.monotonic()

    for _ in range(30):
        bucket.take()

    # 5 at once, then 25 more at 50/s.
    assert time.monotonic() - started >= 0.45


def test_sync_waits_for_the_rate_limit(tenant: Tenant, stripe: EmulatorServer):
    metric_make(tenant.client, "api_calls")
    for number in range(8):
        customer_make(tenant.client, external_id=f"user-{number}")
    _send(tenant, [event(f"e-{number}", customer=f"user-{number}") for number in range(8)])

    summary = usage_sync(rate_per_second=4)

    assert summary.reported == 8
    assert summary.waited_seconds >= 0.9


def test_sync_usage_command_runs_the_sync(tenant: Tenant, stripe: EmulatorServer, usage: dict):
    out = StringIO()

    call_command("sync_usage", stdout=out)

    assert "reported" in out.getvalue()
    assert _provider_total(stripe, tenant, usage["metric"], usage["customer"]) == 36


# --- reconciliation ----------------------------------------------------------------------------


def _summaries_caught_up(stripe: EmulatorServer, settings: Any) -> None:
    """Time passes: Stripe has aggregated what it accepted, and our settle time is over."""
    stripe.advance(stripe.state.meter_summary_lag_seconds)
    settings.USAGE_RECONCILE_SETTLE_SECONDS = 0


def test_reconcile_finds_no_drift_after_a_sync(
    tenant: Tenant, stripe: EmulatorServer, usage: dict, settings: Any
):
    usage_sync()
    _summaries_caught_up(stripe, settings)

    assert usage_reconcile(app=tenant.app) == []


def test_reconcile_leaves_a_period_just_reported_alone_while_the_summary_lags(
    tenant: Tenant, stripe: EmulatorServer, usage: dict, settings: Any
):
    usage_sync()
    left_alone = usage_reconcile(app=tenant.app, fix=True)
    settings.USAGE_RECONCILE_SETTLE_SECONDS = 0
    (lagging,) = usage_reconcile(app=tenant.app)

    assert left_alone == []
    assert (lagging.ours, lagging.provider, lagging.unsent) == (36, 0, 0)
    assert not MeterReport.objects.for_app(tenant.app).filter(kind="correction").exists()


def test_reconcile_reports_what_is_not_yet_sent(
    tenant: Tenant, stripe: EmulatorServer, usage: dict
):
    (drift,) = usage_reconcile(app=tenant.app)

    assert (drift.ours, drift.provider, drift.drift, drift.unsent) == (36, 0, 36, 36)
    assert drift.customer_id == usage["customer"]["id"]
    assert drift.metric_code == "api_calls"
    assert drift.fixed is False


def test_reconcile_reports_and_fixes_drift_at_the_provider(
    tenant: Tenant, stripe: EmulatorServer, usage: dict, settings: Any
):
    usage_sync()
    # Something else reported to our meter: Stripe now holds 1,000 more than we do.
    provider_for(app=tenant.app).usage_report(
        [
            UsageReport(
                identifier="stray-event",
                event_name=usage["metric"]["meter_event_name"],
                customer_reference=usage["customer"]["provider_customer_id"],
                value=1000,
                timestamp=now_utc() - timedelta(minutes=1),
            )
        ]
    )
    _summaries_caught_up(stripe, settings)
    out = StringIO()

    call_command("reconcile_usage", "--app", tenant.app.pk, stdout=out)
    reported_only = out.getvalue()
    call_command("reconcile_usage", "--app", tenant.app.pk, "--fix", stdout=out)
    # Run again at once: Stripe's summary does not count the correction yet.
    second = StringIO()
    call_command("reconcile_usage", "--app", tenant.app.pk, "--fix", stdout=second)

    assert "ours 36 provider 1036 drift -1000" in reported_only
    assert "1 window(s) with drift" in reported_only
    assert "fixed" in out.getvalue()
    assert "ours 36 provider 1036 drift -1000" in second.getvalue()
    (correction,) = MeterReport.objects.for_app(tenant.app).filter(kind="correction")
    assert (correction.value, correction.status) == (-1000, "reported")
    assert _provider_total(stripe, tenant, usage["metric"], usage["customer"]) == 36
    assert usage_reconcile(app=tenant.app) == []


def test_reconcile_fix_run_twice_under_summary_lag_reports_each_unit_once(
    tenant: Tenant, stripe: EmulatorServer, usage: dict, settings: Any
):
    first = usage_reconcile(app=tenant.app, fix=True)
    second = usage_reconcile(app=tenant.app, fix=True)

    assert [drift.fixed for drift in first] == [True]
    assert second == []
    assert _provider_total(stripe, tenant, usage["metric"], usage["customer"]) == 36
    assert _our_total(tenant, usage["customer"], usage["metric"]) == 36
    assert not MeterReport.objects.for_app(tenant.app).filter(kind="correction").exists()
    _summaries_caught_up(stripe, settings)
    assert usage_reconcile(app=tenant.app, fix=True) == []


def test_reconcile_fix_sends_what_was_never_sent(
    tenant: Tenant, stripe: EmulatorServer, usage: dict
):
    drifts = usage_reconcile(app=tenant.app, fix=True)

    assert [drift.fixed for drift in drifts] == [True]
    assert _provider_total(stripe, tenant, usage["metric"], usage["customer"]) == 36
    assert usage_reconcile(app=tenant.app) == []
