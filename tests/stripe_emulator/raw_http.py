"""Requests to the emulator without the SDK, for what the SDK would hide (status, headers).
Kept apart from tests/factories.py because the emulator's own tests run without Django."""

import json
import urllib.error
import urllib.request
from typing import Any

from stripe_emulator.pytest_plugin import TEST_API_KEY
from stripe_emulator.server import EmulatorServer


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
