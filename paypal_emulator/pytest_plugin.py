"""Pytest fixtures: ``pytest_plugins = ["paypal_emulator.pytest_plugin"]``.

``paypal_emulator_server`` runs one emulator for the whole session; ``paypal_emulator`` hands it
to a test after wiping its state, so tests never see each other's orders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from paypal_emulator.server import PayPalEmulatorServer

TEST_CLIENT_ID = "emulator-client-id"
TEST_CLIENT_SECRET = "emulator-client-secret"  # noqa: S105 - the emulator's own credential


@pytest.fixture(scope="session")
def paypal_emulator_server() -> Iterator[PayPalEmulatorServer]:
    with PayPalEmulatorServer(
        port=0,
        client_id=TEST_CLIENT_ID,
        client_secret=TEST_CLIENT_SECRET,
        webhook_retry_base_seconds=0.05,
        webhook_max_attempts=3,
        webhook_timeout_seconds=5,
    ) as server:
        yield server


@pytest.fixture
def paypal_emulator(paypal_emulator_server: PayPalEmulatorServer) -> Iterator[PayPalEmulatorServer]:
    paypal_emulator_server.reset()
    yield paypal_emulator_server
    paypal_emulator_server.clear_faults()
