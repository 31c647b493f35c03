"""Subscriptions through the API, as they appear in Stripe (the emulator)."""

from billing.models import Subscription
from stripe_emulator.server import EmulatorServer
from tests.factories import (
    DAY_SECONDS,
    Tenant,
    customer_make,
    metric_make,
    multiple_subscriptions_allow,
    plan_make,
    stripe_items,
    stripe_subscriptions,
    subscribe,
)


def test_a_trial_subscription_is_trialing_at_stripe_with_our_metadata(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client, trial_period_days=14)
    customer = customer_make(tenant.client)

    response = subscribe(tenant.client, customer, plan, metadata={"seat": "7"})

    assert response.status_code == 201, response.content
    subscription = response.json()
    assert subscription["id"].startswith("sub_")
    assert subscription["object"] == "subscription"
    assert subscription["status"] == "trialing"
    assert subscription["sync_state"] == "synced"
    assert subscription["customer"] == customer["id"]
    assert subscription["plan"] == plan["id"]
    assert subscription["plan_version"] == 1
    assert subscription["trial_period_days"] == 14
    assert subscription["trial_end"] is not None
    assert subscription["current_period_end"] == subscription["trial_end"]
    at_stripe = stripe.state.objects[subscription["provider_subscription_id"]]
    assert at_stripe["status"] == "trialing"
    assert at_stripe["customer"] == customer["provider_customer_id"]
    assert at_stripe["trial_end"] - at_stripe["trial_start"] == 14 * DAY_SECONDS
    assert at_stripe["metadata"] == {
        "seat": "7",
        "app_id": tenant.app.pk,
        "subscription_id": subscription["id"],
    }


def test_trial_period_days_overrides_the_plans_trial(tenant: Tenant, stripe: EmulatorServer):
    plan = plan_make(tenant.client, trial_period_days=14)
    customer = customer_make(tenant.client)

    subscription = subscribe(tenant.client, customer, plan, trial_period_days=3).json()

    at_stripe = stripe.state.objects[subscription["provider_subscription_id"]]
    assert subscription["trial_period_days"] == 3
    assert at_stripe["trial_end"] - at_stripe["trial_start"] == 3 * DAY_SECONDS


def test_a_zero_trial_override_starts_paying_at_once(tenant: Tenant, stripe: EmulatorServer):
    plan = plan_make(tenant.client, trial_period_days=14)
    customer = customer_make(tenant.client)

    subscription = subscribe(tenant.client, customer, plan, trial_period_days=0).json()

    assert subscription["status"] == "active"
    assert subscription["trial_end"] is None


def test_a_plan_without_trial_charges_the_card_and_is_active(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client)
    customer = customer_make(tenant.client)

    subscription = subscribe(tenant.client, customer, plan).json()

    assert subscription["status"] == "active"
    at_stripe = stripe.state.objects[subscription["provider_subscription_id"]]
    invoice = stripe.state.objects[at_stripe["latest_invoice"]]
    assert invoice["status"] == "paid"
    assert invoice["amount_paid"] == 2000
    assert subscription["current_period_start"] is not None
    assert subscription["current_period_end"] > subscription["current_period_start"]


def test_a_customer_without_a_payment_method_and_no_trial_gets_what_stripe_answers(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client)
    customer = customer_make(tenant.client, payment_method=None)

    response = subscribe(tenant.client, customer, plan)

    assert response.status_code == 201, response.content
    subscription = response.json()
    at_stripe = stripe.state.objects[subscription["provider_subscription_id"]]
    assert at_stripe["status"] == "incomplete"
    assert subscription["status"] == "incomplete"


def test_a_payment_method_in_the_request_becomes_the_subscriptions_and_customers_default(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client)
    customer = customer_make(tenant.client, payment_method=None)

    subscription = subscribe(tenant.client, customer, plan, payment_method="pm_card_visa").json()

    assert subscription["status"] == "active"
    assert subscription["payment_method"].startswith("pm_")
    at_stripe = stripe.state.objects[subscription["provider_subscription_id"]]
    assert at_stripe["default_payment_method"] == subscription["payment_method"]
    refreshed = tenant.client.get(f"/v1/customers/{customer['id']}").json()
    assert refreshed["default_payment_method"] == subscription["payment_method"]


def test_a_declined_payment_method_answers_402_and_subscribes_nothing(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client)
    customer = customer_make(tenant.client, payment_method=None)

    response = subscribe(tenant.client, customer, plan, payment_method="pm_card_chargeDeclined")

    assert response.status_code == 402
    assert response.json()["error"]["decline_code"] == "generic_decline"
    assert not Subscription.objects.for_app(tenant.app).exists()
    assert stripe_subscriptions(stripe) == []


