from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from djstripe.models import Account, WebhookEndpoint

from stripe_emulator.server import EmulatorServer


def _setup(base_url: str) -> str:
    output = StringIO()
    call_command("setup_stripe", "--base-url", base_url, stdout=output)
    return output.getvalue()


def test_setup_stripe_registers_our_webhook_endpoint_with_stripe(stripe: EmulatorServer, db):
    output = _setup("https://pay.example.com")

    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.url.startswith("https://pay.example.com/stripe/webhook/")
    assert endpoint.secret.startswith("whsec_")
    registered = [
        request for request in stripe.requests() if request["path"] == "/v1/webhook_endpoints"
    ]
    assert len(registered) == 1
    assert "Registered webhook endpoint https://pay.example.com/stripe/webhook/" in output
    assert Account.objects.count() == 1
    assert f"Stripe account {Account.objects.get().id}." in output


def test_setup_stripe_twice_changes_nothing(stripe: EmulatorServer, db):
    _setup("https://pay.example.com")

    output = _setup("https://pay.example.com")

    assert WebhookEndpoint.objects.count() == 1
    assert "Already registered (nothing changed)" in output
    registrations = [
        request
        for request in stripe.requests()
        if request["path"] == "/v1/webhook_endpoints" and request["method"] == "POST"
    ]
    assert len(registrations) == 1


def test_setup_stripe_rejects_a_base_url_without_a_scheme(db):
    with pytest.raises(CommandError, match="must start with http"):
        _setup("pay.example.com")
