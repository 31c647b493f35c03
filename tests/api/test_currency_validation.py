"""A currency that is not money, or that the app's provider does not charge in, is a 400
(issue item 4): `xxx` and `abc` were taken and sent on to the provider."""

import pytest
from rest_framework.test import APIClient

from billing.providers.stripe import STRIPE_CURRENCIES
from stripe_emulator.money import SUPPORTED_CURRENCIES
from stripe_emulator.server import EmulatorServer


def _plan(api: APIClient, currency: object):
    return api.post(
        "/v1/plans",
        {"code": "pro", "name": "Pro", "currency": currency, "base": {"amount": 1500}},
        format="json",
    )


def _customer(api: APIClient) -> str:
    response = api.post(
        "/v1/customers", {"external_id": "payer", "payment_method": "pm_card_visa"}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _pay(api: APIClient, customer: str, currency: object):
    return api.post(
        "/v1/payments",
        {"customer": customer, "amount": 2000, "currency": currency},
        format="json",
    )


# XXX is ISO 4217's "no currency", XTS its testing code, XAU gold, XDR the IMF's unit of
# account: codes without a minor unit, which nothing charges in. ABC and ZZZ are no code at all.
NOT_MONEY = ["xxx", "xts", "xau", "xdr", "abc", "zzz"]


@pytest.mark.parametrize("currency", NOT_MONEY)
def test_a_plan_in_a_code_that_is_not_money_answers_400(api: APIClient, currency: str):
    response = _plan(api, currency)

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "parameter_invalid"
    assert error["param"] == "currency"
    assert f"Invalid currency: {currency}." in error["message"]


@pytest.mark.parametrize("currency", NOT_MONEY)
def test_a_payment_in_a_code_that_is_not_money_answers_400(
    api: APIClient, stripe: EmulatorServer, currency: str
):
    customer = _customer(api)

    response = _pay(api, customer, currency)

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("parameter_invalid", "currency")
    assert not [o for o in stripe.state.objects.values() if o.get("object") == "payment_intent"]


def test_an_upper_case_currency_answers_400_naming_the_lower_case_code(api: APIClient):
    response = _plan(api, "USD")

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("parameter_invalid", "currency")
    assert error["message"].endswith("Invalid currency: USD. Currencies are lower-case: use usd.")


@pytest.mark.parametrize("currency", ["us", "usdd", "u$d", "", 840, None, ["usd"]])
def test_a_currency_that_is_not_three_letters_answers_400_in_the_error_shape(
    api: APIClient, currency: object
):
    response = _plan(api, currency)

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["param"] == "currency"
    assert error["type"] == "invalid_request_error"


# North Korea's won and Iran's rial are current ISO 4217 money that Stripe does not charge in.
@pytest.mark.parametrize("currency", ["kpw", "irr"])
def test_a_plan_in_money_stripe_does_not_support_answers_400_currency_unsupported(
    api: APIClient, stripe: EmulatorServer, currency: str
):
    response = _plan(api, currency)

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "currency_unsupported"
    assert error["param"] == "currency"
    assert currency in error["message"]
    assert "stripe" in error["message"]
    assert not [o for o in stripe.state.objects.values() if o.get("object") == "price"]
    assert api.get("/v1/plans").json()["data"] == []


def test_a_payment_in_money_stripe_does_not_support_answers_400_currency_unsupported(
    api: APIClient, stripe: EmulatorServer
):
    customer = _customer(api)

    response = _pay(api, customer, "kpw")

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("currency_unsupported", "currency")
    assert api.get("/v1/payments").json()["data"] == []


def test_a_code_iso_4217_has_withdrawn_answers_400_though_stripe_still_lists_it(
    api: APIClient,
):
    # Croatia's kuna gave way to the euro in 2023; Stripe's list still names it.
    response = _plan(api, "hrk")

    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "parameter_invalid"


@pytest.mark.parametrize("currency", ["eur", "jpy", "kwd"])
def test_a_plan_and_a_payment_in_real_money_stripe_supports_are_accepted(
    api: APIClient, stripe: EmulatorServer, currency: str
):
    customer = _customer(api)

    plan = _plan(api, currency)
    payment = _pay(api, customer, currency)

    assert plan.status_code == 201, plan.content
    assert plan.json()["currency"] == currency
    assert payment.status_code == 201, payment.content
    assert payment.json()["currency"] == currency
    assert payment.json()["status"] == "succeeded"


def test_every_currency_the_stripe_provider_allows_is_one_the_emulator_accepts():
    assert STRIPE_CURRENCIES.issubset(SUPPORTED_CURRENCIES)
    assert {"usd", "eur", "jpy", "gbp"} <= STRIPE_CURRENCIES
