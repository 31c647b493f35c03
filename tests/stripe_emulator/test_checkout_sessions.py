"""Checkout Sessions at the emulator: Stripe's parameters and object shape, the hosted page a
customer pays on (Stripe's test card numbers typed into a plain HTML form), the events in
Stripe's order, and expiry."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
import stripe

from stripe_emulator.server import EmulatorServer

SUCCESS_URL = "https://app.example/done?session={CHECKOUT_SESSION_ID}"
CANCEL_URL = "https://app.example/cart"


def _declared_attributes(resource_class: Any) -> set[str]:
    names: set[str] = set()
    for klass in resource_class.__mro__:
        names |= set(vars(klass).get("__annotations__", {}))
    return {name for name in names if name[0].islower()}


def _customer(client: stripe.StripeClient) -> stripe.Customer:
    return client.v1.customers.create(params={"email": "buyer@example.com"})


def _payment_session(client: stripe.StripeClient, **overrides: Any) -> stripe.checkout.Session:
    params: dict[str, Any] = {
        "mode": "payment",
        "customer": _customer(client).id,
        "line_items": [
            {
                "price_data": {
                    "currency": "usd",
                    "unit_amount": 2500,
                    "product_data": {"name": "Report"},
                },
                "quantity": 1,
            }
        ],
        "payment_intent_data": {"setup_future_usage": "off_session", "metadata": {"k": "v"}},
        "success_url": SUCCESS_URL,
        "cancel_url": CANCEL_URL,
        **overrides,
    }
    return client.v1.checkout.sessions.create(params=params)  # type: ignore[arg-type]


def _monthly_price(client: stripe.StripeClient) -> stripe.Price:
    product = client.v1.products.create(params={"name": "Pro"})
    return client.v1.prices.create(
        params={
            "product": product.id,
            "currency": "usd",
            "unit_amount": 2000,
            "recurring": {"interval": "month"},
        }
    )


def _submit(url: str, card_number: str) -> requests.Response:
    return requests.post(
        url,
        data={"card_number": card_number, "card_expiry": "12 / 34", "card_cvc": "123"},
        allow_redirects=False,
        timeout=10,
    )


def _authenticate(url: str, decision: str) -> requests.Response:
    return requests.post(
        url + "/authenticate", data={"decision": decision}, allow_redirects=False, timeout=10
    )


def _types(server: EmulatorServer, since: int) -> list[str]:
    return [event["type"] for event in server.events()[since:]]


def test_a_session_has_every_attribute_stripe_declares_and_no_other(
    stripe_client: stripe.StripeClient,
) -> None:
    session = _payment_session(stripe_client).to_dict()
    declared = _declared_attributes(stripe.checkout.Session)
    # Sent only when expanded (line_items) or where it applies (multi-currency presentment).
    optional = {"line_items", "presentment_details"}

    assert declared - optional - set(session) == set()
    assert set(session) - declared == set()
    assert session["id"].startswith("cs_test_")
    assert session["status"] == "open"
    assert session["payment_status"] == "unpaid"
    assert session["url"].endswith(f"/pages/checkout/{session['id']}")
    assert session["payment_intent"] is None
    assert session["expires_at"] - session["created"] == 24 * 60 * 60


def test_line_items_come_only_when_expanded(stripe_client: stripe.StripeClient) -> None:
    session = _payment_session(stripe_client)

    plain = stripe_client.v1.checkout.sessions.retrieve(session.id)
    expanded = stripe_client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["line_items", "total_details.breakdown"]}
    )

    assert "line_items" not in plain
    item = expanded.line_items.data[0]  # type: ignore[union-attr]
    assert (item.object, item.amount_total, item.quantity) == ("item", 2500, 1)
    assert item.price is not None and item.price.unit_amount == 2500
    assert expanded.total_details is not None
    assert expanded.total_details.to_dict()["breakdown"] == {"discounts": [], "taxes": []}


@pytest.mark.parametrize(
    ("overrides", "param"),
    [
        ({"mode": None}, "mode"),
        ({"success_url": "ftp://app.example/done"}, "success_url"),
        ({"success_url": None}, "success_url"),
        ({"line_items": None}, "line_items"),
        ({"expires_at": 1}, "expires_at"),
        ({"subscription_data": {"trial_period_days": 3}}, "subscription_data"),
        (
            {"payment_intent_data": {"capture_method": "manual"}},
            "payment_intent_data[capture_method]",
        ),
        ({"invoice_creation": {"enabled": True}}, "invoice_creation"),
        ({"not_a_parameter": "x"}, "not_a_parameter"),
    ],
)
def test_stripe_refuses_what_it_refuses(
    stripe_client: stripe.StripeClient, overrides: dict[str, Any], param: str
) -> None:
    params = {key: value for key, value in overrides.items() if value is not None}
    removed = {key for key, value in overrides.items() if value is None}

    with pytest.raises(stripe.InvalidRequestError) as raised:
        customer = _customer(stripe_client)
        base: dict[str, Any] = {
            "mode": "payment",
            "customer": customer.id,
            "line_items": [
                {
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 2500,
                        "product_data": {"name": "Report"},
                    },
                    "quantity": 1,
                }
            ],
            "success_url": SUCCESS_URL,
        }
        base.update(params)
        for key in removed:
            base.pop(key)
        stripe_client.v1.checkout.sessions.create(params=base)  # type: ignore[arg-type]

    assert raised.value.param == param


def test_the_page_shows_what_is_bought_and_a_cancel_link(
    stripe_client: stripe.StripeClient,
) -> None:
    session = _payment_session(stripe_client)

    page = requests.get(str(session.url), timeout=10)

    assert page.status_code == 200
    assert "Report" in page.text and "25.00 USD" in page.text
    assert "name=card_number" in page.text
    assert f"href='{CANCEL_URL}'" in page.text


def test_paying_with_4242_redirects_to_success_url_after_stripes_events(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    session = _payment_session(stripe_client)
    before = len(stripe_emulator.events())

    response = _submit(str(session.url), "4242 4242 4242 4242")

    completed = stripe_client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["payment_intent"]}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"https://app.example/done?session={session.id}"
    assert (completed.status, completed.payment_status, completed.url) == ("complete", "paid", None)
    intent = completed.payment_intent
    assert isinstance(intent, stripe.PaymentIntent)
    assert (intent.status, intent.amount, intent.metadata.to_dict()) == (
        "succeeded",
        2500,
        {"k": "v"},
    )
    assert _types(stripe_emulator, before) == [
        "payment_intent.created",
        "charge.succeeded",
        "payment_method.attached",
        "payment_intent.succeeded",
        "checkout.session.completed",
    ]
    assert requests.get(str(session.url), timeout=10).text.count("already complete") == 1


def test_a_declined_card_shows_stripes_message_and_the_session_stays_open(
    stripe_client: stripe.StripeClient,
) -> None:
    session = _payment_session(stripe_client)

    declined = _submit(str(session.url), "4000 0000 0000 0002")
    then_paid = _submit(str(session.url), "4242424242424242")

    assert declined.status_code == 402
    assert "Your card was declined." in declined.text
    assert then_paid.status_code == 303
    completed = stripe_client.v1.checkout.sessions.retrieve(session.id)
    intents = stripe_client.v1.payment_intents.list(params={"customer": str(completed.customer)})
    assert completed.status == "complete"
    assert len(intents.data) == 1  # one PaymentIntent per session, confirmed again


def test_an_unknown_card_number_is_refused_on_the_page(
    stripe_client: stripe.StripeClient,
) -> None:
    session = _payment_session(stripe_client)

    response = _submit(str(session.url), "1234 5678 1234 5678")

    assert response.status_code == 400
    assert "Your card number is invalid." in response.text


def test_the_3155_card_asks_for_authentication_then_pays(
    stripe_client: stripe.StripeClient,
) -> None:
    session = _payment_session(stripe_client)

    challenge = _submit(str(session.url), "4000 0025 0000 3155")
    still_open = stripe_client.v1.checkout.sessions.retrieve(session.id)
    completed_response = _authenticate(str(session.url), "complete")

    completed = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert challenge.status_code == 200 and "Complete authentication" in challenge.text
    assert still_open.status == "open"
    assert completed_response.status_code == 303
    assert (completed.status, completed.payment_status) == ("complete", "paid")


def test_a_failed_authentication_leaves_the_session_open(
    stripe_client: stripe.StripeClient,
) -> None:
    session = _payment_session(stripe_client)

    _submit(str(session.url), "4000 0025 0000 3155")
    failed = _authenticate(str(session.url), "fail")

    assert failed.status_code == 402
    assert "failed authentication" in failed.text
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "open"


def test_subscription_mode_subscribes_with_the_trial_and_the_card_as_default(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    customer = _customer(stripe_client)
    price = _monthly_price(stripe_client)
    session = stripe_client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "customer": customer.id,
            "line_items": [{"price": price.id, "quantity": 1}],
            "subscription_data": {"trial_period_days": 7, "metadata": {"ours": "1"}},
            "success_url": SUCCESS_URL,
        }
    )
    before = len(stripe_emulator.events())

    page = requests.get(str(session.url), timeout=10)
    response = _submit(str(session.url), "4242424242424242")

    assert session.amount_total == 0  # nothing is due today on a trial

    completed = stripe_client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["subscription"]}
    )
    subscription = completed.subscription
    assert "7-day free trial" in page.text
    assert response.status_code == 303
    assert isinstance(subscription, stripe.Subscription)
    assert (completed.status, completed.payment_status) == ("complete", "no_payment_required")
    assert subscription.status == "trialing"
    assert subscription.metadata.to_dict() == {"ours": "1"}
    refreshed = stripe_client.v1.customers.retrieve(customer.id)
    assert refreshed.invoice_settings is not None
    assert refreshed.invoice_settings.default_payment_method == subscription.default_payment_method
    types = _types(stripe_emulator, before)
    assert types[:2] == ["payment_method.attached", "customer.updated"]
    assert types.index("customer.subscription.created") < types.index("checkout.session.completed")
    assert types[-1] == "checkout.session.completed"


def test_subscription_mode_refuses_a_card_that_fails_the_first_payment(
    stripe_client: stripe.StripeClient,
) -> None:
    price = _monthly_price(stripe_client)
    session = stripe_client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "customer": _customer(stripe_client).id,
            "line_items": [{"price": price.id, "quantity": 1}],
            "success_url": SUCCESS_URL,
        }
    )

    response = _submit(str(session.url), "4000 0000 0000 0341")

    assert response.status_code == 402
    assert "declined" in response.text
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "open"


def test_setup_mode_saves_the_card_with_a_succeeded_setup_intent(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = _customer(stripe_client)
    session = stripe_client.v1.checkout.sessions.create(
        params={"mode": "setup", "customer": customer.id, "success_url": SUCCESS_URL}
    )

    challenge = _submit(str(session.url), "4000 0025 0000 3155")
    response = _authenticate(str(session.url), "complete")

    completed = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert isinstance(completed.setup_intent, str)
    setup_intent = stripe_client.v1.setup_intents.retrieve(completed.setup_intent)
    assert "Complete authentication" in challenge.text
    assert response.status_code == 303
    assert (completed.status, completed.payment_status) == ("complete", "no_payment_required")
    assert setup_intent.id.startswith("seti_")
    assert setup_intent.status == "succeeded"
    assert setup_intent.payment_method is not None
    payment_methods = stripe_client.v1.customers.payment_methods.list(customer.id)
    assert [method.id for method in payment_methods.data] == [setup_intent.payment_method]
    # Set up: the card is now charged off session without asking again.
    intent = stripe_client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": str(setup_intent.payment_method),
            "confirm": True,
            "off_session": True,
        }
    )
    assert intent.status == "succeeded"


def test_expire_ends_an_open_session_once(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    session = _payment_session(stripe_client)

    expired = stripe_client.v1.checkout.sessions.expire(session.id)
    with pytest.raises(stripe.InvalidRequestError) as again:
        stripe_client.v1.checkout.sessions.expire(session.id)

    assert (expired.status, expired.url) == ("expired", None)
    assert re.search(r"status of \"expired\"", str(again.value))
    assert [
        event["data"]["object"]["id"]
        for event in stripe_emulator.events("checkout.session.expired")
    ] == [session.id]
    assert requests.get(str(session.url), timeout=10).status_code == 410


def test_a_session_expires_when_the_clock_passes_expires_at(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    session = _payment_session(stripe_client, expires_at=stripe_emulator.now() + 3600)

    stripe_emulator.advance(3599)
    still_open = stripe_client.v1.checkout.sessions.retrieve(session.id).status
    stripe_emulator.advance(2)

    assert still_open == "open"
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "expired"


def test_a_test_clock_customers_session_expires_with_its_clock(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    clock = stripe_client.v1.test_helpers.test_clocks.create(params={"frozen_time": 1_893_456_000})
    customer = stripe_client.v1.customers.create(params={"test_clock": clock.id})
    session = stripe_client.v1.checkout.sessions.create(
        params={
            "mode": "setup",
            "customer": customer.id,
            "success_url": SUCCESS_URL,
        }
    )

    stripe_emulator.advance(2 * 86_400)
    after_own_clock = stripe_client.v1.checkout.sessions.retrieve(session.id).status
    stripe_client.v1.test_helpers.test_clocks.advance(
        clock.id, params={"frozen_time": 1_893_456_000 + 86_401}
    )

    assert session.expires_at == 1_893_456_000 + 86_400
    assert after_own_clock == "open"
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "expired"


def test_sessions_are_listed_newest_first_by_customer(
    stripe_client: stripe.StripeClient,
) -> None:
    first = _payment_session(stripe_client)
    second = _payment_session(stripe_client)

    listed = stripe_client.v1.checkout.sessions.list(params={"customer": str(second.customer)})

    assert [session.id for session in listed.data] == [second.id]
    assert first.id != second.id


def test_a_setup_intent_has_every_attribute_stripe_declares_and_no_other(
    stripe_client: stripe.StripeClient,
) -> None:
    session = stripe_client.v1.checkout.sessions.create(
        params={
            "mode": "setup",
            "customer": _customer(stripe_client).id,
            "success_url": SUCCESS_URL,
        }
    )
    assert isinstance(session.setup_intent, str)

    setup_intent = stripe_client.v1.setup_intents.retrieve(session.setup_intent).to_dict()
    declared = _declared_attributes(stripe.SetupIntent)
    # As with a PaymentIntent's: sent only where they apply (Connect, payment method rules).
    optional = {"allowed_payment_method_types", "attach_to_self"}

    assert declared - optional - set(setup_intent) == set()
    assert set(setup_intent) - declared == set()
    assert setup_intent["status"] == "requires_payment_method"


def test_a_subscription_session_without_a_customer_makes_one_with_the_email(
    stripe_client: stripe.StripeClient,
) -> None:
    price = _monthly_price(stripe_client)
    session = stripe_client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "customer_email": "guest@example.com",
            "line_items": [{"price": price.id, "quantity": 1}],
            "success_url": SUCCESS_URL,
        }
    )

    _submit(str(session.url), "4242424242424242")

    completed = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert isinstance(completed.customer, str)
    customer = stripe_client.v1.customers.retrieve(completed.customer)
    assert customer.email == "guest@example.com"
    assert completed.customer_details is not None
    assert completed.customer_details.email == "guest@example.com"
