"""The usage sync stamps a customer's meter events at the customer's own time: for a customer
on a test clock, the clock's frozen time, which is also the time Stripe checks their events
against (at most 35 days old, at most 5 minutes ahead)."""

from io import StringIO

from django.core.management import call_command

from stripe_emulator.server import EmulatorServer
from tests.factories import DAY_SECONDS, Clocked, Tenant, metric_make, plan_make, subscribe
from usage.models import MeterReport, MeterReportStatus

HOUR_SECONDS = 3600


def _report_usage(tenant: Tenant, customer: dict, quantity: int, event_id: str) -> None:
    response = tenant.client.post(
        "/v1/usage",
        {
            "customer": customer["id"],
            "metric": "api_calls",
            "quantity": quantity,
            "event_id": event_id,
        },
        format="json",
    )
    assert response.status_code == 201, response.content


def _clocked_subscriber(tenant: Tenant, stripe: EmulatorServer) -> tuple[Clocked, dict]:
    metric_make(tenant.client)
    plan = plan_make(
        tenant.client, code="metered", metered=[{"metric": "api_calls", "unit_amount": 1}]
    )
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer()
    assert subscribe(tenant.client, customer, plan).json()["status"] == "active"
    clocked.advance(HOUR_SECONDS)
    return clocked, customer


def test_usage_of_a_customer_on_a_test_clock_is_stamped_at_the_clocks_time(
    tenant: Tenant, stripe: EmulatorServer
):
    clocked, customer = _clocked_subscriber(tenant, stripe)
    _report_usage(tenant, customer, 7, "e1")

    call_command("sync_usage", stdout=StringIO())

    report = MeterReport.objects.for_app(tenant.app).get()
    assert report.status == MeterReportStatus.REPORTED, report.last_error
    assert report.meter_timestamp.timestamp() == clocked.now()
    event = stripe.state.meter_events[-1]
    assert (event["timestamp"], event["payload"]["value"]) == (clocked.now(), "7")


def test_a_period_older_than_stripe_takes_at_the_clocks_time_is_not_sent(
    tenant: Tenant, stripe: EmulatorServer
):
    clocked, customer = _clocked_subscriber(tenant, stripe)
    _report_usage(tenant, customer, 7, "e1")
    meter_events_before = len(stripe.state.meter_events)

    # Past the first period's end plus Stripe's 35 days, on the customer's clock only.
    clocked.advance(35 * DAY_SECONDS)
    clocked.advance(35 * DAY_SECONDS)
    call_command("sync_usage", stdout=StringIO())

    report = MeterReport.objects.for_app(tenant.app).get()
    assert report.status == MeterReportStatus.FAILED
    assert "35 days" in report.last_error
    assert len(stripe.state.meter_events) == meter_events_before
