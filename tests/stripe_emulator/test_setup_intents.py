"""SetupIntents: created with the secret key, confirmed from the customer's browser with the
publishable key and the client secret (as Stripe.js does), with Stripe's test cards."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
import stripe

from stripe_emulator.api import publishable_key_for
from stripe_emulator.pytest_plugin import TEST_API_KEY
from stripe_emulator.server import EmulatorServer
from tests.stripe_emulator.raw_http import raw_request

PUBLISHABLE_KEY = publishable_key_for(TEST_API_KEY)


def _browser(
    server: EmulatorServer, method: str, path: str, key: str = PUBLISHABLE_KEY, **form: str
) -> tuple[int, dict[str, Any]]:
    """A call as Stripe.js makes it from the customer's browser: the publishable key, form
    fields, the client secret among them."""
    encoded = urlencode(form)
    if method == "GET":
        path, body = f"{path}?{encoded}", None
    else:
        body = encoded.encode()
    status, answer, _ = raw_request(
        server,
        method,
        path,
        body=body,
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    return status, answer


def _declared_attributes(resource_class: Any) -> set[str]:
    names: set[str] = set()
    for klass in resource_class.__mro__:
        names |= set(vars(klass).get("__annotations__", {}))
    return {name for name in names if name[0].islower()}


def _setup_intent(client: stripe.StripeClient, **params: Any) -> stripe.SetupIntent:
    customer = client.v1.customers.create(params={"email": "ada@example.com"})
    return client.v1.setup_intents.create(
        params={"customer": customer.id, "payment_method_types": ["card"], **params}
    )


def test_a_setup_intent_has_every_attribute_stripe_declares_and_no_other(
    stripe_client: stripe.StripeClient,
) -> None:
    intent = _setup_intent(stripe_client).to_dict()

    # As for a PaymentIntent, `allowed_payment_method_types` is sent only when it was set.
    assert set(intent) == _declared_attributes(stripe.SetupIntent) - {
        "allowed_payment_method_types"
    }
    assert intent["id"].startswith("seti_")
    assert intent["client_secret"].startswith(intent["id"] + "_secret_")
    assert intent["status"] == "requires_payment_method"
    assert intent["usage"] == "off_session"


def test_confirmed_from_the_browser_the_card_is_attached_and_the_setup_succeeds(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    intent = _setup_intent(stripe_client)

    status, answer = _browser(
        stripe_emulator,
        "POST",
        f"/v1/setup_intents/{intent.id}/confirm",
        client_secret=str(intent.client_secret),
        payment_method="pm_card_visa",
    )

    assert status == 200, answer
    assert answer["status"] == "succeeded"
    assert "customer" not in answer and "metadata" not in answer
    methods = stripe_client.v1.customers.payment_methods.list(str(intent.customer)).data
    assert [method.id for method in methods] == [answer["payment_method"]]
    types = [event["type"] for event in stripe_emulator.events()]
    assert types[-3:] == [
        "setup_intent.created",
        "payment_method.attached",
        "setup_intent.succeeded",
    ]


def test_the_browser_needs_the_client_secret_of_that_very_intent(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    intent = _setup_intent(stripe_client)
    other = _setup_intent(stripe_client)
    path = f"/v1/setup_intents/{intent.id}/confirm"

    without, _ = _browser(stripe_emulator, "POST", path, payment_method="pm_card_visa")
    wrong, _ = _browser(
        stripe_emulator,
        "POST",
        path,
        client_secret=str(other.client_secret),
        payment_method="pm_card_visa",
    )
    read, answer = _browser(
        stripe_emulator,
        "GET",
        f"/v1/setup_intents/{intent.id}",
        client_secret=str(intent.client_secret),
    )

    assert (without, wrong, read) == (400, 404, 200)
    assert answer["status"] == "requires_payment_method"


def test_a_publishable_key_is_refused_elsewhere_and_an_unknown_one_everywhere(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    intent = _setup_intent(stripe_client)

    elsewhere, _ = _browser(stripe_emulator, "GET", "/v1/customers")
    unknown, _ = _browser(
        stripe_emulator,
        "GET",
        f"/v1/setup_intents/{intent.id}",
        key="pk_test_" + "x" * 28,
        client_secret=str(intent.client_secret),
    )

    assert (elsewhere, unknown) == (401, 401)


def test_a_declined_card_fails_the_setup_with_last_setup_error(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    intent = _setup_intent(stripe_client)

    with pytest.raises(stripe.CardError) as declined:
        stripe_client.v1.setup_intents.confirm(
            intent.id, params={"payment_method": "pm_card_chargeDeclined"}
        )

    assert declined.value.code == "card_declined"
    failed = stripe_client.v1.setup_intents.retrieve(intent.id)
    assert failed.status == "requires_payment_method"
    assert failed.last_setup_error is not None
    assert failed.last_setup_error.decline_code == "generic_decline"
    assert stripe_emulator.events("setup_intent.setup_failed")
    assert stripe_client.v1.customers.payment_methods.list(str(intent.customer)).data == []


def test_the_card_that_authenticates_on_setup_needs_the_customer_then_charges_off_session(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    intent = _setup_intent(stripe_client)

    pending = stripe_client.v1.setup_intents.confirm(
        intent.id, params={"payment_method": "pm_card_authenticationRequiredOnSetup"}
    )
    status, authenticated, _ = raw_request(
        stripe_emulator,
        "POST",
        f"/_emulator/setup_intents/{intent.id}/authenticate",
        json_body={"succeed": True},
    )
    charge = stripe_client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "usd",
            "customer": str(intent.customer),
            "payment_method": str(authenticated["payment_method"]),
            "confirm": True,
            "off_session": True,
        }
    )

    assert pending.status == "requires_action"
    assert pending.next_action is not None and pending.next_action.type == "use_stripe_sdk"
    assert status == 200 and authenticated["status"] == "succeeded"
    assert charge.status == "succeeded"


def test_a_failed_authentication_leaves_the_setup_needing_another_card(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    intent = _setup_intent(stripe_client)
    stripe_client.v1.setup_intents.confirm(
        intent.id,
        params={
            "payment_method": "pm_card_authenticationRequiredOnSetup",
            "return_url": "https://app.example/back",
        },
    )

    status, failed, _ = raw_request(
        stripe_emulator,
        "POST",
        f"/_emulator/setup_intents/{intent.id}/authenticate",
        json_body={"succeed": False},
    )

    assert status == 200
    assert failed["status"] == "requires_payment_method"
    assert failed["last_setup_error"]["code"] == "setup_intent_authentication_failure"


def test_the_card_that_fails_on_charge_sets_up_fine(stripe_client: stripe.StripeClient) -> None:
    intent = _setup_intent(stripe_client, payment_method="pm_card_chargeCustomerFail", confirm=True)

    assert intent.status == "succeeded"


def test_without_payment_method_types_a_confirmation_needs_a_return_url(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = stripe_client.v1.customers.create()

    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.setup_intents.create(
            params={"customer": customer.id, "payment_method": "pm_card_visa", "confirm": True}
        )

    assert "return_url" in str(refused.value)


def test_unknown_parameters_and_bad_usage_are_refused(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create()

    with pytest.raises(stripe.InvalidRequestError) as unknown:
        stripe_client.v1.setup_intents.create(params={"customer": customer.id, "amount": 5})  # type: ignore[typeddict-unknown-key]
    with pytest.raises(stripe.InvalidRequestError) as usage:
        stripe_client.v1.setup_intents.create(params={"customer": customer.id, "usage": "never"})

    assert unknown.value.code == "parameter_unknown"
    assert usage.value.param == "usage"


def test_a_setup_intent_is_canceled_and_listed_by_customer(
    stripe_client: stripe.StripeClient,
) -> None:
    intent = _setup_intent(stripe_client)
    _setup_intent(stripe_client)

    canceled = stripe_client.v1.setup_intents.cancel(
        intent.id, params={"cancellation_reason": "abandoned"}
    )
    listed = stripe_client.v1.setup_intents.list(params={"customer": str(intent.customer)})

    assert canceled.status == "canceled"
    assert [item.id for item in listed.data] == [intent.id]
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.setup_intents.confirm(intent.id, params={"payment_method": "pm_card_visa"})
