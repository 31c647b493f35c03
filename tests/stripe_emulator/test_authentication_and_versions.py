"""The emulator refuses what Stripe refuses before it reads a request: a key the account does
not have, a publishable key, a ``Stripe-Version`` that names no real version; and its errors
carry Stripe's ``request_log_url`` and ``Request-Id``."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
import stripe

from stripe_emulator.pytest_plugin import TEST_API_KEY
from stripe_emulator.server import EmulatorServer
from tests.stripe_emulator.raw_http import raw_request

UNKNOWN_SECRET_KEY = "sk_test_" + "x" * 20 + "1234"


def _client(server: EmulatorServer, key: str = TEST_API_KEY, **options: Any) -> stripe.StripeClient:
    return stripe.StripeClient(
        key, base_addresses={"api": server.url}, max_network_retries=0, **options
    )


def _error_body(error: stripe.StripeError) -> dict[str, Any]:
    assert isinstance(error.json_body, dict)
    body: dict[str, Any] = error.json_body["error"]
    return body


def test_an_unknown_secret_key_answers_401_with_stripes_masked_message(
    stripe_emulator: EmulatorServer,
) -> None:
    client = _client(stripe_emulator, UNKNOWN_SECRET_KEY)

    with pytest.raises(stripe.AuthenticationError) as raised:
        client.v1.customers.list()

    assert raised.value.http_status == 401
    assert _error_body(raised.value)["type"] == "invalid_request_error"
    assert "request_log_url" not in _error_body(raised.value)
    assert raised.value.user_message == ("Invalid API Key provided: sk_test_" + "*" * 20 + "1234")


def test_a_publishable_key_is_refused_on_secret_routes(stripe_emulator: EmulatorServer) -> None:
    client = _client(stripe_emulator, "pk_test_" + "p" * 24)

    with pytest.raises(stripe.AuthenticationError) as raised:
        client.v1.customers.create(params={"name": "Ada"})

    assert raised.value.http_status == 401
    assert "cannot be made with a publishable API key" in str(raised.value.user_message)


def test_a_request_without_a_key_answers_401(stripe_emulator: EmulatorServer) -> None:
    status, body, headers = raw_request(stripe_emulator, "POST", "/v1/customers", body=b"")

    assert status == 401
    assert body["error"]["type"] == "invalid_request_error"
    assert body["error"]["message"].startswith("You did not provide an API key.")
    assert headers["Request-Id"].startswith("req_")


def test_the_command_line_accepts_only_the_keys_it_is_given() -> None:
    key_from_environment = "sk_test_" + "e" * 28
    process = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", "stripe_emulator", "--port", "0", "--api-key", TEST_API_KEY],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "STRIPE_EMULATOR_API_KEYS": key_from_environment},
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().rsplit(" ", 1)[1].strip()
        listed = [
            stripe.StripeClient(key, base_addresses={"api": url}).v1.customers.list()
            for key in (TEST_API_KEY, key_from_environment)
        ]
        unknown = stripe.StripeClient(UNKNOWN_SECRET_KEY, base_addresses={"api": url})
        with pytest.raises(stripe.AuthenticationError):
            unknown.v1.customers.list()
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert [page.data for page in listed] == [[], []]


@pytest.mark.parametrize(
    "version",
    [
        "2026-08-26.dahlia",  # the version stripe-python 15.6.2 and the service pin
        "2026-05-27.dahlia",  # dj-stripe 2.11's own default
        "2025-03-31.basil",
        "2024-09-30.acacia",
        "2023-10-16",
        "2020-08-27",
    ],
)
def test_real_api_versions_are_accepted(stripe_emulator: EmulatorServer, version: str) -> None:
    client = _client(stripe_emulator, stripe_version=version)

    customer = client.v1.customers.create(params={"name": "Ada"})

    assert customer.object == "customer"


@pytest.mark.parametrize(
    "version",
    [
        "2019-2-19",  # not a date in Stripe's format
        "2021-01-01",  # no release that day
        "2025-10-29.basil",  # basil had ended; that month's version is clover
        "2027-01-27.dahlia",  # newer than the version the emulator speaks
        "latest",
    ],
)
def test_an_invalid_api_version_answers_400(stripe_emulator: EmulatorServer, version: str) -> None:
    client = _client(stripe_emulator, stripe_version=version)

    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.customers.list()

    assert raised.value.http_status == 400
    assert raised.value.user_message == f"Invalid Stripe API version: {version}"


def test_errors_carry_the_request_log_url_and_request_id(
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.customers.retrieve("cus_missing")

    request_id = raised.value.request_id
    assert request_id is not None and request_id.startswith("req_")
    assert _error_body(raised.value)["request_log_url"] == (
        f"https://dashboard.stripe.com/test/logs/{request_id}"
    )
