"""Stripe's webhooks, POSTed to dj-stripe's endpoint signed as Stripe signs them: dj-stripe checks
and stores them, re-fetches the object from Stripe (the emulator), and our handlers apply it."""

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import stripe as stripe_sdk
from django.test import Client
from djstripe.models import Event, WebhookEndpoint

from audit.models import AuditEvent
from billing.models import Payment, Subscription
from billing.providers.base import SubscriptionResult
from billing.providers.base import SubscriptionStatus as ProviderSubscriptionStatus
from billing.providers.stripe import stripe_client
from billing.stripe_account import stripe_account_setup, stripe_webhook_path
from billing.subscription_webhook_sync import subscription_sync_from_provider
from grace.models import GracePeriod
from notifications.models import AppEvent
from stripe_emulator.server import EmulatorServer
from tests.factories import (
    DAY_SECONDS,
    UNREACHABLE_BASE_URL,
    Tenant,
    customer_make,
    deliver,
    events_of,
    plan_make,
    subscribe,
    trial_subscription_make,
)
from tests.stripe_emulator.raw_http import raw_request


@pytest.fixture
def endpoint(stripe: EmulatorServer, db: Any) -> WebhookEndpoint:
    stripe_account_setup(base_url=UNREACHABLE_BASE_URL)
    return WebhookEndpoint.objects.get()


def _audit_actions(tenant: Tenant, action_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_app(tenant.app).filter(action_type=action_type))


