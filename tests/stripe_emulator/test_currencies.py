"""The emulator refuses a currency Stripe does not support, with Stripe's own error."""

from __future__ import annotations

import pytest
import stripe


def _assert_invalid_currency(error: stripe.InvalidRequestError, currency: str) -> None:
    assert error.http_status == 400
    assert error.param == "currency"
    assert error.code is None
    body = error.json_body or {}
    assert body["error"]["type"] == "invalid_request_error"
    message = error.user_message or ""
    assert message.startswith(
        f"Invalid currency: {currency}. Stripe currently supports these currencies: usd, aed, afn,"
    )
    assert ", eur, " in message
    assert ", xxx" not in message


@pytest.mark.parametrize("currency", ["xxx", "abc", "kpw"])
def test_a_payment_intent_in_an_unsupported_currency_is_refused(
    stripe_client: stripe.StripeClient, currency: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.payment_intents.create(params={"amount": 1000, "currency": currency})

    _assert_invalid_currency(raised.value, currency)


def test_a_price_in_an_unsupported_currency_is_refused(
    stripe_client: stripe.StripeClient,
) -> None:
    product = stripe_client.v1.products.create(params={"name": "Pro"})

    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.prices.create(
            params={"product": product.id, "currency": "xxx", "unit_amount": 1500}
        )

    _assert_invalid_currency(raised.value, "xxx")
    assert stripe_client.v1.prices.list().data == []


def test_a_currency_in_upper_case_is_read_as_its_lower_case_code_as_stripe_does(
    stripe_client: stripe.StripeClient,
) -> None:
    intent = stripe_client.v1.payment_intents.create(params={"amount": 1000, "currency": "EUR"})

    assert intent.currency == "eur"


def test_the_refusal_names_the_currency_in_lower_case(
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.payment_intents.create(params={"amount": 1000, "currency": "XXX"})

    _assert_invalid_currency(raised.value, "xxx")
