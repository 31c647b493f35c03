"""replay_stripe_events with the real chain: an event Stripe (the emulator) sent, delivered signed
to dj-stripe's endpoint and stored there, then replayed through our handlers in billing/webhooks.py."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from djstripe.models import Event, WebhookEndpoint

from audit.models import AuditEvent
from billing.models import Subscription
from billing.stripe_account import stripe_account_setup
from stripe_emulator.server import EmulatorServer
from tests.factories import (
    DAY_SECONDS,
    UNREACHABLE_BASE_URL,
    Tenant,
    deliver,
    events_of,
    trial_subscription_make,
)


@pytest.fixture
def webhook_endpoint(stripe: EmulatorServer, db: Any) -> WebhookEndpoint:
    stripe_account_setup(base_url=UNREACHABLE_BASE_URL)
    return WebhookEndpoint.objects.get()


def _trial_over_delivered(tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint) -> str:
    subscription = trial_subscription_make(tenant.client)
    stripe.advance(4 * DAY_SECONDS)
    trial_over = events_of(
        stripe, "customer.subscription.updated", subscription["provider_subscription_id"]
    )[-1]
    assert deliver(endpoint, trial_over).status_code == 200
    return trial_over["id"]


def _syncs(tenant: Tenant) -> int:
    return AuditEvent.objects.for_app(tenant.app).filter(action_type="SYNC_SUBSCRIPTION").count()


def test_replaying_an_event_already_applied_changes_nothing(
    tenant: Tenant, stripe: EmulatorServer, webhook_endpoint: WebhookEndpoint
):
    event_id = _trial_over_delivered(tenant, stripe, webhook_endpoint)

    output = StringIO()
    call_command("replay_stripe_events", "--id", event_id, stdout=output)

    assert "Replayed 1 event(s)." in output.getvalue()
    assert Subscription.objects.for_app(tenant.app).get().status == "active"
    assert _syncs(tenant) == 1
    assert Event.objects.filter(id=event_id).count() == 1


def test_replaying_an_event_repairs_a_subscription_that_missed_it(
    tenant: Tenant, stripe: EmulatorServer, webhook_endpoint: WebhookEndpoint
):
    event_id = _trial_over_delivered(tenant, stripe, webhook_endpoint)
    # As if the handler's work had been lost (say, a handler bug since fixed): our row is
    # back where it stood before the event.
    Subscription.objects.for_app(tenant.app).update(status="trialing", provider_state_at=None)

    call_command("replay_stripe_events", "--id", event_id, stdout=StringIO())

    assert Subscription.objects.for_app(tenant.app).get().status == "active"
    assert _syncs(tenant) == 2
