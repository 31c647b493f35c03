import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse

from api.errors import CardDeclinedError
from billing.models import Customer, Payment, SubscriptionStatus
from billing.payments import payment_create, refund_create
from catalog.services import plan_update
from tests.factories import OPERATOR, Tenant, customer_record, plan_record, subscription_record

BILLING_CHANGELISTS = [
    "/admin/billing/customer/",
    "/admin/catalog/plan/",
    "/admin/billing/subscription/",
    "/admin/billing/payment/",
    "/admin/billing/refund/",
]


def _paid(tenant: Tenant) -> Payment:
    customer = customer_record(
        tenant.app, "payer", email="payer@example.com", payment_method="pm_card_visa"
    )
    return payment_create(
        app=tenant.app, actor=OPERATOR, customer=customer.pk, amount=2500, currency="usd"
    )


def test_every_billing_list_opens_and_none_offers_to_add(tenant: Tenant, admin_client: Client):
    payment = _paid(tenant)
    refund_create(app=tenant.app, actor=OPERATOR, payment_id=payment.pk, amount=500)
    plan = plan_record(tenant.app, "pro", amount=900)
    subscription_record(tenant.app, payment.customer, plan, SubscriptionStatus.ACTIVE)

    pages = [admin_client.get(url) for url in BILLING_CHANGELISTS]

    assert [page.status_code for page in pages] == [200] * len(BILLING_CHANGELISTS)
    for url, page in zip(BILLING_CHANGELISTS, pages, strict=True):
        assert f'href="{url}add/"' not in page.content.decode()
    assert [admin_client.get(url + "add/").status_code for url in BILLING_CHANGELISTS] == [
        403
    ] * len(BILLING_CHANGELISTS)


def test_billing_rows_cannot_be_changed_or_deleted_from_the_admin(
    tenant: Tenant, admin_client: Client
):
    customer = customer_record(tenant.app, "user-1", email="before@example.com")

    changed = admin_client.post(
        f"/admin/billing/customer/{quote(customer.pk)}/change/",
        {"email": "after@example.com", "external_id": "user-1"},
    )
    deleted = admin_client.post(
        f"/admin/billing/customer/{quote(customer.pk)}/delete/", {"post": "yes"}
    )

    assert changed.status_code == deleted.status_code == 403
    assert Customer.objects.for_app(tenant.app).get(pk=customer.pk).email == "before@example.com"


def test_the_payment_list_filters_by_status_and_searches_by_customer(
    tenant: Tenant, admin_client: Client
):
    paid = _paid(tenant)
    declined_customer = customer_record(tenant.app, "decliner", email="no-funds@example.com")
    with pytest.raises(CardDeclinedError):
        payment_create(
            app=tenant.app,
            actor=OPERATOR,
            customer=declined_customer.pk,
            amount=700,
            currency="usd",
            payment_method="pm_card_chargeDeclined",
        )

    failed = admin_client.get("/admin/billing/payment/?status__exact=failed")
    searched = admin_client.get("/admin/billing/payment/?q=payer@example.com")

    assert [payment.customer_id for payment in failed.context["cl"].result_list] == [
        declined_customer.pk
    ]
    assert [payment.pk for payment in searched.context["cl"].result_list] == [paid.pk]


def test_a_payment_page_shows_its_refunds_and_never_its_client_secret(
    tenant: Tenant, admin_client: Client
):
    payment = _paid(tenant)
    refund = refund_create(app=tenant.app, actor=OPERATOR, payment_id=payment.pk, amount=500)
    Payment.objects.for_app(tenant.app).filter(pk=payment.pk).update(
        client_secret="pi_secret_must_not_show"
    )

    page = admin_client.get(f"/admin/billing/payment/{quote(payment.pk)}/change/")

    assert page.status_code == 200
    content = page.content.decode()
    assert refund.pk in content
    assert "USD 25.00" in admin_client.get("/admin/billing/payment/").content.decode()
    assert "pi_secret_must_not_show" not in content


def test_a_plan_page_lists_its_versions_with_their_prices(tenant: Tenant, admin_client: Client):
    plan = plan_record(tenant.app, "pro", amount=900)
    plan_update(
        app=tenant.app,
        actor=OPERATOR,
        plan_id=plan.pk,
        base={"amount": 1900, "interval": "month", "interval_count": 1},
    )

    page = admin_client.get(f"/admin/catalog/plan/{quote(plan.pk)}/change/")

    content = page.content.decode()
    assert page.status_code == 200, (page.status_code, page.headers.get("Location"))
    assert "USD 9.00 / month" in content
    assert "USD 19.00 / month" in content


def test_every_dj_stripe_mirror_is_read_only_with_no_actions(db, admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    mirrors = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "djstripe"
    }

    permissions = {
        (
            model_admin.has_add_permission(request),
            model_admin.has_change_permission(request),
            model_admin.has_delete_permission(request),
            bool(model_admin.get_actions(request)),
        )
        for model_admin in mirrors.values()
    }

    assert len(mirrors) > 20
    assert permissions == {(False, False, False, False)}
    with pytest.raises(NoReverseMatch):
        reverse(
            "admin:djstripe_custom_action",
            kwargs={"action_name": "_cancel", "model_name": "subscription"},
        )


def test_dj_stripe_mirror_pages_open_read_only(db, admin_client: Client):
    events = admin_client.get("/admin/djstripe/event/")
    subscriptions = admin_client.get("/admin/djstripe/subscription/")
    add_product = admin_client.get("/admin/djstripe/product/add/")
    add_key = admin_client.get("/admin/djstripe/apikey/add/")

    assert events.status_code == subscriptions.status_code == 200
    assert add_product.status_code == add_key.status_code == 403
