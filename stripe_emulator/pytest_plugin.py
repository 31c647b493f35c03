"""Pytest fixtures: ``pytest_plugins = ["stripe_emulator.pytest_plugin"]``.

``stripe_emulator_server`` runs one emulator for the whole session; ``stripe_emulator`` hands
it to a test after wiping its state, so tests never see each other's objects.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stripe_emulator.server import EmulatorServer

# Webhook retries wait this long first (then twice as long, ...) so retry tests stay fast.
TEST_WEBHOOK_RETRY_BASE_SECONDS = 0.05
TEST_API_KEY = "sk_test_" + "emulator" * 4


@pytest.fixture(scope="session")
def stripe_emulator_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(
        port=0,
        webhook_retry_base_seconds=TEST_WEBHOOK_RETRY_BASE_SECONDS,
        webhook_max_attempts=4,
        webhook_timeout_seconds=5,
    ) as server:
        yield server


@pytest.fixture
def stripe_emulator(stripe_emulator_server: EmulatorServer) -> Iterator[EmulatorServer]:
    stripe_emulator_server.reset()
    yield stripe_emulator_server
    stripe_emulator_server.clear_faults()
