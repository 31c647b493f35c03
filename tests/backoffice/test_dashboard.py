import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone

from api.errors import CardDeclinedError
from api.money import Money
from backoffice.dashboard import app_overview, portfolio_overview
from billing.models import SubscriptionStatus
from billing.payments import payment_create
from billing.providers.pending import SyncState
from catalog.metrics import metric_create
from catalog.models import Plan
from grace.models import GraceReason
from grace.services import grace_period_open
from tests.factories import (
    OPERATOR,
    Tenant,
    customer_record,
    failed_delivery_record,
    multiple_subscriptions_allow,
    plan_record,
    subscription_record,
)


def _overview_url(app_id: str) -> str:
    return f"/admin/tenants/app/{app_id}/overview/"


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def _staff_client(*permissions: str) -> Client:
    user = User.objects.create_user("operator", password="a long passphrase 42", is_staff=True)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    client = Client()
    client.force_login(user)
    return client


def test_mrr_normalises_yearly_plans_to_a_month_per_currency(tenant: Tenant):
    # One customer holding every kind of subscription, as an app that allows several has them.
    multiple_subscriptions_allow(tenant)
    customer = customer_record(tenant.app, "user-1")
    monthly = plan_record(tenant.app, "monthly", amount=2900)
    yearly = plan_record(tenant.app, "yearly", amount=30000, interval="year")
    euro = plan_record(tenant.app, "euro", amount=1000, currency="eur")
    subscription_record(tenant.app, customer, monthly, SubscriptionStatus.ACTIVE)
    subscription_record(tenant.app, customer, monthly, SubscriptionStatus.PAST_DUE)
    subscription_record(tenant.app, customer, yearly, SubscriptionStatus.ACTIVE)
    subscription_record(tenant.app, customer, euro, SubscriptionStatus.ACTIVE)
    subscription_record(tenant.app, customer, monthly, SubscriptionStatus.TRIALING)
    subscription_record(tenant.app, customer, monthly, SubscriptionStatus.CANCELED)

    overview = app_overview(app=tenant.app)

    assert overview.mrr == [
        Money(currency="eur", amount_minor=1000),
        Money(currency="usd", amount_minor=2900 + 2900 + 2500),
    ]
    assert {row.status: row.count for row in overview.subscriptions_by_status} == {
        "active": 3,
        "past_due": 1,
        "trialing": 1,
        "canceled": 1,
    }
    assert overview.customer_count == 1


def test_money_is_shown_in_the_currency_s_own_minor_unit():
    assert Money(currency="usd", amount_minor=123456).display == "USD 1,234.56"
    assert Money(currency="jpy", amount_minor=5000).display == "JPY 5,000"
    assert Money(currency="kwd", amount_minor=1500).display == "KWD 1.500"


def test_the_overview_page_shows_customers_subscriptions_mrr_and_open_grace_periods(
    tenant: Tenant, admin_client: Client
):
    customer = customer_record(tenant.app, "user-1", email="ada@example.com")
    customer_record(tenant.app, "user-2")
    plan = plan_record(tenant.app, "pro", amount=4900)
    subscription_record(tenant.app, customer, plan, SubscriptionStatus.PAST_DUE)
    grace_period, _ = grace_period_open(
        app=tenant.app, actor=OPERATOR, customer=customer, reason=GraceReason.PAYMENT_FAILED
    )

    response = admin_client.get(_overview_url(tenant.app.pk))

    assert response.status_code == 200
    text = _text(response.content)
    assert "Customers 2" in text
    assert "MRR USD 49.00" in text
    assert "Past due 1" in text
    assert "Open grace periods (1)" in text
    assert grace_period.pk in text
    assert 'name="action" value="resolve_selected"' in response.content.decode()
    assert f'name="_selected_action" value="{grace_period.pk}"' in response.content.decode()


def test_the_overview_lists_recent_failures_of_payments_deliveries_and_provider_syncs(
    tenant: Tenant, admin_client: Client
):
    customer = customer_record(tenant.app, "payer")
    with pytest.raises(CardDeclinedError):
        payment_create(
            app=tenant.app,
            actor=OPERATOR,
            customer=customer.pk,
            amount=1500,
            currency="usd",
            payment_method="pm_card_chargeDeclined",
        )
    delivery = failed_delivery_record(tenant.app, error="connection refused by the app")
    stuck = plan_record(tenant.app, "stuck", amount=100)
    failed = plan_record(tenant.app, "failed", amount=100)
    synced = plan_record(tenant.app, "synced", amount=100)
    Plan.objects.for_app(tenant.app).filter(pk=stuck.pk).update(
        sync_state=SyncState.PENDING, updated_at=timezone.now() - timedelta(hours=1)
    )
    Plan.objects.for_app(tenant.app).filter(pk=failed.pk).update(sync_state=SyncState.FAILED)

    response = admin_client.get(_overview_url(tenant.app.pk))

    overview = response.context["overview"]
    [failed_payment] = overview.failed_payments
    assert failed_payment.detail.startswith("USD 15.00 — payer — ")
    assert [failure.object_id for failure in overview.failed_deliveries] == [delivery.pk]
    assert {failure.object_id: failure.status for failure in overview.failed_syncs} == {
        stuck.pk: "pending too long",
        failed.pk: "failed",
    }
    assert synced.pk not in _text(response.content)
    text = _text(response.content)
    assert "connection refused by the app" in text
    assert "Recent failures 4" in text


