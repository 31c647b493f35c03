from io import StringIO

import pytest
import stripe as stripe_sdk
from django.core.management import CommandError, call_command
from djstripe.models import Account, WebhookEndpoint

from stripe_emulator.pytest_plugin import TEST_API_KEY
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


def _stripe_client(stripe: EmulatorServer) -> stripe_sdk.StripeClient:
    return stripe_sdk.StripeClient(TEST_API_KEY, base_addresses={"api": stripe.url})


def _stripe_webhook_endpoints(stripe: EmulatorServer) -> list[stripe_sdk.WebhookEndpoint]:
    return list(_stripe_client(stripe).v1.webhook_endpoints.list().data)


def test_setup_stripe_re_registers_the_endpoint_an_emptied_emulator_lost(
    stripe: EmulatorServer, db
):
    _setup("https://pay.example.com")
    lost = WebhookEndpoint.objects.get()
    stripe.reset()

    output = _setup("https://pay.example.com")

    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.id != lost.id
    assert endpoint.secret.startswith("whsec_") and endpoint.secret != lost.secret
    assert "Re-registered (the recorded one was missing at Stripe): webhook endpoint" in output
    assert [(item.id, item.url, item.status) for item in _stripe_webhook_endpoints(stripe)] == [
        (endpoint.id, endpoint.url, "enabled")
    ]


def test_setup_stripe_replaces_an_endpoint_disabled_at_stripe_and_deletes_it_there(
    stripe: EmulatorServer, db
):
    _setup("https://pay.example.com")
    disabled = WebhookEndpoint.objects.get()
    _stripe_client(stripe).v1.webhook_endpoints.update(disabled.id, params={"disabled": True})

    output = _setup("https://pay.example.com")

    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.id != disabled.id
    assert "Re-registered (the recorded one was disabled at Stripe)" in output
    assert [item.id for item in _stripe_webhook_endpoints(stripe)] == [endpoint.id]


def test_setup_stripe_replaces_an_endpoint_that_lost_our_events_at_stripe(
    stripe: EmulatorServer, db
):
    _setup("https://pay.example.com")
    narrowed = WebhookEndpoint.objects.get()
    _stripe_client(stripe).v1.webhook_endpoints.update(
        narrowed.id, params={"enabled_events": ["invoice.paid"]}
    )

    output = _setup("https://pay.example.com")

    assert WebhookEndpoint.objects.get().id != narrowed.id
    assert "Re-registered (the recorded one was not subscribed at Stripe to " in output
    assert "customer.subscription.updated" in output
