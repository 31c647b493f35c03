"""The Python client (clients/python) against the real service on a live HTTP server, with
the Stripe emulator behind it."""

from collections.abc import Iterator
from typing import Any

import pytest
from payment_service_client import PaymentService

from tests.factories import Tenant


@pytest.fixture
def service(tenant: Tenant, live_server: Any) -> Iterator[PaymentService]:
    with PaymentService(tenant.raw_key, live_server.url, timeout=10, max_retries=2) as client:
        yield client