def test_the_usage_section_lists_every_metric_even_with_no_usage_yet(
    tenant: Tenant, admin_client: Client
):
    metric_create(app=tenant.app, actor=OPERATOR, code="api_calls", name="API calls", unit="call")
    metric_create(app=tenant.app, actor=OPERATOR, code="seats", name="Seats", aggregation="last")

    response = admin_client.get(_overview_url(tenant.app.pk))

    assert response.status_code == 200
    assert [figure.metric.code for figure in response.context["overview"].usage] == [
        "api_calls",
        "seats",
    ]
    assert "api_calls" in _text(response.content)


@pytest.mark.skipif(
    "UsageRollup" not in {model.__name__ for model in apps.get_app_config("usage").get_models()},
    reason="the usage app has no period rollups yet",
)
def test_the_usage_section_sums_this_period_s_rollups_over_customers(
    tenant: Tenant, admin_client: Client
):
    from usage.models import UsageRollup

    metric = metric_create(app=tenant.app, actor=OPERATOR, code="api_calls", name="API calls")
    now = timezone.now()
    for external_id, value, start in (
        ("a", 120, now - timedelta(days=3)),
        ("b", 30, now - timedelta(days=10)),
        ("c", 999, now - timedelta(days=40)),
    ):
        # The rollups as ingestion leaves them; "c"'s period is over and must not count.
        UsageRollup.objects.create(
            app=tenant.app,
            customer=customer_record(tenant.app, external_id),
            metric=metric,
            aggregation="sum",
            period_start=start,
            period_end=start + timedelta(days=30),
            value=value,
            event_count=value // 10,
        )

    response = admin_client.get(_overview_url(tenant.app.pk))

    [figure] = response.context["overview"].usage
    assert (figure.total, figure.event_count, figure.customer_count) == (150, 15, 2)


def test_the_portfolio_lists_every_app_with_its_headline_figures(
    tenant: Tenant, other_tenant: Tenant, admin_client: Client
):
    customer = customer_record(tenant.app, "user-1")
    plan = plan_record(tenant.app, "pro", amount=1200, interval="year")
    subscription_record(tenant.app, customer, plan, SubscriptionStatus.ACTIVE)
    grace_period_open(
        app=tenant.app, actor=OPERATOR, customer=customer, reason=GraceReason.PAYMENT_FAILED
    )
    failed_delivery_record(other_tenant.app)

    response = admin_client.get("/admin/tenants/app/portfolio/")

    assert response.status_code == 200
    rows = {row.app.pk: row for row in response.context["rows"]}
    assert (
        rows[tenant.app.pk].customer_count,
        rows[tenant.app.pk].current_subscription_count,
        rows[tenant.app.pk].mrr,
        rows[tenant.app.pk].open_grace_period_count,
        rows[tenant.app.pk].recent_failure_count,
    ) == (1, 1, [Money(currency="usd", amount_minor=100)], 1, 0)
    assert rows[other_tenant.app.pk].recent_failure_count == 1
    assert rows[other_tenant.app.pk].mrr == []
    content = response.content.decode()
    assert _overview_url(tenant.app.pk) in content
    assert _overview_url(other_tenant.app.pk) in content


def test_the_portfolio_takes_the_same_number_of_queries_for_more_apps(
    tenant: Tenant, other_tenant: Tenant, django_assert_max_num_queries
):
    for app in (tenant.app, other_tenant.app):
        customer = customer_record(app, "user-1")
        subscription_record(
            app, customer, plan_record(app, "pro", amount=100), SubscriptionStatus.ACTIVE
        )

    # One query per figure (failed renewals count on their own), whatever the number of apps.
    with django_assert_max_num_queries(11):
        rows = portfolio_overview()

    assert len(rows) == 2


def test_the_admin_index_and_the_app_pages_link_to_the_dashboard(
    tenant: Tenant, admin_client: Client
):
    index = admin_client.get("/admin/").content.decode()
    app_list = admin_client.get("/admin/tenants/app/").content.decode()
    app_page = admin_client.get(
        f"/admin/tenants/app/{quote(tenant.app.pk)}/change/"
    ).content.decode()

    assert "/admin/tenants/app/portfolio/" in index
    assert "/admin/tenants/app/portfolio/" in app_list
    assert _overview_url(tenant.app.pk) in app_list
    assert _overview_url(tenant.app.pk) in app_page


def test_the_dashboard_needs_a_staff_login(tenant: Tenant):
    anonymous = Client()

    overview = anonymous.get(_overview_url(tenant.app.pk))
    portfolio = anonymous.get("/admin/tenants/app/portfolio/")

    assert overview.status_code == portfolio.status_code == 302
    assert overview["Location"].startswith("/admin/login/")


def test_staff_without_the_app_view_permission_are_refused(tenant: Tenant):
    client = _staff_client()

    overview = client.get(_overview_url(tenant.app.pk))
    portfolio = client.get("/admin/tenants/app/portfolio/")

    assert overview.status_code == portfolio.status_code == 403


def test_staff_who_may_view_apps_but_not_change_grace_periods_get_no_resolve_button(
    tenant: Tenant,
):
    customer = customer_record(tenant.app, "user-1")
    grace_period_open(
        app=tenant.app, actor=OPERATOR, customer=customer, reason=GraceReason.PAYMENT_FAILED
    )
    client = _staff_client("tenants.view_app", "grace.view_graceperiod")

    response = client.get(_overview_url(tenant.app.pk))

    assert response.status_code == 200
    assert "Open grace periods (1)" in _text(response.content)
    assert "resolve_selected" not in response.content.decode()


def test_an_unknown_app_s_overview_is_404(db, admin_client: Client):
    response = admin_client.get(_overview_url("app_doesnotexist"))

    assert response.status_code == 404
