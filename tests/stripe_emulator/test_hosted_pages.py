"""The emulator's customer-facing pages and the test cards typed on them."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
import stripe

from stripe_emulator.hosted_pages import TEST_CARD_NUMBERS, card_number_token
from stripe_emulator.server import EmulatorServer


def test_an_unknown_page_answers_404_in_html(stripe_emulator: EmulatorServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(f"{stripe_emulator.url}/pages/nothing/here", timeout=5)  # noqa: S310

    assert raised.value.code == 404
    assert raised.value.headers["Content-Type"].startswith("text/html")
    assert b"This page does not exist" in raised.value.read()


def test_every_documented_card_number_stands_for_a_test_payment_method() -> None:
    tokens = {number: card_number_token(number) for number in TEST_CARD_NUMBERS}

    assert None not in tokens.values()
    assert card_number_token("4242 4242 4242 4242") == "pm_card_visa"
    assert card_number_token("1234567812345678") is None


def test_the_authentication_on_setup_card_asks_on_session_and_is_declined_off_session(
    stripe_client: stripe.StripeClient,
) -> None:
    on_session = stripe_client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "usd",
            "payment_method": "pm_card_authenticationRequiredOnSetup",
            "confirm": True,
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
        }
    )
    with pytest.raises(stripe.CardError) as off_session:
        stripe_client.v1.payment_intents.create(
            params={
                "amount": 1000,
                "currency": "usd",
                "payment_method": "pm_card_authenticationRequiredOnSetup",
                "confirm": True,
                "off_session": True,
            }
        )

    assert on_session.status == "requires_action"
    assert off_session.value.code == "authentication_required"
