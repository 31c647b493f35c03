"""Fixtures for the PayPal emulator's own tests, which drive it with PayPal's SDK and need no
Django (``-p no:django --confcutdir=tests/paypal_emulator`` works too)."""

from __future__ import annotations

import pytest
from paypalserversdk.configuration import Environment
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from paypal_emulator.pytest_plugin import (  # noqa: F401 - fixtures
    TEST_CLIENT_ID,
    TEST_CLIENT_SECRET,
    paypal_emulator,
    paypal_emulator_server,
)
from paypal_emulator.server import PayPalEmulatorServer


def sdk_client(
    server: PayPalEmulatorServer, *, client_secret: str = TEST_CLIENT_SECRET
) -> PaypalServersdkClient:
    client = PaypalServersdkClient(
        client_credentials_auth_credentials=ClientCredentialsAuthCredentials(
            o_auth_client_id=TEST_CLIENT_ID, o_auth_client_secret=client_secret
        ),
        timeout=5,
    )
    sandbox = client.config.environments[Environment.SANDBOX]
    client.config.environments = {Environment.SANDBOX: dict.fromkeys(sandbox, server.url)}
    return client


@pytest.fixture
def paypal(paypal_emulator: PayPalEmulatorServer) -> PaypalServersdkClient:  # noqa: F811
    return sdk_client(paypal_emulator)
