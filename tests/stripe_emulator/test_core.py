"""Routing, authentication, errors, form decoding, pagination, expansion, idempotency, faults."""

from __future__ import annotations

import time

import pytest
import stripe

from stripe_emulator.form_encoding import decode_form
from stripe_emulator.server import EmulatorServer
from tests.stripe_emulator.raw_http import api_headers, raw_request


def test_bracket_notation_decodes_into_nested_values() -> None:
    body = (
        "metadata[app_id]=x&items[0][price]=p1&items[0][quantity]=2&items[1][price]=p2"
        "&expand[]=a&expand[]=b&recurring[interval]=month&tiers[0][up_to]=inf&metadata[7]=seven"
    )

    decoded = decode_form(body)

    assert decoded == {
        "metadata": {"app_id": "x", "7": "seven"},
        "items": [{"price": "p1", "quantity": "2"}, {"price": "p2"}],
        "expand": ["a", "b"],
        "recurring": {"interval": "month"},
        "tiers": [{"up_to": "inf"}],
    }


def test_missing_api_key_is_rejected_with_401(stripe_emulator: EmulatorServer) -> None:
    status, body, _ = raw_request(stripe_emulator, "GET", "/v1/customers")

    assert status == 401
    assert body["error"]["type"] == "invalid_request_error"
    assert "You did not provide an API key" in body["error"]["message"]


def test_malformed_api_key_raises_authentication_error(stripe_emulator: EmulatorServer) -> None:
    client = stripe.StripeClient("sk_test_short", base_addresses={"api": stripe_emulator.url})

    with pytest.raises(stripe.AuthenticationError) as raised:
        client.v1.customers.list()

    assert raised.value.http_status == 401
    assert "Invalid API Key provided" in raised.value.user_message


def test_restricted_and_live_keys_are_accepted_when_the_emulator_knows_them() -> None:
    keys = ("rk_test_" + "a" * 24, "sk_live_" + "b" * 30)

    with EmulatorServer(port=0, api_keys=keys) as server:
        for key in keys:
            client = stripe.StripeClient(key, base_addresses={"api": server.url})

            assert client.v1.customers.list().data == []


def test_unknown_url_answers_404_in_stripe_shape(stripe_emulator: EmulatorServer) -> None:
    status, body, _ = raw_request(stripe_emulator, "GET", "/v1/nothing", headers=api_headers())

    assert status == 404
    assert body["error"]["message"].startswith("Unrecognized request URL (GET: /v1/nothing)")


