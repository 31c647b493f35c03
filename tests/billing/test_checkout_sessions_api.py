"""`/v1/checkout-sessions` through the API: what each mode takes, what Stripe (the emulator) is
asked, the answer's hosted `url`, bad input as 400s naming the field, Idempotency-Key, outages,
audit and tenant isolation."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from billing.models import CheckoutSession
from stripe_emulator.server import EmulatorServer
from tests.factories import CHECKOUT_SUCCESS_URL, Tenant, customer_make, plan_make


def _create(api: APIClient, idempotency_key: str | None = None, **fields: Any) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}
    body = {"success_url": CHECKOUT_SUCCESS_URL, **fields}
    return api.post("/v1/checkout-sessions", body, format="json", **headers)


def _stripe_session(stripe: EmulatorServer, session: dict[str, Any]) -> dict[str, Any]:
    stored: dict[str, Any] = stripe.state.render(
        stripe.state.objects[session["provider_session_id"]], ["line_items"]
    )
    return stored


def test_a_payment_session_answers_the_hosted_url_open_and_its_expiry(
    tenant: Tenant, stripe: EmulatorServer
):
    customer = customer_make(tenant.client, payment_method=None)

    response = _create(
        tenant.client,
        mode="payment",
        customer=customer["id"],
        amount=2500,
        currency="usd",
        description="Report",
        cancel_url="https://app.example/cart",
        metadata={"order": "42"},
    )

    assert response.status_code == 201, response.content
    session = response.json()
    assert session["id"].startswith("chk_")
    assert session["object"] == "checkout_session"
    assert (session["mode"], session["status"], session["payment_status"]) == (
        "payment",
        "open",
        "unpaid",
    )
    assert session["url"].endswith(f"/pages/checkout/{session['provider_session_id']}")
    assert session["expires_at"] is not None
    at_stripe = _stripe_session(stripe, session)
    assert at_stripe["customer"] == customer["provider_customer_id"]
    assert at_stripe["metadata"] == {
        "order": "42",
        "app_id": tenant.app.pk,
        "checkout_session_id": session["id"],
    }
    item = at_stripe["line_items"]["data"][0]
    assert (item["amount_total"], item["currency"], item["description"]) == (2500, "usd", "Report")
    assert at_stripe["cancel_url"] == "https://app.example/cart"
    created = AuditEvent.objects.for_app(tenant.app).filter(
        action_type="CREATE_CHECKOUT_SESSION", target_id=session["id"]
    )
    assert created.count() == 1


def test_a_subscription_session_takes_the_plans_prices_and_its_trial_or_an_override(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client, trial_period_days=14)
    customer = customer_make(tenant.client, payment_method=None)

    plans_trial = _create(
        tenant.client, mode="subscription", customer=customer["id"], plan=plan["id"]
    )
    no_trial = _create(
        tenant.client,
        mode="subscription",
        customer=customer["id"],
        plan=plan["id"],
        trial_period_days=0,
    )

    assert plans_trial.status_code == 201, plans_trial.content
    assert plans_trial.json()["trial_period_days"] == 14
    assert no_trial.json()["trial_period_days"] == 0
    with_trial = stripe.state.objects[plans_trial.json()["provider_session_id"]]
    without_trial = stripe.state.objects[no_trial.json()["provider_session_id"]]
    assert with_trial["_subscription_data"]["trial_period_days"] == "14"
    assert "trial_period_days" not in without_trial["_subscription_data"]
    assert with_trial["mode"] == "subscription"
    [item] = with_trial["_line_items"]
    assert stripe.state.objects[item["price"]]["unit_amount"] == 2000


def test_external_id_makes_the_customer_once(tenant: Tenant):
    first = _create(tenant.client, mode="setup", external_id="user-9", email="u9@example.com")
    second = _create(tenant.client, mode="setup", external_id="user-9")

    assert first.status_code == second.status_code == 201
    assert first.json()["customer"] == second.json()["customer"]
    customer = tenant.client.get(f"/v1/customers/{first.json()['customer']}").json()
    assert (customer["external_id"], customer["email"]) == ("user-9", "u9@example.com")


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({}, "mode"),
        ({"mode": "donation"}, "mode"),
        ({"mode": "payment", "currency": "usd"}, "amount"),
        ({"mode": "payment", "amount": 500}, "currency"),
        ({"mode": "payment", "amount": 0, "currency": "usd"}, "amount"),
        ({"mode": "setup", "success_url": "ftp://app.example/done"}, "success_url"),
        ({"mode": "setup", "success_url": "javascript:alert(1)"}, "success_url"),
        ({"mode": "setup", "cancel_url": "not a url"}, "cancel_url"),
        ({"mode": "subscription"}, "plan"),
        ({"mode": "setup", "plan": "plan_x"}, "plan"),
        ({"mode": "setup", "amount": 100}, "amount"),
        ({"mode": "setup", "trial_period_days": 3}, "trial_period_days"),
        ({"mode": "payment", "amount": 10, "currency": "usd"}, "amount"),
        ({"mode": "payment", "amount": 500, "currency": "USD"}, "currency"),
        ({"mode": "setup", "surprise": True}, "surprise"),
        ({"mode": "setup", "metadata": {"k": 1}}, "metadata.k"),
    ],
)
def test_bad_input_answers_400_naming_the_field(tenant: Tenant, fields: dict[str, Any], param: str):
    customer = customer_make(tenant.client, payment_method=None)
    body = {"customer": customer["id"], **fields}

    response = _create(tenant.client, **body)

    assert response.status_code == 400, response.content
    assert response.json()["error"]["param"] == param
    assert CheckoutSession.objects.for_app(tenant.app).count() == 0


def test_a_customer_and_an_external_id_together_or_neither_answer_400(tenant: Tenant):
    customer = customer_make(tenant.client, payment_method=None)

    both = _create(tenant.client, mode="setup", customer=customer["id"], external_id="x")
    neither = _create(tenant.client, mode="setup")

    assert both.status_code == neither.status_code == 400
    assert both.json()["error"]["param"] == neither.json()["error"]["param"] == "customer"


def test_an_archived_plan_answers_400_on_plan(tenant: Tenant):
    plan = plan_make(tenant.client)
    archived = tenant.client.post(f"/v1/plans/{plan['id']}/archive")
    assert archived.status_code == 200, archived.content
    customer = customer_make(tenant.client, payment_method=None)

    response = _create(tenant.client, mode="subscription", customer=customer["id"], plan=plan["id"])

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "plan"
    assert response.json()["error"]["code"] == "plan_archived"


def test_another_apps_customer_or_plan_is_not_found(tenant: Tenant, other_tenant: Tenant):
    theirs = customer_make(other_tenant.client, payment_method=None)
    their_plan = plan_make(other_tenant.client)
    ours = customer_make(tenant.client, payment_method=None)

    with_their_customer = _create(tenant.client, mode="setup", customer=theirs["id"])
    with_their_plan = _create(
        tenant.client, mode="subscription", customer=ours["id"], plan=their_plan["id"]
    )

    assert with_their_customer.status_code == 404
    assert with_their_plan.status_code == 404


def test_another_apps_session_is_not_found(tenant: Tenant, other_tenant: Tenant):
    theirs = _create(other_tenant.client, mode="setup", external_id="theirs").json()

    read = tenant.client.get(f"/v1/checkout-sessions/{theirs['id']}")
    expired = tenant.client.post(f"/v1/checkout-sessions/{theirs['id']}/expire")
    listed = tenant.client.get("/v1/checkout-sessions").json()["data"]

    assert read.status_code == expired.status_code == 404
    assert listed == []
    assert other_tenant.client.get(f"/v1/checkout-sessions/{theirs['id']}").status_code == 200


def test_the_same_idempotency_key_answers_the_same_session_and_asks_stripe_once(
    tenant: Tenant, stripe: EmulatorServer
):
    customer = customer_make(tenant.client, payment_method=None)
    body = {"mode": "payment", "customer": customer["id"], "amount": 900, "currency": "usd"}

    first = _create(tenant.client, idempotency_key="order-1", **body)
    second = _create(tenant.client, idempotency_key="order-1", **body)

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert CheckoutSession.objects.for_app(tenant.app).count() == 1
    created_at_stripe = [
        entry
        for entry in stripe.requests()
        if entry["method"] == "POST" and entry["path"] == "/v1/checkout/sessions"
    ]
    assert len(created_at_stripe) == 1


def test_a_stripe_outage_answers_502_and_leaves_nothing_then_a_retry_succeeds(
    tenant: Tenant, stripe: EmulatorServer
):
    customer = customer_make(tenant.client, payment_method=None)
    body = {"mode": "setup", "customer": customer["id"]}

    stripe.set_faults(status=500, count=10, path_prefix="/v1/checkout")
    failed = _create(tenant.client, idempotency_key="setup-1", **body)
    stripe.clear_faults()
    retried = _create(tenant.client, idempotency_key="setup-1", **body)

    assert failed.status_code == 502
    assert retried.status_code == 201, retried.content
    assert CheckoutSession.objects.for_app(tenant.app).count() == 1


def test_sessions_are_listed_newest_first_and_filtered(tenant: Tenant):
    customer = customer_make(tenant.client, payment_method=None)
    first = _create(tenant.client, mode="setup", customer=customer["id"]).json()
    second = _create(tenant.client, mode="setup", external_id="someone-else").json()
    tenant.client.post(f"/v1/checkout-sessions/{second['id']}/expire")

    everything = tenant.client.get("/v1/checkout-sessions").json()["data"]
    theirs = tenant.client.get(f"/v1/checkout-sessions?customer={customer['id']}").json()["data"]
    expired = tenant.client.get("/v1/checkout-sessions?status=expired").json()["data"]

    assert [session["id"] for session in everything] == [second["id"], first["id"]]
    assert [session["id"] for session in theirs] == [first["id"]]
    assert [session["id"] for session in expired] == [second["id"]]
