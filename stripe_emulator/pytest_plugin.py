"""Pytest fixtures: ``pytest_plugins = ["stripe_emulator.pytest_plugin"]``.

``stripe_emulator_server`` runs one emulator for the whole session; ``stripe_emulator`` hands
it to a test after wiping its state, so tests never see each other's objects.

The emulator runs strict, as Stripe does: only ``TEST_API_KEY`` (the key the service's test
settings use) and the keys in ``STRIPE_EMULATOR_API_KEYS`` authenticate, ``Stripe-Version``
must name a real version, and every request's parameters are checked against stripe-python's
definitions.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from stripe_emulator.server import EmulatorServer

# Webhook retries wait this long first (then twice as long, ...) so retry tests stay fast.
TEST_WEBHOOK_RETRY_BASE_SECONDS = 0.05
TEST_API_KEY = "sk_test_" + "emulator" * 4


def emulator_api_keys() -> list[str]:
    extra = os.environ.get("STRIPE_EMULATOR_API_KEYS", "")
    return [TEST_API_KEY, *(key.strip() for key in extra.split(",") if key.strip())]


@pytest.fixture(scope="session")
def stripe_emulator_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(
        port=0,
        webhook_retry_base_seconds=TEST_WEBHOOK_RETRY_BASE_SECONDS,
        webhook_max_attempts=4,
        webhook_timeout_seconds=5,
        api_keys=emulator_api_keys(),
    ) as server:
        yield server


@pytest.fixture
def stripe_emulator(stripe_emulator_server: EmulatorServer) -> Iterator[EmulatorServer]:
    stripe_emulator_server.reset()
    yield stripe_emulator_server
    stripe_emulator_server.clear_faults()
