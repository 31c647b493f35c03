"""Payment intents, charges and refunds."""

from __future__ import annotations

import pytest
import stripe

from stripe_emulator.payments import REFUND_FAILS_AFTER_SECONDS
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
                "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
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
        "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
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
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
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


def test_a_confirm_that_could_redirect_without_a_return_url_is_refused_as_stripe_does(
    stripe_client: stripe.StripeClient,
) -> None:
    unconfirmed = stripe_client.v1.payment_intents.create(params={"amount": 900, "currency": "usd"})

    with pytest.raises(stripe.InvalidRequestError) as on_create:
        stripe_client.v1.payment_intents.create(
            params={
                "amount": 900,
                "currency": "usd",
                "payment_method": "pm_card_visa",
                "confirm": True,
            }
        )
    with pytest.raises(stripe.InvalidRequestError) as on_confirm:
        stripe_client.v1.payment_intents.confirm(
            unconfirmed.id, params={"payment_method": "pm_card_visa"}
        )

    for raised in (on_create, on_confirm):
        assert raised.value.http_status == 400
        assert "you must provide a `return_url`" in raised.value.user_message
        assert "`automatic_payment_methods[allow_redirects]` to `never`" in (
            raised.value.user_message
        )
    assert unconfirmed.automatic_payment_methods.enabled is True
    assert unconfirmed.automatic_payment_methods.allow_redirects == "always"
    intents = stripe_client.v1.payment_intents.list().data
    assert [intent.id for intent in intents] == [unconfirmed.id]
    assert stripe_client.v1.payment_intents.retrieve(unconfirmed.id).payment_method is None


def test_a_return_url_must_be_a_web_address_and_needs_confirm(
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as not_a_url:
        stripe_client.v1.payment_intents.create(
            params={
                "amount": 900,
                "currency": "usd",
                "payment_method": "pm_card_visa",
                "confirm": True,
                "return_url": "javascript:alert(1)",
            }
        )
    with pytest.raises(stripe.InvalidRequestError) as without_confirm:
        stripe_client.v1.payment_intents.create(
            params={"amount": 900, "currency": "usd", "return_url": "https://shop.example/done"}
        )

    assert (not_a_url.value.code, not_a_url.value.param) == ("url_invalid", "return_url")
    assert without_confirm.value.param == "return_url"


def test_a_three_d_secure_card_with_a_return_url_redirects_and_succeeds_once_authenticated(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    intent = stripe_client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "usd",
            "payment_method": "pm_card_threeDSecure2Required",
            "confirm": True,
            "return_url": "https://shop.example/orders/42",
        }
    )

    status, authenticated, _ = raw_request(
        stripe_emulator, "POST", f"/_emulator/payment_intents/{intent.id}/authenticate"
    )

    assert intent.status == "requires_action"
    assert intent.next_action.type == "redirect_to_url"
    assert intent.next_action.redirect_to_url.return_url == "https://shop.example/orders/42"
    assert intent.next_action.redirect_to_url.url.startswith("https://hooks.stripe.com/")
    assert intent.latest_charge is None
    assert status == 200
    assert authenticated["status"] == "succeeded"
    assert authenticated["next_action"] is None
    charge = stripe_client.v1.charges.retrieve(authenticated["latest_charge"])
    assert charge.status == "succeeded" and charge.payment_method_details.card.last4 == "3220"
    assert _event_types(stripe_client)[-4:] == [
        "payment_intent.created",
        "payment_intent.requires_action",
        "charge.succeeded",
        "payment_intent.succeeded",
    ]


def test_a_three_d_secure_card_off_session_is_declined_with_authentication_required(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = stripe_client.v1.customers.create(
        params={"payment_method": "pm_card_threeDSecure2Required"}
    )
    saved = stripe_client.v1.customers.payment_methods.list(customer.id).data[0]

    with pytest.raises(stripe.CardError) as raised:
        stripe_client.v1.payment_intents.create(
            params={
                "amount": 1000,
                "currency": "usd",
                "customer": customer.id,
                "payment_method": saved.id,
                "confirm": True,
                "off_session": True,
            }
        )

    error = raised.value.json_body["error"]
    assert raised.value.http_status == 402
    assert (error["code"], error["decline_code"]) == (
        "authentication_required",
        "authentication_required",
    )
    assert error["payment_intent"]["status"] == "requires_payment_method"


def test_a_three_d_secure_card_without_redirects_needs_action_in_the_page(
    stripe_client: stripe.StripeClient,
) -> None:
    intent = stripe_client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "usd",
            "payment_method": "pm_card_threeDSecure2Required",
            "confirm": True,
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
        }
    )

    assert intent.status == "requires_action"
    # Card authentication runs in the page with Stripe.js: no redirect, so it is allowed.
    assert intent.next_action.type == "use_stripe_sdk"


def test_intent_created_unconfirmed_can_be_confirmed_or_canceled(
    stripe_client: stripe.StripeClient,
) -> None:
    to_confirm = stripe_client.v1.payment_intents.create(
        params={"amount": 700, "currency": "eur", "automatic_payment_methods": {"enabled": True}}
    )
    to_cancel = stripe_client.v1.payment_intents.create(params={"amount": 700, "currency": "eur"})

    confirmed = stripe_client.v1.payment_intents.confirm(
        to_confirm.id,
        params={"payment_method": "pm_card_visa", "return_url": "https://shop.example/done"},
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
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
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


def test_a_refund_of_a_refund_fail_card_succeeds_then_fails_and_gives_the_amount_back(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    intent = stripe_client.v1.payment_intents.create(
        params={
            "amount": 5000,
            "currency": "usd",
            "payment_method": "pm_card_refundFail",
            "confirm": True,
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
        }
    )
    refund = stripe_client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 2000})
    accepted = stripe_client.v1.charges.retrieve(intent.latest_charge)

    # The emulator's clock runs with the wall clock: leave a margin for a slow machine.
    stripe_emulator.advance(REFUND_FAILS_AFTER_SECONDS - 30)
    still = stripe_client.v1.refunds.retrieve(refund.id)
    stripe_emulator.advance(30)
    failed = stripe_client.v1.refunds.retrieve(refund.id)
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)

    assert intent.status == "succeeded"
    assert refund.status == "succeeded"
    assert accepted.amount_refunded == 2000
    assert still.status == "succeeded"
    assert failed.status == "failed"
    assert failed.failure_reason == "expired_or_canceled_card"
    assert failed.failure_balance_transaction is not None
    assert charge.amount_refunded == 0 and charge.refunded is False
    assert _event_types(stripe_client)[-3:] == [
        "charge.refunded",
        "refund.updated",
        "refund.failed",
    ]
    [updated] = stripe_client.v1.events.list(params={"type": "refund.updated"}).data
    assert updated.data.previous_attributes.to_dict()["status"] == "succeeded"
