"""The MRR ledger: each change of a subscription's monthly amount, made through the API, is one
movement; the operator pages chart it and finance exports it."""

import csv
import io
from datetime import UTC, datetime
from typing import Any

from django.test import Client

from backoffice.models import MrrMovement, SubscriptionMrr
from backoffice.mrr import mrr_reconcile, mrr_series
from stripe_emulator.server import EmulatorServer
from tests.factories import Clocked, Tenant, customer_make, plan_make, subscribe


def _movements(tenant: Tenant) -> list[tuple[str, int, int]]:
    return list(
        MrrMovement.objects.for_app(tenant.app)
        .order_by("created_at", "pk")
        .values_list("kind", "delta_minor", "mrr_after_minor")
    )


def _subscription_through_its_life(tenant: Tenant, capture: Any) -> dict[str, Any]:
    """$50 a month, then $80 a month, then $300 a year ($25 a month), then cancelled."""
    basic = plan_make(tenant.client, "basic", base={"amount": 5000, "interval": "month"})
    plus = plan_make(tenant.client, "plus", base={"amount": 8000, "interval": "month"})
    yearly = plan_make(tenant.client, "yearly", base={"amount": 30000, "interval": "year"})
    with capture(execute=True):
        subscription = subscribe(tenant.client, customer_make(tenant.client), basic).json()
    for plan in (plus, yearly):
        with capture(execute=True):
            changed = tenant.client.post(
                f"/v1/subscriptions/{subscription['id']}/change-plan",
                {"plan": plan["id"], "at": "now"},
                format="json",
            )
        assert changed.status_code == 200, changed.content
    with capture(execute=True):
        cancelled = tenant.client.post(
            f"/v1/subscriptions/{subscription['id']}/cancel", {}, format="json"
        )
    assert cancelled.status_code == 200, cancelled.content
    return subscription


def test_a_subscription_s_life_is_new_expansion_contraction_and_churn(
    tenant: Tenant, stripe: EmulatorServer, django_capture_on_commit_callbacks: Any
) -> None:
    _subscription_through_its_life(tenant, django_capture_on_commit_callbacks)

    movements = _movements(tenant)

    assert movements == [
        ("new", 5000, 5000),
        ("expansion", 3000, 8000),
        ("contraction", -5500, 2500),
        ("churn", -2500, 0),
    ]


def test_recording_again_or_reconciling_records_nothing_twice(
    tenant: Tenant, stripe: EmulatorServer, django_capture_on_commit_callbacks: Any
) -> None:
    plan = plan_make(tenant.client, base={"amount": 4000, "interval": "month"})
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(tenant.client, customer_make(tenant.client), plan)

    first = mrr_reconcile()
    SubscriptionMrr.objects.for_app(tenant.app).delete()  # as if the ledger had never seen it
    MrrMovement.objects.for_app(tenant.app).delete()
    caught_up = mrr_reconcile()
    again = mrr_reconcile()

    assert first == 0
    assert caught_up == 1
    assert again == 0
    assert _movements(tenant) == [("new", 4000, 4000)]


def test_a_customer_on_a_test_clock_moves_mrr_at_the_clock_s_time(
    tenant: Tenant, stripe: EmulatorServer, django_capture_on_commit_callbacks: Any
) -> None:
    clocked = Clocked(tenant, stripe)
    plan = plan_make(tenant.client, base={"amount": 9900, "interval": "month"})

    with django_capture_on_commit_callbacks(execute=True):
        subscribe(tenant.client, clocked.customer(), plan)
    series = mrr_series(app=tenant.app, now=datetime(2030, 3, 15, tzinfo=UTC))

    movement = MrrMovement.objects.for_app(tenant.app).get()
    assert movement.occurred_at == datetime(2030, 1, 1, tzinfo=UTC)
    usd = series[0]
    assert [(period.start.month, period.mrr_minor) for period in usd.periods[-3:]] == [
        (1, 9900),
        (2, 9900),
        (3, 9900),
    ]
    assert usd.periods[-3].new_minor == 9900 and usd.periods[-2].change_minor == 0