def test_missing_object_raises_resource_missing(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.customers.retrieve("cus_missing")

    assert raised.value.http_status == 404
    assert raised.value.code == "resource_missing"
    assert raised.value.param == "id"
    assert raised.value.user_message == "No such customer: 'cus_missing'"


def test_unknown_parameter_is_rejected(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.customers.create(params={"favourite_colour": "blue"})  # type: ignore[typeddict-unknown-key]  # deliberately not what Stripe accepts

    assert raised.value.code == "parameter_unknown"
    assert raised.value.param == "favourite_colour"


def test_account_is_a_fixed_test_account(stripe_client: stripe.StripeClient) -> None:
    account = stripe_client.v1.accounts.retrieve_current()

    assert account.id.startswith("acct_")
    assert account.object == "account"
    assert account.charges_enabled is True
    assert account.settings.dashboard.display_name == "Stripe Emulator"


def test_the_platform_has_no_connected_accounts(stripe_client: stripe.StripeClient) -> None:
    accounts = stripe_client.v1.accounts.list()

    assert accounts.data == []
    assert accounts.has_more is False


def test_lists_paginate_newest_first(stripe_client: stripe.StripeClient) -> None:
    created = [stripe_client.v1.customers.create(params={"name": f"c{n}"}) for n in range(5)]

    first_page = stripe_client.v1.customers.list(params={"limit": 2})
    second_page = stripe_client.v1.customers.list(
        params={"limit": 2, "starting_after": first_page.data[-1].id}
    )
    before_page = stripe_client.v1.customers.list(
        params={"limit": 2, "ending_before": second_page.data[0].id}
    )
    everything = [customer.id for customer in first_page.auto_paging_iter()]

    newest_first = [customer.id for customer in reversed(created)]
    assert [customer.id for customer in first_page.data] == newest_first[:2]
    assert first_page.has_more is True
    assert first_page.url == "/v1/customers"
    assert [customer.id for customer in second_page.data] == newest_first[2:4]
    assert [customer.id for customer in before_page.data] == newest_first[:2]
    assert everything == newest_first


def test_expand_replaces_ids_with_objects_including_in_lists(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = stripe_client.v1.customers.create(
        params={
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )

    expanded = stripe_client.v1.customers.retrieve(
        customer.id, params={"expand": ["invoice_settings.default_payment_method"]}
    )
    listed = stripe_client.v1.customers.list(
        params={"expand": ["data.invoice_settings.default_payment_method"]}
    )

    assert expanded.invoice_settings.default_payment_method.object == "payment_method"
    assert listed.data[0].invoice_settings.default_payment_method.card.last4 == "4242"


def test_idempotent_replay_returns_the_first_response(stripe_emulator: EmulatorServer) -> None:
    headers = {**api_headers(), "Idempotency-Key": "key-replay"}

    first = raw_request(stripe_emulator, "POST", "/v1/customers", body=b"name=A", headers=headers)
    second = raw_request(stripe_emulator, "POST", "/v1/customers", body=b"name=A", headers=headers)

    assert first[1]["id"] == second[1]["id"]
    assert second[2].get("Idempotent-Replayed") == "true"
    assert len(stripe_emulator.state.list_objects("customer")) == 1


def test_idempotency_key_reused_with_other_parameters_is_an_error(
    stripe_client: stripe.StripeClient,
) -> None:
    stripe_client.v1.customers.create(
        params={"name": "A"}, options={"idempotency_key": "key-mismatch"}
    )

    with pytest.raises(stripe.IdempotencyError) as raised:
        stripe_client.v1.customers.create(
            params={"name": "B"}, options={"idempotency_key": "key-mismatch"}
        )

    assert raised.value.http_status == 400
    assert raised.value.json_body["error"]["type"] == "idempotency_error"


def test_validation_failures_are_not_stored_under_the_idempotency_key(
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.products.create(params={}, options={"idempotency_key": "key-invalid"})  # type: ignore[typeddict-item]  # deliberately not what Stripe accepts

    product = stripe_client.v1.products.create(
        params={"name": "Pro"}, options={"idempotency_key": "key-invalid"}
    )

    assert product.name == "Pro"


def test_two_injected_500s_then_success_leave_one_object(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    stripe_emulator.set_faults(status=500, count=2)

    customer = stripe_client.v1.customers.create(params={"email": "retry@example.com"})

    log = [entry for entry in stripe_emulator.requests() if entry["path"] == "/v1/customers"]
    assert [entry["status"] for entry in log] == [500, 500, 200]
    assert len({entry["idempotency_key"] for entry in log}) == 1
    assert [c.id for c in stripe_client.v1.customers.list().data] == [customer.id]


def test_injected_500s_beyond_the_retry_budget_raise_api_error(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    stripe_emulator.set_faults(status=500, count=3)

    with pytest.raises(stripe.APIError) as raised:
        stripe_client.v1.customers.create(params={"name": "never"})

    assert raised.value.http_status == 500
    assert raised.value.json_body["error"]["type"] == "api_error"
    assert stripe_client.v1.customers.list().data == []


def test_injected_429_raises_rate_limit_error(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    stripe_emulator.set_faults(status=429, count=1)

    with pytest.raises(stripe.RateLimitError) as raised:
        stripe_client.v1.customers.list()

    assert raised.value.http_status == 429
    assert raised.value.json_body["error"]["code"] == "rate_limit"
    assert stripe_client.v1.customers.list().data == []


def test_delay_fault_stalls_the_answer(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    stripe_emulator.set_faults(delay_ms=200, count=1)
    started = time.monotonic()

    stripe_client.v1.customers.list()

    assert time.monotonic() - started >= 0.2


def test_control_routes_set_faults_advance_clock_and_reset(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    stripe_client.v1.customers.create(params={"name": "gone after reset"})
    _, clock_before, _ = raw_request(stripe_emulator, "GET", "/_emulator/clock")

    _, advanced, _ = raw_request(
        stripe_emulator, "POST", "/_emulator/advance", json_body={"seconds": 3600}
    )
    _, faults, _ = raw_request(
        stripe_emulator, "POST", "/_emulator/faults", json_body={"status": 500, "count": 4}
    )
    _, cleared, _ = raw_request(stripe_emulator, "DELETE", "/_emulator/faults")
    raw_request(stripe_emulator, "POST", "/_emulator/reset", json_body={})
    _, log, _ = raw_request(stripe_emulator, "GET", "/_emulator/requests")

    assert advanced["now"] - clock_before["now"] in (3600, 3601)
    assert faults["faults"][0]["remaining"] == 4
    assert cleared["faults"] == []
    assert stripe_client.v1.customers.list().data == []
    assert abs(stripe_emulator.now() - time.time()) < 5
    assert [entry["path"] for entry in log["requests"]] == []


def test_responses_carry_stripe_headers(stripe_emulator: EmulatorServer) -> None:
    headers = {**api_headers(), "Stripe-Version": "2026-08-26.dahlia"}

    _, _, response_headers = raw_request(stripe_emulator, "GET", "/v1/customers", headers=headers)

    assert response_headers["Request-Id"].startswith("req_")
    assert response_headers["Stripe-Version"] == "2026-08-26.dahlia"
