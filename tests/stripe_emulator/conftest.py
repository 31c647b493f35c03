"""Fixtures for the emulator's own tests.

The top-level tests/conftest.py needs Django; these tests do not, so run them with
``-p no:django --confcutdir=tests/stripe_emulator`` (or under pytest-django, which also works).
The emulator fixtures are imported here rather than through ``pytest_plugins`` because pytest only
honours ``pytest_plugins`` in the top-level conftest.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

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


def raw_request(
    server: EmulatorServer,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    json_body: dict[str, Any] | None = None,
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """One HTTP request without the SDK, for what the SDK would hide (status, headers)."""
    all_headers = dict(headers or {})
    if json_body is not None:
        body = json.dumps(json_body).encode()
        all_headers["Content-Type"] = "application/json"
    request = urllib.request.Request(  # noqa: S310 - local emulator
        server.url + path, data=body, method=method, headers=all_headers
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), dict(error.headers)


def api_headers() -> dict[str, str]:
    return {
        "Authorization": f"Bearer {TEST_API_KEY}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