def test_the_portfolio_charts_mrr_and_its_table_agree(
    tenant: Tenant,
    stripe: EmulatorServer,
    django_capture_on_commit_callbacks: Any,
    admin_client: Client,
) -> None:
    plan = plan_make(tenant.client, base={"amount": 2500, "interval": "month"})
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(tenant.client, customer_make(tenant.client), plan)

    page = admin_client.get("/admin/tenants/app/portfolio/?period=30d").content.decode()
    overview = admin_client.get(f"/admin/tenants/app/{tenant.app.pk}/overview/").content.decode()

    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert f'data-label="{today}" data-value="2500"' in page
    assert f'data-label="{today}" data-currency="usd" data-mrr="2500"' in page
    assert "<strong>30 days</strong>" in page
    month = datetime.now(UTC).strftime("%Y-%m")
    assert f'data-label="{month}" data-value="2500"' in overview


def test_the_mrr_export_adds_up_month_to_month(
    tenant: Tenant,
    other_tenant: Tenant,
    stripe: EmulatorServer,
    django_capture_on_commit_callbacks: Any,
    admin_client: Client,
) -> None:
    _subscription_through_its_life(tenant, django_capture_on_commit_callbacks)
    plan = plan_make(other_tenant.client, base={"amount": 1200, "interval": "month"})
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(other_tenant.client, customer_make(other_tenant.client), plan)

    response = admin_client.get("/admin/tenants/app/portfolio/mrr.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert response["Content-Type"].startswith("text/csv")
    this_month = datetime.now(UTC).strftime("%Y-%m")
    current = {row["app_name"]: row for row in rows if row["month"] == this_month}
    assert current["Acme CRM"]["new_mrr"] == "50.00"
    assert current["Acme CRM"]["expansion_mrr"] == "30.00"
    assert current["Acme CRM"]["contraction_mrr"] == "55.00"
    assert current["Acme CRM"]["churned_mrr"] == "25.00"
    assert current["Acme CRM"]["mrr_at_month_end"] == "0.00"
    assert current["Globex Analytics"]["mrr_at_month_end"] == "12.00"
    for app_rows in ([row for row in rows if row["app_name"] == name] for name in current):
        assert len(app_rows) == 12
        previous = 0.0
        for row in app_rows:
            change = (
                float(row["new_mrr"])
                + float(row["expansion_mrr"])
                - float(row["contraction_mrr"])
                - float(row["churned_mrr"])
            )
            assert round(previous + change, 2) == float(row["mrr_at_month_end"])
            assert float(row["net_change"]) == round(change, 2)
            previous = float(row["mrr_at_month_end"])


def test_the_failed_payments_export_lists_every_app_s_declines(
    tenant: Tenant, other_tenant: Tenant, stripe: EmulatorServer, admin_client: Client
) -> None:
    for owner in (tenant, other_tenant):
        customer = customer_make(owner.client, payment_method=None)
        declined = owner.client.post(
            "/v1/payments",
            {
                "customer": customer["id"],
                "amount": 1999,
                "currency": "usd",
                "payment_method": "pm_card_chargeDeclinedInsufficientFunds",
                "off_session": True,
            },
            format="json",
        )
        assert declined.status_code == 402, declined.content

    response = admin_client.get("/admin/tenants/app/portfolio/failed-payments.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert sorted(row["app_name"] for row in rows) == ["Acme CRM", "Globex Analytics"]
    assert {row["decline_code"] for row in rows} == {"insufficient_funds"}
    assert {row["amount"] for row in rows} == {"19.99"}


def test_the_exports_need_the_app_view_permission(client: Client) -> None:
    response = client.get("/admin/tenants/app/portfolio/mrr.csv")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
