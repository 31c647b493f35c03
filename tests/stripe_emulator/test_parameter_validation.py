"""Every request's parameters are checked against stripe-python's own definitions for the
pinned version (``stripe/params``), as Stripe checks them: names, nested keys, enum values,
required parameters and value types."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import stripe

from stripe_emulator.api import build_router
from stripe_emulator.route_parameters import ROUTE_PARAMETERS
from stripe_emulator.server import EmulatorServer
from tests.stripe_emulator.raw_http import api_headers, raw_request


def test_an_unknown_nested_parameter_is_named_in_brackets(
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.payment_intents.create(
            params={
                "amount": 1000,
                "currency": "usd",
                "automatic_payment_methods": {"enabled": True, "foo": "bar"},  # type: ignore[typeddict-unknown-key]  # deliberately not what Stripe accepts
            }
        )

    assert raised.value.http_status == 400
    assert raised.value.code == "parameter_unknown"
    assert raised.value.param == "automatic_payment_methods[foo]"
    assert raised.value.user_message == (
        "Received unknown parameter: automatic_payment_methods[foo]"
    )


def test_an_unknown_key_inside_an_array_of_hashes_is_refused(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = stripe_client.v1.customers.create()

    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.subscriptions.create(
            params={"customer": customer.id, "items": [{"price": "price_x", "colour": "red"}]}  # type: ignore[typeddict-unknown-key]  # deliberately not what Stripe accepts
        )

    assert raised.value.code == "parameter_unknown"
    assert raised.value.param == "items[0][colour]"


def test_a_value_outside_an_enum_is_refused_with_the_allowed_values(
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.payment_intents.create(
            params={"amount": 1000, "currency": "usd", "capture_method": "eventually"}  # type: ignore[typeddict-item]  # deliberately not what Stripe accepts
        )

    assert raised.value.http_status == 400
    assert raised.value.param == "capture_method"
    assert raised.value.user_message == (
        "Invalid capture_method: must be one of automatic, automatic_async, or manual"
    )


def test_an_enum_stripe_python_widens_to_str_is_still_checked(
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.refunds.create(params={"charge": "ch_x", "reason": "changed_my_mind"})

    assert raised.value.param == "reason"
    assert raised.value.user_message == (
        "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer"
    )


def test_a_missing_required_parameter_is_refused(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.payment_intents.create(params={"currency": "usd"})  # type: ignore[typeddict-item]  # deliberately not what Stripe accepts

    assert raised.value.code == "parameter_missing"
    assert raised.value.param == "amount"
    assert raised.value.user_message == "Missing required param: amount."


def test_a_missing_required_nested_parameter_is_named_in_brackets(
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.prices.create(
            params={"currency": "usd", "unit_amount": 500, "product_data": {"active": True}}  # type: ignore[typeddict-item]  # deliberately not what Stripe accepts
        )

    assert raised.value.code == "parameter_missing"
    assert raised.value.param == "product_data[name]"


def test_an_empty_string_for_a_parameter_that_cannot_be_unset_is_refused(
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.payment_intents.create(
            params={"amount": 1000, "currency": "usd", "description": ""}
        )

    assert raised.value.code == "parameter_invalid_empty"
    assert raised.value.param == "description"


def test_a_value_of_the_wrong_type_is_refused(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.payment_intents.create(
            params={"amount": "ten", "currency": "usd"}  # type: ignore[typeddict-item]  # deliberately not what Stripe accepts
        )

    assert raised.value.param == "amount"
    assert raised.value.user_message == "Invalid integer: ten"


def test_metadata_is_free_form_and_expand_is_universal(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = stripe_client.v1.customers.create(
        params={"metadata": {"anything_at_all": "yes", "7": "seven"}}
    )

    fetched = stripe_client.v1.customers.retrieve(customer.id, params={"expand": ["test_clock"]})

    assert fetched.metadata.to_dict() == {"anything_at_all": "yes", "7": "seven"}


def test_a_parameter_of_another_endpoint_is_refused_on_a_list_route(
    stripe_emulator: EmulatorServer,
) -> None:
    status, body, _ = raw_request(
        stripe_emulator, "GET", "/v1/customers?amount=5", headers=api_headers()
    )

    assert status == 400
    assert body["error"]["code"] == "parameter_unknown"
    assert body["error"]["param"] == "amount"


def test_every_route_has_stripes_parameter_definition() -> None:
    routes = {(route.method, route.template) for route in build_router().routes}

    assert routes - ROUTE_PARAMETERS.keys() == set(), "routes that nothing validates"
    assert ROUTE_PARAMETERS.keys() - routes == set(), "definitions for routes that do not exist"


def test_a_stripe_parameter_the_emulator_does_not_emulate_is_refused_saying_so(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = stripe_client.v1.customers.create()

    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.payment_methods.attach(
            "pm_card_visa", params={"customer": customer.id, "customer_account": "acct_1"}
        )

    assert raised.value.param == "customer_account"
    assert "the emulator does not emulate it" in str(raised.value.user_message)


def test_every_route_is_one_stripe_python_calls() -> None:
    """The emulator serves no route of its own invention: each is a method and path that one of
    stripe-python's services sends (path parameters compared by position, not by name)."""
    services = Path(stripe.__file__).parent
    called: set[tuple[str, str]] = set()
    for source in services.rglob("_*_service.py"):
        text = source.read_text()
        for method, path in re.findall(r'"(get|post|delete)",\s*"(/v[12]/[^"]*)"', text):
            called.add((method.upper(), re.sub(r"\{[^}]*\}", "{}", path)))
    routes = {
        (route.method, re.sub(r"\{[^}]*\}", "{}", route.template))
        for route in build_router().routes
    }

    assert routes - called == set(), "routes stripe-python never calls"
