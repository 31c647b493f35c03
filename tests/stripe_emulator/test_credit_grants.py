"""Billing credits: credit grants, their balance and transactions, and invoices applying them
at finalization, through stripe-python as an integration would use them."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from stripe_emulator.server import EmulatorServer

DAY_SECONDS = 86_400


def _meter(client: stripe.StripeClient) -> stripe.billing.Meter:
    return client.v1.billing.meters.create(
        params={
            "display_name": "API calls",
            "event_name": "api_call",
            "default_aggregation": {"formula": "sum"},
        }
    )


def _prices(client: stripe.StripeClient) -> tuple[stripe.Price, stripe.Price]:
    metered = client.v1.prices.create(
        params={
            "product_data": {"name": "API calls"},
            "currency": "usd",
            "unit_amount": 1,
            "recurring": {"interval": "month", "usage_type": "metered", "meter": _meter(client).id},
        }
    )
    base = client.v1.prices.create(
        params={
            "product_data": {"name": "Pro"},
            "currency": "usd",
            "unit_amount": 2000,
            "recurring": {"interval": "month"},
        }
    )
    return metered, base


def _customer(client: stripe.StripeClient) -> stripe.Customer:
    return client.v1.customers.create(
        params={
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )


def _grant(
    client: stripe.StripeClient, customer: stripe.Customer, value: int, **more: Any
) -> stripe.billing.CreditGrant:
    params: dict[str, Any] = {
        "customer": customer.id,
        "amount": {"type": "monetary", "monetary": {"currency": "usd", "value": value}},
        "applicability_config": {"scope": {"price_type": "metered"}},
        "category": "paid",
        **more,
    }
    return client.v1.billing.credit_grants.create(params=params)


def _renewal(
    stripe_emulator: EmulatorServer,
    client: stripe.StripeClient,
    customer: stripe.Customer,
    prices: list[stripe.Price],
    usage: int,
) -> stripe.Invoice:
    subscription = client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": price.id} for price in prices]}
    )
    client.v1.billing.meter_events.create(
        params={
            "event_name": "api_call",
            "payload": {"stripe_customer_id": customer.id, "value": str(usage)},
            "identifier": "usage-1",
        }
    )
    stripe_emulator.advance(32 * DAY_SECONDS)
    renewal = client.v1.invoices.list(params={"subscription": subscription.id}).data[0]
    assert renewal.billing_reason == "subscription_cycle"
    return renewal


def _debits(client: stripe.StripeClient, customer: stripe.Customer, grant: Any) -> list[Any]:
    transactions = client.v1.billing.credit_balance_transactions.list(
        params={"customer": customer.id, "credit_grant": grant.id}
    ).data
    return [transaction.debit for transaction in transactions if transaction.type == "debit"]


def test_a_grant_has_the_pinned_versions_fields_and_a_credits_granted_transaction(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = _customer(stripe_client)

    grant = _grant(stripe_client, customer, 1000, name="Welcome", priority=10)
    fetched = stripe_client.v1.billing.credit_grants.retrieve(grant.id)
    listed = stripe_client.v1.billing.credit_grants.list(params={"customer": customer.id}).data
    (transaction,) = stripe_client.v1.billing.credit_balance_transactions.list(
        params={"customer": customer.id}
    ).data

    assert grant.object == "billing.credit_grant"
    assert grant.id.startswith("credgr_")
    assert fetched.amount.monetary.value == 1000
    assert fetched.amount.type == "monetary"
    assert fetched.applicability_config.scope.price_type == "metered"
    assert (fetched.priority, fetched.name, fetched.category) == (10, "Welcome", "paid")
    assert fetched.expires_at is None and fetched.voided_at is None
    assert [item.id for item in listed] == [grant.id]
    assert transaction.type == "credit"
    assert transaction.credit.type == "credits_granted"
    assert transaction.credit.amount.monetary.value == 1000
    assert transaction.credit_grant == grant.id
    retrieved = stripe_client.v1.billing.credit_balance_transactions.retrieve(transaction.id)
    assert retrieved.id == transaction.id


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"amount": {"type": "monetary", "monetary": {"currency": "usd", "value": 0}}}, None),
        (
            {"applicability_config": {"scope": {"price_type": "licensed"}}},
            "applicability_config[scope][price_type]",
        ),
        ({"priority": 101}, "priority"),
        (
            {"amount": {"type": "monetary", "monetary": {"currency": "usd", "value": 5}}, "x": 1},
            "x",
        ),
    ],
)
def test_bad_grants_are_refused_with_stripes_error(
    stripe_client: stripe.StripeClient, change: dict[str, Any], param: str | None
) -> None:
    customer = _customer(stripe_client)
    params: dict[str, Any] = {
        "customer": customer.id,
        "amount": {"type": "monetary", "monetary": {"currency": "usd", "value": 100}},
        "applicability_config": {"scope": {"price_type": "metered"}},
        **change,
    }

    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.billing.credit_grants.create(params=params)

    if param is not None:
        assert raised.value.param == param


def test_a_grant_scoped_to_a_licensed_price_is_refused(stripe_client: stripe.StripeClient) -> None:
    _, base = _prices(stripe_client)
    customer = _customer(stripe_client)

    with pytest.raises(stripe.InvalidRequestError) as raised:
        _grant(
            stripe_client,
            customer,
            100,
            applicability_config={"scope": {"prices": [{"id": base.id}]}},
        )

    assert raised.value.param == "applicability_config[scope][prices][0][id]"


def test_finalization_applies_grants_in_priority_order_to_metered_lines_only(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    metered, base = _prices(stripe_client)
    customer = _customer(stripe_client)
    later = _grant(stripe_client, customer, 300, priority=20)
    first = _grant(stripe_client, customer, 500, priority=5)

    renewal = _renewal(stripe_emulator, stripe_client, customer, [metered, base], 1000)

    usage_line = next(line for line in renewal.lines.data if line.amount == 1000)
    base_line = next(line for line in renewal.lines.data if line.amount == 2000)
    assert [credit.amount for credit in usage_line.pretax_credit_amounts] == [500, 300]
    assert base_line.pretax_credit_amounts == []
    assert [credit.type for credit in renewal.total_pretax_credit_amounts] == [
        "credit_balance_transaction",
        "credit_balance_transaction",
    ]
    assert renewal.subtotal == 3000
    assert renewal.total == 2200
    assert renewal.amount_due == 2200
    assert renewal.amount_paid == 2200
    (first_debit,) = _debits(stripe_client, customer, first)
    assert first_debit.type == "credits_applied"
    assert first_debit.amount.monetary.value == 500
    assert first_debit.credits_applied.invoice == renewal.id
    assert first_debit.credits_applied.invoice_line_item == usage_line.id
    assert [debit.amount.monetary.value for debit in _debits(stripe_client, customer, later)] == [
        300
    ]


def test_a_grant_left_over_stays_in_the_balance_summary(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    metered, _ = _prices(stripe_client)
    customer = _customer(stripe_client)
    grant = _grant(stripe_client, customer, 1500)

    renewal = _renewal(stripe_emulator, stripe_client, customer, [metered], 1000)
    summary = stripe_client.v1.billing.credit_balance_summary.retrieve(
        params={
            "customer": customer.id,
            "filter": {"type": "credit_grant", "credit_grant": grant.id},
        }
    )

    assert (renewal.total, renewal.amount_due) == (0, 0)
    assert renewal.status == "paid"
    (balance,) = summary.balances
    assert balance.available_balance.monetary.value == 500
    assert balance.available_balance.monetary.currency == "usd"


def test_an_expired_grant_is_not_consumed_and_its_rest_is_debited_as_expired(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    metered, _ = _prices(stripe_client)
    customer = _customer(stripe_client)
    grant = _grant(
        stripe_client, customer, 400, expires_at=stripe_emulator.state.now() + DAY_SECONDS
    )

    renewal = _renewal(stripe_emulator, stripe_client, customer, [metered], 1000)
    summary = stripe_client.v1.billing.credit_balance_summary.retrieve(
        params={
            "customer": customer.id,
            "filter": {
                "type": "applicability_scope",
                "applicability_scope": {"price_type": "metered"},
            },
        }
    )

    assert renewal.total_pretax_credit_amounts == []
    assert renewal.amount_due == 1000
    (debit,) = _debits(stripe_client, customer, grant)
    assert debit.type == "credits_expired"
    assert debit.amount.monetary.value == 400
    assert summary.balances == []


def test_expire_void_and_update_change_the_grant(stripe_client: stripe.StripeClient) -> None:
    customer = _customer(stripe_client)
    expiring = _grant(stripe_client, customer, 100)
    voided = _grant(stripe_client, customer, 200)

    updated = stripe_client.v1.billing.credit_grants.update(
        expiring.id, params={"metadata": {"deal": "q4"}}
    )
    expired = stripe_client.v1.billing.credit_grants.expire(expiring.id)
    void = stripe_client.v1.billing.credit_grants.void_grant(voided.id)

    assert updated.metadata["deal"] == "q4"
    assert expired.expires_at is not None
    assert void.voided_at is not None
    assert [debit.type for debit in _debits(stripe_client, customer, voided)] == ["credits_voided"]
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.billing.credit_grants.void_grant(voided.id)
