"""Payment intents, charges and refunds."""

from __future__ import annotations

import pytest
import stripe

from stripe_emulator.server import EmulatorServer
from tests.stripe_emulator.raw_http import raw_request


def _event_types(client: stripe.StripeClient) -> list[str]:
    return [event.type for event in reversed(client.v1.events.list(params={"limit": 100}).data)]


def test_confirmed_payment_intent_with_a_good_card_succeeds_and_creates_a_charge(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = stripe_client.v1.customers.create(
        params={
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )

    intent = stripe_client.v1.payment_intents.create(
        params={
            "amount": 2500,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": customer.invoice_settings.default_payment_method,
            "confirm": True,
            "off_session": True,
            "description": "Top-up",
            "metadata": {"app_id": "app_1"},
        }
    )
    charge = stripe_client.v1.charges.retrieve(
        intent.latest_charge, params={"expand": ["balance_transaction"]}
    )
    listed = stripe_client.v1.charges.list(params={"payment_intent": intent.id})

    assert intent.status == "succeeded"
    assert intent.amount_received == 2500
    assert intent.client_secret.startswith(intent.id + "_secret_")
    assert charge.paid is True and charge.status == "succeeded"
    assert charge.amount == 2500 and charge.amount_refunded == 0 and charge.refunded is False
    assert charge.payment_method_details.card.last4 == "4242"
    assert charge.balance_transaction.object == "balance_transaction"
    assert [item.id for item in listed.data] == [charge.id]
    assert _event_types(stripe_client)[-3:] == [
        "payment_intent.created",
        "charge.succeeded",
        "payment_intent.succeeded",
    ]


def test_declined_card_answers_402_with_the_failed_intent(
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.CardError) as raised:
        stripe_client.v1.payment_intents.create(
            params={
                "amount": 1000,
                "currency": "usd",
                "payment_method": "pm_card_chargeDeclined",
                "confirm": True,
            }
        )

    error = raised.value.json_body["error"]
    assert raised.value.http_status == 402
    assert error["code"] == "card_declined"
    assert error["decline_code"] == "generic_decline"
    assert error["payment_intent"]["status"] == "requires_payment_method"
    assert error["payment_intent"]["last_payment_error"]["code"] == "card_declined"
    stored = stripe_client.v1.payment_intents.retrieve(error["payment_intent"]["id"])
    assert stored.status == "requires_payment_method"
    assert stripe_client.v1.charges.retrieve(error["charge"]).status == "failed"
    assert "payment_intent.payment_failed" in _event_types(stripe_client)
    assert "charge.failed" in _event_types(stripe_client)


def test_card_error_is_replayed_for_the_same_idempotency_key(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    params = {
        "amount": 1000,
        "currency": "usd",
        "payment_method": "pm_card_chargeDeclined",
        "confirm": True,
    }

    errors = []
    for _ in range(2):
        with pytest.raises(stripe.CardError) as raised:
            stripe_client.v1.payment_intents.create(
                params=params,
                options={"idempotency_key": "decline-once"},  # type: ignore[arg-type]  # params is a plain dict, sent twice unchanged
            )
        errors.append(raised.value.json_body["error"]["payment_intent"]["id"])

    assert errors[0] == errors[1]
    assert len(stripe_client.v1.payment_intents.list().data) == 1


def test_authentication_required_card_needs_action_and_can_be_completed(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    intent = stripe_client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "usd",
            "payment_method": "pm_card_authenticationRequired",
            "confirm": True,
        }
    )

    _, authenticated, _ = raw_request(
        stripe_emulator,
        "POST",
        f"/_emulator/payment_intents/{intent.id}/authenticate",
        json_body={"succeed": True},
    )

    assert intent.status == "requires_action"
    assert intent.next_action.type == "use_stripe_sdk"
    assert "payment_intent.requires_action" in _event_types(stripe_client)
    assert authenticated["status"] == "succeeded"


def test_authentication_required_card_off_session_is_declined(
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.CardError) as raised:
        stripe_client.v1.payment_intents.create(
            params={
                "amount": 1000,
                "currency": "usd",
                "payment_method": "pm_card_authenticationRequired",
                "confirm": True,
                "off_session": True,
            }
        )

    assert raised.value.code == "authentication_required"


def test_intent_created_unconfirmed_can_be_confirmed_or_canceled(
    stripe_client: stripe.StripeClient,
) -> None:
    to_confirm = stripe_client.v1.payment_intents.create(
        params={"amount": 700, "currency": "eur", "automatic_payment_methods": {"enabled": True}}
    )
    to_cancel = stripe_client.v1.payment_intents.create(params={"amount": 700, "currency": "eur"})

    confirmed = stripe_client.v1.payment_intents.confirm(
        to_confirm.id, params={"payment_method": "pm_card_visa"}
    )
    canceled = stripe_client.v1.payment_intents.cancel(to_cancel.id)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.payment_intents.cancel(confirmed.id)

    assert to_confirm.status == "requires_payment_method"
    assert to_confirm.automatic_payment_methods.enabled is True
    assert confirmed.status == "succeeded"
    assert canceled.status == "canceled"
    assert raised.value.code == "payment_intent_unexpected_state"


def test_amount_below_the_minimum_is_rejected(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.payment_intents.create(params={"amount": 10, "currency": "usd"})

    assert raised.value.code == "amount_too_small"
    assert raised.value.param == "amount"


def _paid_intent(client: stripe.StripeClient, amount: int = 5000) -> stripe.PaymentIntent:
    return client.v1.payment_intents.create(
        params={
            "amount": amount,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )


def test_partial_refunds_add_up_and_fire_charge_refunded(
    stripe_client: stripe.StripeClient,
) -> None:
    intent = _paid_intent(stripe_client)

    first = stripe_client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 2000})
    second = stripe_client.v1.refunds.create(params={"charge": intent.latest_charge})
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge, params={"expand": ["refunds"]})
    refunds = stripe_client.v1.refunds.list(params={"payment_intent": intent.id})

    assert first.status == "succeeded" and first.amount == 2000
    assert second.amount == 3000
    assert charge.amount_refunded == 5000 and charge.refunded is True
    assert len(charge.refunds.data) == 2
    assert {refund.id for refund in refunds.data} == {first.id, second.id}
    refunded_events = stripe_client.v1.events.list(params={"type": "charge.refunded"}).data
    assert refunded_events[0].data.previous_attributes.to_dict() == {
        "amount_refunded": 2000,
        "refunded": False,
    }
    assert len(stripe_client.v1.events.list(params={"type": "refund.created"}).data) == 2


def test_refund_more_than_charged_is_rejected(stripe_client: stripe.StripeClient) -> None:
    intent = _paid_intent(stripe_client, 1000)
    stripe_client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 600})

    with pytest.raises(stripe.InvalidRequestError) as too_large:
        stripe_client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 500})
    stripe_client.v1.refunds.create(params={"payment_intent": intent.id})
    with pytest.raises(stripe.InvalidRequestError) as already:
        stripe_client.v1.refunds.create(params={"payment_intent": intent.id})

    assert too_large.value.http_status == 400
    assert too_large.value.code == "amount_too_large"
    assert too_large.value.param == "amount"
    assert "greater than unrefunded amount on charge ($4.00)" in too_large.value.user_message
    assert already.value.code == "charge_already_refunded"


def test_refund_of_an_unpaid_intent_is_rejected(stripe_client: stripe.StripeClient) -> None:
    intent = stripe_client.v1.payment_intents.create(params={"amount": 700, "currency": "usd"})

    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.refunds.create(params={"payment_intent": intent.id})

    assert raised.value.param == "payment_intent"