def test_a_metered_plan_subscribes_one_item_per_metric_without_quantity(
    tenant: Tenant, stripe: EmulatorServer
):
    metric_make(tenant.client, "api_calls")
    metric_make(tenant.client, "seats")
    plan = plan_make(
        tenant.client,
        base=None,
        metered=[{"metric": "api_calls", "unit_amount": 2}, {"metric": "seats", "unit_amount": 5}],
    )
    customer = customer_make(tenant.client)

    subscription = subscribe(tenant.client, customer, plan).json()

    items = stripe_items(stripe, subscription["provider_subscription_id"])
    assert sorted(item["price"] for item in items) == sorted(
        component["provider_price_id"] for component in plan["metered"]
    )
    assert all(item["quantity"] is None for item in items)
    assert subscription["status"] == "active"


def test_a_hybrid_plan_subscribes_the_base_price_and_each_metered_price(
    tenant: Tenant, stripe: EmulatorServer
):
    metric_make(tenant.client, "api_calls")
    plan = plan_make(
        tenant.client,
        metered=[{"metric": "api_calls", "unit_amount": 1, "included_quantity": 1000}],
    )
    customer = customer_make(tenant.client)

    subscription = subscribe(tenant.client, customer, plan).json()

    items = {
        item["price"]: item
        for item in stripe_items(stripe, subscription["provider_subscription_id"])
    }
    assert items[plan["base"]["provider_price_id"]]["quantity"] == 1
    assert items[plan["metered"][0]["provider_price_id"]]["quantity"] is None
    assert len(items) == 2


def test_an_archived_plan_answers_400(tenant: Tenant, stripe: EmulatorServer):
    plan = plan_make(tenant.client)
    tenant.client.post(f"/v1/plans/{plan['id']}/archive")
    customer = customer_make(tenant.client)

    response = subscribe(tenant.client, customer, plan)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "plan_archived"
    assert response.json()["error"]["param"] == "plan"
    assert stripe_subscriptions(stripe) == []


def test_an_unknown_customer_or_plan_answers_404_naming_the_field(
    tenant: Tenant, other_tenant: Tenant
):
    plan = plan_make(tenant.client)
    customer = customer_make(tenant.client)
    their_customer = customer_make(other_tenant.client)

    unknown_plan = subscribe(tenant.client, customer, {"id": "plan_nope"})
    foreign_customer = subscribe(tenant.client, their_customer, plan)

    assert unknown_plan.status_code == 404
    assert unknown_plan.json()["error"]["param"] == "plan"
    assert foreign_customer.status_code == 404
    assert foreign_customer.json()["error"]["param"] == "customer"


def test_bad_input_answers_400_naming_the_field(tenant: Tenant):
    response = tenant.client.post(
        "/v1/subscriptions",
        {"customer": "cus_x", "plan": "plan_x", "trial_period_days": "7"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "trial_period_days"


def test_retrieve_answers_the_subscription(tenant: Tenant):
    plan = plan_make(tenant.client)
    customer = customer_make(tenant.client)
    created = subscribe(tenant.client, customer, plan).json()

    response = tenant.client.get(f"/v1/subscriptions/{created['id']}")

    assert response.status_code == 200
    assert response.json() == created


def test_list_filters_by_customer_and_status_newest_first(tenant: Tenant):
    # Ada holds two subscriptions at once, which the app must allow.
    multiple_subscriptions_allow(tenant)
    trial_plan = plan_make(tenant.client, "trial", trial_period_days=7)
    paid_plan = plan_make(tenant.client, "paid")
    ada = customer_make(tenant.client, external_id="ada")
    bob = customer_make(tenant.client, external_id="bob")
    ada_trial = subscribe(tenant.client, ada, trial_plan).json()
    ada_paid = subscribe(tenant.client, ada, paid_plan).json()
    bob_trial = subscribe(tenant.client, bob, trial_plan).json()

    everything = tenant.client.get("/v1/subscriptions").json()
    adas = tenant.client.get("/v1/subscriptions", {"customer": ada["id"]}).json()
    trialing = tenant.client.get("/v1/subscriptions", {"status": "trialing"}).json()
    adas_active = tenant.client.get(
        "/v1/subscriptions", {"customer": ada["id"], "status": "active"}
    ).json()
    first_page = tenant.client.get("/v1/subscriptions", {"limit": 2}).json()

    assert [item["id"] for item in everything["data"]] == [
        bob_trial["id"],
        ada_paid["id"],
        ada_trial["id"],
    ]
    assert [item["id"] for item in adas["data"]] == [ada_paid["id"], ada_trial["id"]]
    assert [item["id"] for item in trialing["data"]] == [bob_trial["id"], ada_trial["id"]]
    assert [item["id"] for item in adas_active["data"]] == [ada_paid["id"]]
    assert first_page["has_more"] is True
    assert len(first_page["data"]) == 2


def test_an_unknown_status_filter_answers_400(tenant: Tenant):
    response = tenant.client.get("/v1/subscriptions", {"status": "sleeping"})

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "status"