def test_a_subscription_event_brings_stripes_state_to_our_subscription(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    subscription = trial_subscription_make(tenant.client)
    stripe.advance(4 * DAY_SECONDS)
    trial_over = events_of(
        stripe, "customer.subscription.updated", subscription["provider_subscription_id"]
    )[-1]

    response = deliver(endpoint, trial_over)

    assert response.status_code == 200, response.content
    body = tenant.client.get(f"/v1/subscriptions/{subscription['id']}").json()
    assert body["status"] == "active"
    assert body["current_period_start"] == body["trial_end"]
    sync = _audit_actions(tenant, "SYNC_SUBSCRIPTION")
    assert [(event.actor_id, event.payload_snapshot["source"]) for event in sync] == [
        ("stripe", "webhook")
    ]
    assert (
        AppEvent.objects.for_app(tenant.app)
        .filter(event_type="subscription.updated", data__status="active")
        .exists()
    )


def test_a_duplicate_event_answers_200_and_has_no_second_effect(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    subscription = trial_subscription_make(tenant.client)
    stripe.advance(4 * DAY_SECONDS)
    trial_over = events_of(
        stripe, "customer.subscription.updated", subscription["provider_subscription_id"]
    )[-1]
    deliver(endpoint, trial_over)

    again = deliver(endpoint, trial_over)

    assert again.status_code == 200
    assert Event.objects.filter(id=trial_over["id"]).count() == 1
    assert len(_audit_actions(tenant, "SYNC_SUBSCRIPTION")) == 1
    assert (
        AppEvent.objects.for_app(tenant.app).filter(event_type="subscription.updated").count() == 1
    )


def test_a_bad_signature_answers_400_and_changes_nothing(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    subscription = trial_subscription_make(tenant.client)
    stripe.advance(4 * DAY_SECONDS)
    trial_over = events_of(
        stripe, "customer.subscription.updated", subscription["provider_subscription_id"]
    )[-1]

    response = deliver(endpoint, trial_over, secret="whsec_not_the_endpoints_secret")

    assert response.status_code == 400
    assert not Event.objects.filter(id=trial_over["id"]).exists()
    assert Subscription.objects.for_app(tenant.app).get().status == "trialing"


def test_a_stale_timestamp_answers_400_and_changes_nothing(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    subscription = trial_subscription_make(tenant.client)
    stripe.advance(4 * DAY_SECONDS)
    trial_over = events_of(
        stripe, "customer.subscription.updated", subscription["provider_subscription_id"]
    )[-1]

    response = deliver(endpoint, trial_over, timestamp=int(time.time()) - 10 * 60)

    assert response.status_code == 400
    assert Subscription.objects.for_app(tenant.app).get().status == "trialing"


def test_a_request_without_a_signature_answers_400(endpoint: WebhookEndpoint):
    response = Client().post(
        stripe_webhook_path(endpoint), data=b"{}", content_type="application/json"
    )

    assert response.status_code == 400


def test_an_event_for_a_subscription_that_is_not_ours_answers_200_and_is_ignored(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    plan = plan_make(tenant.client, trial_period_days=3)
    customer = customer_make(tenant.client)
    # Made in Stripe by another system sharing the account: no metadata of ours.
    foreign = stripe_client().v1.subscriptions.create(
        {
            "customer": customer["provider_customer_id"],
            "items": [{"price": plan["base"]["provider_price_id"]}],
            "metadata": {"app_id": "app_somebody_else"},
        }
    )
    created = events_of(stripe, "customer.subscription.created", foreign.id)[-1]

    response = deliver(endpoint, created)

    assert response.status_code == 200
    assert Event.objects.filter(id=created["id"]).exists()
    assert not Subscription.objects.all_tenants().exists()
    assert _audit_actions(tenant, "SYNC_SUBSCRIPTION") == []


def test_an_event_for_an_object_of_another_kind_is_ignored(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    customer = customer_make(tenant.client)
    intent = stripe_client().v1.payment_intents.create(
        {
            "amount": 500,
            "currency": "usd",
            "customer": customer["provider_customer_id"],
            "payment_method": "pm_card_visa",
            "confirm": True,
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
        }
    )
    succeeded = events_of(stripe, "payment_intent.succeeded", intent.id)[-1]

    response = deliver(endpoint, succeeded)

    assert response.status_code == 200
    assert not Payment.objects.all_tenants().exists()


def test_two_events_of_the_same_second_in_reverse_order_leave_the_later_state(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    subscription = trial_subscription_make(tenant.client, card="pm_card_chargeCustomerFail")
    stripe.advance(4 * DAY_SECONDS)
    activated, past_due = events_of(
        stripe, "customer.subscription.updated", subscription["provider_subscription_id"]
    )[-2:]
    assert activated["created"] == past_due["created"]
    assert activated["data"]["object"]["status"] == "active"

    deliver(endpoint, past_due)
    deliver(endpoint, activated)

    assert Subscription.objects.for_app(tenant.app).get().status == "past_due"


def test_a_failed_invoice_opens_a_grace_period_for_the_plans_days_once(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    subscription = trial_subscription_make(
        tenant.client, card="pm_card_chargeCustomerFail", grace_period_days=5
    )
    stripe.advance(4 * DAY_SECONDS)
    failed = events_of(stripe, "invoice.payment_failed", subscription["provider_subscription_id"])
    stripe.advance(3 * DAY_SECONDS)  # Stripe's first retry fails too
    failed_again = events_of(
        stripe, "invoice.payment_failed", subscription["provider_subscription_id"]
    )[-1]

    first = deliver(endpoint, failed[-1])
    second = deliver(endpoint, failed_again)

    assert (first.status_code, second.status_code) == (200, 200)
    grace_period = GracePeriod.objects.for_app(tenant.app).get()
    assert grace_period.status == "active"
    assert grace_period.reason == "payment_failed"
    assert grace_period.subscription_id == subscription["id"]
    assert grace_period.source_reference == failed[-1]["data"]["object"]["id"]
    assert (grace_period.ends_at - grace_period.starts_at).days == 5
    opened = _audit_actions(tenant, "OPEN_GRACE_PERIOD")
    assert [event.actor_id for event in opened] == ["stripe"]


def test_a_paid_invoice_resolves_the_open_grace_period(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    subscription = trial_subscription_make(tenant.client, card="pm_card_chargeCustomerFail")
    stripe.advance(4 * DAY_SECONDS)
    failed = events_of(stripe, "invoice.payment_failed", subscription["provider_subscription_id"])
    deliver(endpoint, failed[-1])
    tenant.client.patch(
        f"/v1/customers/{subscription['customer']}",
        {"payment_method": "pm_card_visa"},
        format="json",
    )
    stripe.advance(3 * DAY_SECONDS)  # Stripe's retry now charges the new card
    paid = events_of(stripe, "invoice.paid", subscription["provider_subscription_id"])[-1]

    response = deliver(endpoint, paid)

    assert response.status_code == 200
    grace_period = GracePeriod.objects.for_app(tenant.app).get()
    assert grace_period.status == "resolved"
    assert grace_period.resolved_by == "stripe"
    assert paid["data"]["object"]["id"] in grace_period.note


def test_a_late_failure_of_an_invoice_paid_since_leaves_a_resolved_grace_period(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    subscription = trial_subscription_make(tenant.client, card="pm_card_chargeCustomerFail")
    stripe.advance(4 * DAY_SECONDS)
    failed = events_of(stripe, "invoice.payment_failed", subscription["provider_subscription_id"])
    tenant.client.patch(
        f"/v1/customers/{subscription['customer']}",
        {"payment_method": "pm_card_visa"},
        format="json",
    )
    stripe.advance(3 * DAY_SECONDS)
    paid = events_of(stripe, "invoice.paid", subscription["provider_subscription_id"])[-1]

    deliver(endpoint, paid)
    deliver(endpoint, failed[-1])
    deliver(endpoint, failed[-1])

    [grace_period] = GracePeriod.objects.for_app(tenant.app)
    assert grace_period.status == "resolved"
    assert grace_period.source_reference == failed[-1]["data"]["object"]["id"]
    assert grace_period.resolved_at is not None
    assert grace_period.resolved_at >= grace_period.starts_at


def test_a_refund_made_in_stripes_dashboard_reaches_our_payment(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    customer = customer_make(tenant.client)
    payment = tenant.client.post(
        "/v1/payments",
        {"customer": customer["id"], "amount": 2000, "currency": "usd"},
        format="json",
    ).json()
    stripe_client().v1.refunds.create(
        {"payment_intent": payment["provider_payment_id"], "amount": 700}
    )
    refunded = stripe.events("charge.refunded")[-1]

    response = deliver(endpoint, refunded)

    assert response.status_code == 200
    body = tenant.client.get(f"/v1/payments/{payment['id']}").json()
    assert body["amount_refunded"] == 700


def test_a_state_older_than_the_one_held_never_wins(tenant: Tenant, stripe: EmulatorServer):
    subscription = trial_subscription_make(tenant.client)
    reference = subscription["provider_subscription_id"]
    now = datetime.now(tz=UTC)

    def sync(status: str, seconds_ago: int) -> None:
        subscription_sync_from_provider(
            result=SubscriptionResult(
                status=ProviderSubscriptionStatus(status), provider_reference=reference
            ),
            provider_state_at=now - timedelta(seconds=seconds_ago),
            metadata={},
        )

    sync("past_due", seconds_ago=10)
    sync("active", seconds_ago=20)
    held = Subscription.objects.for_app(tenant.app).get().status
    sync("active", seconds_ago=0)

    assert held == "past_due"
    assert Subscription.objects.for_app(tenant.app).get().status == "active"


def test_a_paid_invoice_leaves_open_the_grace_period_of_another_invoice_still_owed(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    subscription = trial_subscription_make(tenant.client, card="pm_card_chargeCustomerFail")
    trial_invoice_paid = events_of(
        stripe, "invoice.paid", subscription["provider_subscription_id"]
    )[-1]
    stripe.advance(4 * DAY_SECONDS)
    failed = events_of(stripe, "invoice.payment_failed", subscription["provider_subscription_id"])

    deliver(endpoint, failed[-1])
    deliver(endpoint, trial_invoice_paid)  # late: the trial's own (free) invoice

    assert trial_invoice_paid["data"]["object"]["amount_due"] == 0
    assert GracePeriod.objects.for_app(tenant.app).get().status == "active"


def _pending_then_made_at_stripe(
    owner: Tenant, stripe: EmulatorServer, *, metadata_app: Tenant
) -> tuple[Subscription, Any]:
    """`owner`'s subscription left pending by a Stripe outage, then made at Stripe after all
    (our request timed out after Stripe had acted) with metadata naming `metadata_app` and the
    pending subscription's id."""
    plan = plan_make(owner.client, trial_period_days=3)
    customer = customer_make(owner.client)
    stripe.set_faults(status=500, count=3, path_prefix="/v1/subscriptions")
    subscribe(owner.client, customer, plan)
    pending = Subscription.objects.for_app(owner.app).get()
    made = stripe_client().v1.subscriptions.create(
        {
            "customer": customer["provider_customer_id"],
            "items": [{"price": plan["base"]["provider_price_id"]}],
            "trial_period_days": 3,
            "metadata": {"app_id": metadata_app.app.pk, "subscription_id": pending.pk},
        }
    )
    return pending, made


def test_a_created_event_completes_a_pending_subscription_whose_answer_was_lost(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    pending, made = _pending_then_made_at_stripe(tenant, stripe, metadata_app=tenant)
    created = events_of(stripe, "customer.subscription.created", made.id)[-1]

    response = deliver(endpoint, created)

    assert response.status_code == 200
    completed = Subscription.objects.for_app(tenant.app).get()
    assert completed.pk == pending.pk
    assert completed.sync_state == "synced"
    assert completed.provider_subscription_id == made.id
    assert completed.status == "trialing"
    assert (
        AppEvent.objects.for_app(tenant.app)
        .filter(event_type="subscription.created", data__id=pending.pk)
        .exists()
    )


def test_an_event_naming_another_apps_subscription_in_its_metadata_is_ignored(
    tenant: Tenant, other_tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    theirs, made = _pending_then_made_at_stripe(other_tenant, stripe, metadata_app=tenant)

    response = deliver(endpoint, events_of(stripe, "customer.subscription.created", made.id)[-1])

    assert response.status_code == 200
    assert Subscription.objects.for_app(other_tenant.app).get().sync_state == "pending"


def test_a_signed_event_about_an_object_stripe_never_had_is_recorded_and_answered_200(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    from djstripe.models import WebhookEventTrigger

    event = {
        "id": "evt_about_nothing",
        "object": "event",
        "type": "customer.subscription.updated",
        "api_version": "2026-08-26.dahlia",
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {
            "object": {
                "id": "sub_never_existed",
                "object": "subscription",
                "customer": "cus_never_existed",
                "status": "active",
                "livemode": False,
            }
        },
    }

    response = deliver(endpoint, event)

    assert response.status_code == 200
    trigger = WebhookEventTrigger.objects.get()
    assert "No such customer" in trigger.exception
    assert not Event.objects.filter(id="evt_about_nothing").exists()
    assert Subscription.objects.for_app(tenant.app).count() == 0


def test_a_stripe_outage_while_processing_an_event_still_answers_500_for_a_retry(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    """Only a missing object is final: anything else is left to Stripe's retries."""
    subscription = trial_subscription_make(tenant.client)
    updated = events_of(
        stripe, "customer.subscription.created", subscription["provider_subscription_id"]
    )[-1]
    stripe.set_faults(status=500, count=10, path_prefix="/v1/subscriptions")

    # Django's test client raises what the view raised; a server answers it with a 500.
    with pytest.raises(stripe_sdk.APIError):
        deliver(endpoint, updated)


def test_a_first_payment_needing_authentication_answers_its_client_secret_until_completed(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    plan = plan_make(tenant.client)
    customer = customer_make(tenant.client, payment_method="pm_card_authenticationRequired")

    response = subscribe(tenant.client, customer, plan)

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "incomplete"
    at_stripe = stripe.state.objects[created["provider_subscription_id"]]
    invoice = stripe.state.objects[at_stripe["latest_invoice"]]
    intent = stripe.state.objects[invoice["_payment_intent"]]
    assert intent["status"] == "requires_action"
    assert created["client_secret"] == intent["client_secret"]
    # A webhook about the still-incomplete subscription carries no secret and keeps ours.
    deliver(endpoint, events_of(stripe, "customer.subscription.created", at_stripe["id"])[-1])
    shown = tenant.client.get(f"/v1/subscriptions/{created['id']}").json()
    assert shown["client_secret"] == intent["client_secret"]
    audited = AuditEvent.objects.for_app(tenant.app).get(action_type="CREATE_SUBSCRIPTION")
    assert intent["client_secret"] not in json.dumps(audited.payload_snapshot)

    # The customer passes 3-D Secure in the app's front end; Stripe's events follow.
    status, _, _ = raw_request(
        stripe,
        "POST",
        f"/_emulator/payment_intents/{intent['id']}/authenticate",
        json_body={"succeed": True},
    )
    assert status == 200
    for event_type in ("invoice.paid", "customer.subscription.updated"):
        assert (
            deliver(endpoint, events_of(stripe, event_type, at_stripe["id"])[-1]).status_code == 200
        )

    completed = tenant.client.get(f"/v1/subscriptions/{created['id']}").json()
    assert completed["status"] == "active"
    assert completed["client_secret"] is None


def _switch_price_at_stripe(provider_subscription_id: str, price: str) -> None:
    """What an operator does in Stripe's dashboard: the subscription's item to another price."""
    client = stripe_client()
    at_stripe = client.v1.subscriptions.retrieve(provider_subscription_id)
    client.v1.subscriptions.update(
        provider_subscription_id,
        {
            "items": [{"id": at_stripe["items"]["data"][0]["id"], "price": price}],
            "proration_behavior": "none",
        },
    )


def test_a_plan_changed_in_stripes_dashboard_moves_the_subscription_to_that_plan(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    basic = plan_make(tenant.client, "basic")
    pro = plan_make(tenant.client, "pro", base={"amount": 5000, "interval": "month"})
    created = subscribe(tenant.client, customer_make(tenant.client), basic).json()
    reference = created["provider_subscription_id"]

    _switch_price_at_stripe(reference, pro["base"]["provider_price_id"])
    updated = events_of(stripe, "customer.subscription.updated", reference)[-1]

    assert deliver(endpoint, updated).status_code == 200
    shown = tenant.client.get(f"/v1/subscriptions/{created['id']}").json()
    assert (shown["plan"], shown["plan_version"]) == (pro["id"], 1)
    synced = AuditEvent.objects.for_app(tenant.app).filter(action_type="SYNC_SUBSCRIPTION")
    change = synced.latest("created_at").payload_snapshot
    assert (change["from"]["plan"], change["subscription"]["plan"]) == (basic["id"], pro["id"])


def test_a_price_of_no_plan_of_the_app_leaves_the_subscription_on_its_plan(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    basic = plan_make(tenant.client, "basic")
    created = subscribe(tenant.client, customer_make(tenant.client), basic).json()
    reference = created["provider_subscription_id"]
    client = stripe_client()
    product = client.v1.products.create({"name": "Made in the dashboard"})
    price = client.v1.prices.create(
        {
            "product": product.id,
            "currency": "usd",
            "unit_amount": 999,
            "recurring": {"interval": "month"},
        }
    )

    _switch_price_at_stripe(reference, price.id)
    updated = events_of(stripe, "customer.subscription.updated", reference)[-1]

    assert deliver(endpoint, updated).status_code == 200
    shown = tenant.client.get(f"/v1/subscriptions/{created['id']}").json()
    assert (shown["plan"], shown["plan_version"]) == (basic["id"], 1)
