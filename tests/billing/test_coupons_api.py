"""`/v1/coupons`, `/v1/promotion-codes` and `/v1/customers/{id}/discount` through the public API,
against the Stripe emulator: each is made at Stripe with our metadata, audited once per change,
refused in the one error shape when its terms or limits say no, and another app's answers
404."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from billing.models import Discount
from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant, customer_make, plan_make, subscribe


def _coupon(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    response = tenant.client.post(
        "/v1/coupons", {"duration": "forever", "percent_off": "10", **fields}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def _code(tenant: Tenant, coupon: dict[str, Any], code: str, **fields: Any) -> dict[str, Any]:
    response = tenant.client.post(
        "/v1/promotion-codes", {"coupon": coupon["id"], "code": code, **fields}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def _actions(tenant: Tenant) -> list[str]:
    return list(
        AuditEvent.objects.for_app(tenant.app)
        .order_by("created_at", "pk")
        .values_list("action_type", flat=True)
    )


def test_a_coupon_is_created_at_stripe_listed_and_deleted_with_one_audit_event_each(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client)

    created = tenant.client.post(
        "/v1/coupons",
        {
            "name": "Spring",
            "amount_off": 500,
            "currency": "usd",
            "duration": "repeating",
            "duration_in_months": 2,
            "max_redemptions": 10,
            "plans": [plan["id"]],
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="coupon-1",
    )
    replayed = tenant.client.post(
        "/v1/coupons",
        {
            "name": "Spring",
            "amount_off": 500,
            "currency": "usd",
            "duration": "repeating",
            "duration_in_months": 2,
            "max_redemptions": 10,
            "plans": [plan["id"]],
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="coupon-1",
    )
    assert created.status_code == 201, created.content
    coupon = created.json()
    listed = tenant.client.get("/v1/coupons").json()["data"]
    deleted = tenant.client.delete(f"/v1/coupons/{coupon['id']}")

    assert created.status_code == 201, created.content
    assert replayed.json()["id"] == coupon["id"], replayed.content
    assert coupon["id"].startswith("cpn_") and coupon["currency"] == "usd"
    assert coupon["plans"] == [plan["id"]] and coupon["valid"] is True
    assert [item["id"] for item in listed] == [coupon["id"]]
    at_stripe = stripe.state.objects.get(coupon["provider_coupon_id"])
    assert at_stripe is None  # deleted there too
    assert deleted.status_code == 200 and deleted.json()["deleted_at"] is not None
    assert deleted.json()["valid"] is False
    assert _actions(tenant).count("CREATE_COUPON") == 1
    assert _actions(tenant).count("DELETE_COUPON") == 1


def test_the_coupon_at_stripe_names_the_plans_products_and_our_app(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client)

    coupon = _coupon(tenant, plans=[plan["id"]])

    at_stripe = stripe.state.objects[coupon["provider_coupon_id"]]
    assert at_stripe["applies_to"] == {"products": [plan["provider_product_id"]]}
    assert at_stripe["metadata"] == {"app_id": tenant.app.pk, "coupon_id": coupon["id"]}


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"duration": "once"}, "percent_off"),
        ({"duration": "once", "percent_off": "10", "amount_off": 100}, "amount_off"),
        ({"duration": "once", "amount_off": 100}, "currency"),
        ({"duration": "repeating", "percent_off": "10"}, "duration_in_months"),
        ({"duration": "once", "percent_off": "150"}, "percent_off"),
        ({"duration": "once", "percent_off": "10", "plans": ["plan_missing"]}, "plans[0]"),
    ],
)
def test_a_coupon_with_bad_terms_answers_4xx_naming_the_field_and_writes_nothing(
    tenant: Tenant, stripe: EmulatorServer, fields: dict[str, Any], param: str
):
    response = tenant.client.post("/v1/coupons", fields, format="json")

    assert response.status_code in (400, 404), response.content
    assert response.json()["error"]["param"] == param
    assert tenant.client.get("/v1/coupons").json()["data"] == []
    assert stripe.state.list_objects("coupon") == []


def test_an_active_code_is_unique_in_any_case_and_a_deactivated_one_frees_it(
    tenant: Tenant, stripe: EmulatorServer
):
    coupon = _coupon(tenant)
    first = _code(tenant, coupon, "SPRING")

    taken = tenant.client.post(
        "/v1/promotion-codes", {"coupon": coupon["id"], "code": "spring"}, format="json"
    )
    deactivated = tenant.client.post(
        f"/v1/promotion-codes/{first['id']}/deactivate", {}, format="json"
    )
    assert deactivated.status_code == 200, deactivated.content
    again = _code(tenant, coupon, "spring")
    found = tenant.client.get("/v1/promotion-codes", {"code": "Spring", "active": "true"})

    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "promotion_code_taken"
    assert deactivated.json()["active"] is False, deactivated.content
    assert stripe.state.objects[first["provider_promotion_code_id"]]["active"] is False
    assert [item["id"] for item in found.json()["data"]] == [again["id"]]
    assert _actions(tenant).count("CREATE_PROMOTION_CODE") == 2
    assert _actions(tenant).count("DEACTIVATE_PROMOTION_CODE") == 1


def test_a_code_once_per_customer_answers_400_the_second_time(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client, trial_period_days=0)
    coupon = _coupon(tenant)
    code = _code(tenant, coupon, "ONCE", max_redemptions_per_customer=1)
    customer = customer_make(tenant.client, payment_method="pm_card_visa")
    given = tenant.client.post(
        f"/v1/customers/{customer['id']}/discount", {"promotion_code": "ONCE"}, format="json"
    )

    refused = subscribe(tenant.client, customer, plan, promotion_code=code["id"])

    assert given.status_code == 201, given.content
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "promotion_code_customer_limit_reached"
    assert tenant.client.get("/v1/subscriptions").json()["data"] == []


def test_the_customers_discount_applies_to_the_subscription_they_start_and_can_be_removed(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client, trial_period_days=0)
    coupon = _coupon(tenant, percent_off="25")
    customer = customer_make(tenant.client, payment_method="pm_card_visa")
    given = tenant.client.post(
        f"/v1/customers/{customer['id']}/discount", {"coupon": coupon["id"]}, format="json"
    )

    subscription = subscribe(tenant.client, customer, plan).json()
    shown = tenant.client.get(f"/v1/customers/{customer['id']}/discount").json()
    removed = tenant.client.delete(f"/v1/customers/{customer['id']}/discount")
    removed_again = tenant.client.delete(f"/v1/customers/{customer['id']}/discount")

    assert given.json()["discount"]["coupon"]["id"] == coupon["id"]
    assert subscription["discount"]["coupon"] == coupon["id"]
    at_stripe = stripe.state.objects[subscription["provider_subscription_id"]]
    [discount_id] = at_stripe["discounts"]
    assert stripe.state.objects[discount_id]["source"]["coupon"] == coupon["provider_coupon_id"]
    invoice = stripe.state.objects[at_stripe["latest_invoice"]]
    assert invoice["total"] == 1500
    assert shown["discount"]["target"] == "customer"
    assert removed.json()["discount"] is None
    assert removed_again.status_code == 404
    assert tenant.client.get(f"/v1/customers/{customer['id']}/discount").json()["discount"] is None
    # Carried over from the customer: one redemption, not two.
    assert tenant.client.get(f"/v1/coupons/{coupon['id']}").json()["times_redeemed"] == 1
    assert _actions(tenant).count("APPLY_DISCOUNT") == 2
    assert _actions(tenant).count("REMOVE_DISCOUNT") == 1


def test_a_coupon_for_other_plans_or_past_its_limit_answers_400(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client, trial_period_days=0)
    other_plan = plan_make(tenant.client, code="other", trial_period_days=0)
    for_other = _coupon(tenant, plans=[other_plan["id"]])
    single = _coupon(tenant, max_redemptions=1)
    first = customer_make(tenant.client, external_id="first", payment_method="pm_card_visa")
    second = customer_make(tenant.client, external_id="second", payment_method="pm_card_visa")

    not_applicable = subscribe(tenant.client, first, plan, coupon=for_other["id"])
    used = subscribe(tenant.client, first, plan, coupon=single["id"])
    exhausted = subscribe(tenant.client, second, plan, coupon=single["id"])

    assert not_applicable.json()["error"]["code"] == "coupon_not_applicable"
    assert used.status_code == 201, used.content
    assert exhausted.status_code == 400
    assert exhausted.json()["error"]["code"] == "coupon_max_redemptions_reached"


def test_a_plan_change_now_with_a_promotion_code_replaces_the_discount(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client, trial_period_days=0)
    bigger = plan_make(
        tenant.client,
        code="bigger",
        trial_period_days=0,
        base={"amount": 4000, "interval": "month"},
    )
    first_coupon = _coupon(tenant)
    code = _code(tenant, _coupon(tenant, percent_off="50"), "HALF")
    customer = customer_make(tenant.client, payment_method="pm_card_visa")
    subscription = subscribe(tenant.client, customer, plan, coupon=first_coupon["id"]).json()

    changed = tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/change-plan",
        {"plan": bigger["id"], "promotion_code": "half", "at": "now"},
        format="json",
    )

    assert changed.status_code == 200, changed.content
    assert changed.json()["discount"]["promotion_code"] == code["id"]
    at_stripe = stripe.state.objects[subscription["provider_subscription_id"]]
    [discount_id] = at_stripe["discounts"]
    assert stripe.state.objects[discount_id]["promotion_code"] == code["provider_promotion_code_id"]
    live = Discount.objects.for_app(tenant.app).filter(removed_at__isnull=True)
    assert list(live.values_list("promotion_code_id", flat=True)) == [code["id"]]


def test_another_apps_coupon_or_code_answers_404(
    tenant: Tenant, other_tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client, trial_period_days=0)
    theirs = _coupon(other_tenant)
    _code(other_tenant, theirs, "THEIRS")
    customer = customer_make(tenant.client, payment_method="pm_card_visa")

    by_coupon = subscribe(tenant.client, customer, plan, coupon=theirs["id"])
    by_code = subscribe(tenant.client, customer, plan, promotion_code="THEIRS")
    for_customer = tenant.client.post(
        f"/v1/customers/{customer['id']}/discount", {"coupon": theirs["id"]}, format="json"
    )
    code_for_their_coupon = tenant.client.post(
        "/v1/promotion-codes", {"coupon": theirs["id"], "code": "MINE"}, format="json"
    )

    for response, param in (
        (by_coupon, "coupon"),
        (by_code, "promotion_code"),
        (for_customer, "coupon"),
        (code_for_their_coupon, "coupon"),
    ):
        assert response.status_code == 404, response.content
        assert response.json()["error"]["type"] == "not_found"
        assert response.json()["error"]["param"] == param


def test_an_expired_or_deactivated_code_answers_400_and_redeems_nothing(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client, trial_period_days=0)
    coupon = _coupon(tenant)
    expires_at = timezone.now() + timedelta(hours=1)
    soon = _code(tenant, coupon, "SOON", expires_at=expires_at.isoformat())
    retired = _code(tenant, coupon, "RETIRED")
    tenant.client.post(f"/v1/promotion-codes/{retired['id']}/deactivate", {}, format="json")
    customer = customer_make(tenant.client, payment_method="pm_card_visa")

    with time_machine.travel(expires_at + timedelta(minutes=1), tick=False):
        expired = subscribe(tenant.client, customer, plan, promotion_code="soon")
    inactive = subscribe(tenant.client, customer, plan, promotion_code=retired["id"])

    assert expired.status_code == 400
    assert expired.json()["error"]["code"] == "promotion_code_expired"
    assert inactive.status_code == 400
    assert inactive.json()["error"]["code"] == "promotion_code_inactive"
    assert tenant.client.get(f"/v1/promotion-codes/{soon['id']}").json()["times_redeemed"] == 0
    assert Discount.objects.for_app(tenant.app).count() == 0
    assert tenant.client.get("/v1/subscriptions").json()["data"] == []


def test_a_subscription_with_a_coupon_records_one_redemption_with_one_audit_event(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client, trial_period_days=0)
    coupon = _coupon(tenant, max_redemptions=5)
    customer = customer_make(tenant.client, payment_method="pm_card_visa")

    first = subscribe(tenant.client, customer, plan, idempotency_key="sub-1", coupon=coupon["id"])
    again = subscribe(tenant.client, customer, plan, idempotency_key="sub-1", coupon=coupon["id"])

    assert first.status_code == 201, first.content
    assert again.json()["id"] == first.json()["id"]
    assert tenant.client.get(f"/v1/coupons/{coupon['id']}").json()["times_redeemed"] == 1
    assert _actions(tenant).count("APPLY_DISCOUNT") == 1
    at_stripe = stripe.state.objects[coupon["provider_coupon_id"]]
    assert at_stripe["times_redeemed"] == 1


def test_a_coupon_and_a_promotion_code_together_answer_400(tenant: Tenant, stripe: EmulatorServer):
    plan = plan_make(tenant.client, trial_period_days=0)
    coupon = _coupon(tenant)
    _code(tenant, coupon, "BOTH")
    customer = customer_make(tenant.client, payment_method="pm_card_visa")

    response = subscribe(tenant.client, customer, plan, coupon=coupon["id"], promotion_code="BOTH")

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "promotion_code"


def test_listing_subscriptions_reads_their_discounts_in_one_query_for_the_page(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client)
    coupon = _coupon(tenant)
    for number in range(3):
        customer = customer_make(tenant.client, external_id=f"list-{number}")
        assert subscribe(tenant.client, customer, plan, coupon=coupon["id"]).status_code == 201

    with CaptureQueriesContext(connection) as one:
        first = tenant.client.get("/v1/subscriptions", {"limit": 1}).json()["data"]
    with CaptureQueriesContext(connection) as three:
        every = tenant.client.get("/v1/subscriptions", {"limit": 3}).json()["data"]

    assert [item["discount"]["coupon"] for item in first] == [coupon["id"]]
    assert [item["discount"]["coupon"] for item in every] == [coupon["id"]] * 3
    assert len(three) == len(one)
