"""Hosted checkout end to end: a session made through our API, its page at Stripe (the emulator)
submitted as a customer's browser submits it, Stripe's webhooks delivered to our endpoint over
HTTP, and what the app then reads through our API. However often and in whatever order the
webhooks arrive, one payment or one subscription comes of one session."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.core.management import call_command
from djstripe.models import WebhookEndpoint

from audit.models import AuditEvent
from billing.providers.stripe import stripe_client
from billing.stripe_account import WEBHOOK_EVENTS
from stripe_emulator.server import EmulatorServer
from tests.factories import (
    CHECKOUT_SUCCESS_URL,
    Clocked,
    Tenant,
    checkout_page_authenticate,
    checkout_page_submit,
    customer_make,
    event_body,
    plan_make,
    settle,
    signed_post,
)


def _session(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    body = {"success_url": CHECKOUT_SUCCESS_URL, "cancel_url": "https://app.example/cart"}
    response = tenant.client.post("/v1/checkout-sessions", {**body, **fields}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _payment_session(tenant: Tenant) -> dict[str, Any]:
    customer = customer_make(tenant.client, payment_method=None)
    return _session(
        tenant,
        mode="payment",
        customer=customer["id"],
        amount=4900,
        currency="usd",
        description="Annual report",
    )


def _get(tenant: Tenant, path: str) -> dict[str, Any]:
    response = tenant.client.get(path)
    assert response.status_code == 200, response.content
    return response.json()


def _payments(tenant: Tenant, customer_id: str) -> list[dict[str, Any]]:
    return _get(tenant, f"/v1/payments?customer={customer_id}")["data"]


def _subscriptions(tenant: Tenant, customer_id: str) -> list[dict[str, Any]]:
    return _get(tenant, f"/v1/subscriptions?customer={customer_id}")["data"]


def _default_card_at_stripe(stripe: EmulatorServer, provider_customer_id: str) -> str | None:
    customer = stripe.state.objects[provider_customer_id]
    default: str | None = customer["invoice_settings"]["default_payment_method"]
    return default


def test_paying_with_4242_completes_the_session_with_one_succeeded_payment(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    session = _payment_session(tenant)

    page = checkout_page_submit(session["url"], "4242 4242 4242 4242")
    settle(stripe)

    completed = _get(tenant, f"/v1/checkout-sessions/{session['id']}")
    payments = _payments(tenant, session["customer"])
    customer = _get(tenant, f"/v1/customers/{session['customer']}")
    assert page.status_code == 303
    assert page.headers["Location"].startswith("https://app.example/thanks?session=cs_test_")
    assert (completed["status"], completed["payment_status"], completed["url"]) == (
        "complete",
        "paid",
        None,
    )
    assert len(payments) == 1
    assert completed["payment"] == payments[0]["id"]
    assert (payments[0]["status"], payments[0]["amount"], payments[0]["currency"]) == (
        "succeeded",
        4900,
        "usd",
    )
    # The card saved at checkout is the customer's default for invoices, here and at Stripe.
    assert customer["default_payment_method"] == completed["payment_method"] != ""
    assert (
        _default_card_at_stripe(stripe, customer["provider_customer_id"])
        == completed["payment_method"]
    )
    completions = AuditEvent.objects.for_app(tenant.app).filter(
        action_type="COMPLETE_CHECKOUT_SESSION", target_id=session["id"]
    )
    assert [event.actor_type for event in completions] == ["stripe"]


def test_a_declined_card_shows_the_decline_and_leaves_the_session_open(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    session = _payment_session(tenant)

    page = checkout_page_submit(session["url"], "4000 0000 0000 0002")
    settle(stripe)

    assert page.status_code == 402
    assert "Your card was declined." in page.text
    assert _get(tenant, f"/v1/checkout-sessions/{session['id']}")["status"] == "open"
    assert _payments(tenant, session["customer"]) == []


def test_the_3155_card_authenticates_then_the_session_is_paid(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    session = _payment_session(tenant)

    challenge = checkout_page_submit(session["url"], "4000 0025 0000 3155")
    settle(stripe)
    open_meanwhile = _get(tenant, f"/v1/checkout-sessions/{session['id']}")["status"]
    done = checkout_page_authenticate(session["url"])
    settle(stripe)

    completed = _get(tenant, f"/v1/checkout-sessions/{session['id']}")
    payments = _payments(tenant, session["customer"])
    assert "Complete authentication" in challenge.text
    assert open_meanwhile == "open"
    assert done.status_code == 303
    assert (completed["status"], completed["payment_status"]) == ("complete", "paid")
    assert [payment["status"] for payment in payments] == ["succeeded"]


def test_subscription_mode_with_a_trial_leaves_one_trialing_subscription_and_the_card_default(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    plan = plan_make(tenant.client, trial_period_days=14)
    session = _session(
        tenant,
        mode="subscription",
        external_id="new-user",
        email="new-user@example.com",
        plan=plan["id"],
        trial_period_days=7,
    )

    page = checkout_page_submit(session["url"], "4242424242424242")
    settle(stripe)

    completed = _get(tenant, f"/v1/checkout-sessions/{session['id']}")
    subscriptions = _subscriptions(tenant, session["customer"])
    customer = _get(tenant, f"/v1/customers/{session['customer']}")
    assert page.status_code == 303
    assert (completed["status"], completed["payment_status"]) == (
        "complete",
        "no_payment_required",
    )
    assert len(subscriptions) == 1
    assert completed["subscription"] == subscriptions[0]["id"]
    assert subscriptions[0]["status"] == "trialing"
    assert subscriptions[0]["trial_period_days"] == 7
    assert subscriptions[0]["sync_state"] == "synced"
    assert customer["external_id"] == "new-user"
    assert customer["email"] == "new-user@example.com"
    assert customer["default_payment_method"] == completed["payment_method"] != ""


def test_setup_mode_saves_the_card_as_the_customers_default(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    customer = customer_make(tenant.client, payment_method="pm_card_visa")
    session = _session(tenant, mode="setup", customer=customer["id"])

    page = checkout_page_submit(session["url"], "5555 5555 5555 4444")
    settle(stripe)

    completed = _get(tenant, f"/v1/checkout-sessions/{session['id']}")
    refreshed = _get(tenant, f"/v1/customers/{customer['id']}")
    assert page.status_code == 303
    assert completed["status"] == "complete"
    assert completed["payment_method"] not in ("", customer["default_payment_method"])
    assert refreshed["default_payment_method"] == completed["payment_method"]
    assert (
        _default_card_at_stripe(stripe, customer["provider_customer_id"])
        == completed["payment_method"]
    )


def test_expiring_a_session_through_the_api_and_its_webhook_expire_it_once(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    session = _payment_session(tenant)

    expired = tenant.client.post(f"/v1/checkout-sessions/{session['id']}/expire")
    settle(stripe)
    again = tenant.client.post(f"/v1/checkout-sessions/{session['id']}/expire")

    assert expired.status_code == 200, expired.content
    assert (expired.json()["status"], expired.json()["url"]) == ("expired", None)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "checkout_session_not_open"
    assert _get(tenant, f"/v1/checkout-sessions/{session['id']}")["status"] == "expired"
    assert (
        AuditEvent.objects.for_app(tenant.app)
        .filter(action_type="EXPIRE_CHECKOUT_SESSION", target_id=session["id"])
        .count()
        == 1
    )
    assert checkout_page_submit(session["url"], "4242424242424242").status_code == 410


def test_a_session_expires_at_stripe_when_its_time_passes(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    session = _payment_session(tenant)

    stripe.advance(25 * 3600)
    settle(stripe)

    expired = _get(tenant, f"/v1/checkout-sessions/{session['id']}")
    assert expired["status"] == "expired"
    assert [
        event.actor_type
        for event in AuditEvent.objects.for_app(tenant.app).filter(
            action_type="EXPIRE_CHECKOUT_SESSION"
        )
    ] == ["stripe"]


def test_a_test_clock_customers_session_expires_when_the_clock_passes_it(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer(external_id="on-a-clock")
    session = _session(tenant, mode="setup", customer=customer["id"])

    clocked.advance(23 * 3600)
    open_before = _get(tenant, f"/v1/checkout-sessions/{session['id']}")["status"]
    clocked.advance(2 * 3600)

    assert open_before == "open"
    assert _get(tenant, f"/v1/checkout-sessions/{session['id']}")["status"] == "expired"


def test_a_card_saved_in_setup_mode_after_authentication_pays_off_session(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    customer = customer_make(tenant.client, payment_method=None)
    session = _session(tenant, mode="setup", customer=customer["id"])

    checkout_page_submit(session["url"], "4000 0025 0000 3155")
    checkout_page_authenticate(session["url"])
    settle(stripe)
    payment = tenant.client.post(
        "/v1/payments",
        {"customer": customer["id"], "amount": 700, "currency": "usd", "off_session": True},
        format="json",
    )
    settle(stripe)

    assert _get(tenant, f"/v1/checkout-sessions/{session['id']}")["status"] == "complete"
    assert payment.status_code == 201, payment.content
    assert payment.json()["status"] == "succeeded"


def test_checkout_webhooks_held_back_then_delivered_three_times_newest_first_leave_one_row(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint, live_server: Any
):
    plan = plan_make(tenant.client, trial_period_days=3)
    payer = customer_make(tenant.client, external_id="payer", payment_method=None)
    subscription_session = _session(
        tenant, mode="subscription", external_id="subscriber", plan=plan["id"]
    )
    payment_session = _session(
        tenant, mode="payment", customer=payer["id"], amount=1500, currency="usd"
    )
    stripe_client().v1.webhook_endpoints.update(stripe_webhooks.id, {"disabled": True})
    already_seen = {event["id"] for event in stripe.events()}

    checkout_page_submit(subscription_session["url"], "4242424242424242")
    checkout_page_submit(payment_session["url"], "4242424242424242")
    held_back = [
        event
        for event in stripe.events()
        if event["id"] not in already_seen and event["type"] in WEBHOOK_EVENTS
    ]
    replies = [
        signed_post(live_server.url, stripe_webhooks, event_body(event)).status_code
        for _ in range(3)
        for event in reversed(held_back)
    ]
    # Every stored event's handlers run once more, as an operator's replay does.
    call_command("replay_stripe_events", *[f"--id={event['id']}" for event in held_back])

    types = [event["type"] for event in held_back]
    assert types.index("checkout.session.completed") > types.index("customer.subscription.created")
    assert set(replies) == {200}
    subscriptions = _subscriptions(tenant, subscription_session["customer"])
    assert len(subscriptions) == 1
    assert subscriptions[0]["status"] == "trialing"
    payments = _payments(tenant, payer["id"])
    assert [payment["status"] for payment in payments] == ["succeeded"]
    assert (
        _get(tenant, f"/v1/checkout-sessions/{subscription_session['id']}")["subscription"]
        == subscriptions[0]["id"]
    )
    assert (
        _get(tenant, f"/v1/checkout-sessions/{payment_session['id']}")["payment"]
        == payments[0]["id"]
    )
    audit = AuditEvent.objects.for_app(tenant.app)
    assert audit.filter(action_type="COMPLETE_CHECKOUT_SESSION").count() == 2
    assert audit.filter(action_type="CREATE_SUBSCRIPTION").count() == 1
    assert audit.filter(action_type="CREATE_PAYMENT").count() == 1


def test_a_session_made_outside_our_api_is_ignored(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    customer = customer_make(tenant.client, payment_method=None)
    theirs = stripe_client().v1.checkout.sessions.create(
        params={
            "mode": "setup",
            "customer": customer["provider_customer_id"],
            "success_url": CHECKOUT_SUCCESS_URL,
        }
    )

    page = checkout_page_submit(str(theirs.url), "4242424242424242")
    settle(stripe)

    assert page.status_code == 303
    assert _get(tenant, "/v1/checkout-sessions")["data"] == []
    # Not ours: the customer's default card is left as the other system left it.
    assert _get(tenant, f"/v1/customers/{customer['id']}")["default_payment_method"] == ""


def test_completion_and_subscription_created_delivered_at_once_leave_one_subscription(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint, live_server: Any
):
    plan = plan_make(tenant.client, trial_period_days=3)
    session = _session(tenant, mode="subscription", external_id="racer", plan=plan["id"])
    stripe_client().v1.webhook_endpoints.update(stripe_webhooks.id, {"disabled": True})
    already_seen = {event["id"] for event in stripe.events()}
    checkout_page_submit(session["url"], "4242424242424242")
    held_back = [
        event
        for event in stripe.events()
        if event["id"] not in already_seen and event["type"] in WEBHOOK_EVENTS
    ]
    racing = [
        event
        for event in held_back
        if event["type"] in ("checkout.session.completed", "customer.subscription.created")
    ]

    def deliver_until_accepted(event: dict[str, Any]) -> int:
        # As Stripe does, an answer other than 2xx is delivered again.
        for _ in range(5):
            status = signed_post(live_server.url, stripe_webhooks, event_body(event)).status_code
            if status == 200:
                return status
        return status

    with ThreadPoolExecutor(max_workers=len(racing)) as pool:
        raced = list(pool.map(deliver_until_accepted, racing))
    rest = [deliver_until_accepted(event) for event in held_back if event not in racing]

    assert len(racing) == 2
    assert set(raced) | set(rest) == {200}
    subscriptions = _subscriptions(tenant, session["customer"])
    assert [subscription["status"] for subscription in subscriptions] == ["trialing"]
    assert (
        _get(tenant, f"/v1/checkout-sessions/{session['id']}")["subscription"]
        == subscriptions[0]["id"]
    )
