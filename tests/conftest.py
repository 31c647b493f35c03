from typing import Any

import pytest
from djstripe.models import WebhookEndpoint
from rest_framework.test import APIClient

from billing.stripe_account import stripe_account_setup
from paypal_emulator.server import PayPalEmulatorServer
from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant, tenant_make
from tests.payment_providers import PROVIDERS, PayingTenant, paying_tenant_make

pytest_plugins = ["stripe_emulator.pytest_plugin", "paypal_emulator.pytest_plugin"]


@pytest.fixture
def tenant(db: Any) -> Tenant:
    return tenant_make("Acme CRM")


@pytest.fixture
def other_tenant(db: Any) -> Tenant:
    return tenant_make("Globex Analytics")


@pytest.fixture
def api(tenant: Tenant) -> APIClient:
    return tenant.client


@pytest.fixture
def anonymous_client() -> APIClient:
    return APIClient()


@pytest.fixture(autouse=True)
def stripe(stripe_emulator: EmulatorServer, settings: Any) -> EmulatorServer:
    """Every test talks to a fresh Stripe emulator: our provider and dj-stripe point at it."""
    from billing.stripe_account import stripe_sdk_configure
    from stripe_emulator.pytest_plugin import TEST_API_KEY

    settings.STRIPE_SECRET_KEY = TEST_API_KEY
    settings.STRIPE_API_HOST = stripe_emulator.url
    stripe_sdk_configure()
    return stripe_emulator


@pytest.fixture
def stripe_webhooks(live_server: Any, stripe: EmulatorServer) -> WebhookEndpoint:
    """Our webhook endpoint on a live HTTP server, registered at the emulator as
    `manage.py setup_stripe` does, so the emulator POSTs signed events to dj-stripe's endpoint
    as Stripe would (the end-to-end tests)."""
    stripe_account_setup(base_url=live_server.url)
    return WebhookEndpoint.objects.get()


@pytest.fixture(params=PROVIDERS)
def paying_tenant(
    request: pytest.FixtureRequest,
    db: Any,
    settings: Any,
    stripe: EmulatorServer,
    paypal_emulator: PayPalEmulatorServer,
) -> PayingTenant:
    """An app on each payment provider in turn (tests/payment_providers.py says how a test
    uses it, and how to parametrise another suite the same way)."""
    return paying_tenant_make(
        request.param, name="Paying app", settings=settings, stripe=stripe, paypal=paypal_emulator
    )
