"""Fixtures for the emulator's own tests.

The top-level tests/conftest.py needs Django; these tests do not, so run them with
``-p no:django --confcutdir=tests/stripe_emulator`` (or under pytest-django, which also works).
The emulator fixtures are imported here rather than through ``pytest_plugins`` because pytest only
honours ``pytest_plugins`` in the top-level conftest.
"""

from __future__ import annotations

import pytest
import stripe

from stripe_emulator.pytest_plugin import (  # noqa: F401 - fixtures
    TEST_API_KEY,
    stripe_emulator,
    stripe_emulator_server,
)
from stripe_emulator.server import EmulatorServer


@pytest.fixture
def stripe_client(stripe_emulator: EmulatorServer) -> stripe.StripeClient:  # noqa: F811
    return stripe.StripeClient(
        TEST_API_KEY,
        base_addresses={"api": stripe_emulator.url, "meter_events": stripe_emulator.url},
        max_network_retries=2,
    )
