"""Cards collected by the app's own form (Stripe Elements): the publishable key the form needs,
the setup intent it confirms, and the card that becomes the customer's default."""

from typing import Any

import pytest

from tests.factories import Tenant

PUBLISHABLE_KEY = "pk_test_" + "emulator" * 4


@pytest.fixture(autouse=True)
def publishable_key(settings: Any) -> str:
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    return PUBLISHABLE_KEY


def test_the_app_endpoint_gives_the_providers_publishable_key(tenant: Tenant):
    response = tenant.client.get("/v1/app")

    assert response.status_code == 200
    assert response.json()["client"] == {"publishable_key": PUBLISHABLE_KEY}


def test_without_a_publishable_key_configured_it_is_null(tenant: Tenant, settings: Any):
    settings.STRIPE_PUBLISHABLE_KEY = ""

    response = tenant.client.get("/v1/app")

    assert response.json()["client"] == {"publishable_key": None}
