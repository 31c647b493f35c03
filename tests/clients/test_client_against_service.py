"""What an app does with the client, against the service itself (a live server on 127.0.0.1
and the Stripe emulator): the objects, lists as iterators, the typed errors, a retry after a
timeout that charges once, and the rate limit's Retry-After."""

import asyncio
import logging
import time
from typing import Any

import pytest
from payment_service_client import (
    CardError,
    InvalidRequestError,
    NotFoundError,
    PaymentService,
)
from payment_service_client.generated.api.v1 import (
    v1_customers_create,
    v1_customers_list,
    v1_customers_retrieve,
    v1_metrics_create,
    v1_payments_create,
    v1_payments_list,
    v1_plans_create,
    v1_subscriptions_create,
    v1_usage_create,
)
from payment_service_client.generated.models import (
    CustomerCreateInputRequest,
    MetricCreateInputRequest,
    PaymentCreateInputRequest,
    PlanBaseInputRequest,
    PlanCreateInputRequest,
    PlanMeteredInputRequest,
    SubscriptionCreateInputRequest,
    UsageEventCreateInputRequest,
)

from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant, customer_make, settle


def _customer(
    service: PaymentService, external_id: str = "user-1", card: str | None = "pm_card_visa"
):
    body = CustomerCreateInputRequest(external_id=external_id)
    if card:
        body.payment_method = card
    return service.call(v1_customers_create.sync_detailed, body=body)


def test_an_app_creates_a_customer_a_subscription_and_a_usage_event(
    service: PaymentService, stripe: EmulatorServer, stripe_webhooks: Any
):
    customer = _customer(service)
    metric = service.call(
        v1_metrics_create.sync_detailed,
        body=MetricCreateInputRequest(code="api_calls", name="API calls"),
    )
    plan = service.call(
        v1_plans_create.sync_detailed,
        body=PlanCreateInputRequest(
            code="pro",
            name="Pro",
            currency="usd",
            base=PlanBaseInputRequest(amount=2000),
            metered=[PlanMeteredInputRequest(metric="api_calls", unit_amount=1)],
        ),
    )
    subscription = service.call(
        v1_subscriptions_create.sync_detailed,
        body=SubscriptionCreateInputRequest(customer=customer.id, plan=plan.id),
    )
    event = service.call(
        v1_usage_create.sync_detailed,
        body=UsageEventCreateInputRequest(
            customer=customer.id, metric=metric.code, quantity=3, event_id="evt-1"
        ),
    )

    assert customer.id.startswith("cus_")
    assert customer.external_id == "user-1"
    assert subscription.id.startswith("sub_")
    assert subscription.customer == customer.id
    assert str(subscription.status) == "active"
    assert event.quantity == 3
    assert event.customer == customer.id
    fetched = service.call(v1_customers_retrieve.sync_detailed, id=customer.id)
    assert fetched.id == customer.id
    settle(stripe)  # Stripe's webhooks about all this reached us and were accepted


def test_iterate_follows_the_cursor_over_every_page(service: PaymentService, caplog):
    created = [_customer(service, f"user-{number}", card=None).id for number in range(25)]

    with caplog.at_level(logging.DEBUG, logger="httpx"):
        listed = [
            customer.id for customer in service.iterate(v1_customers_list.sync_detailed, limit=10)
        ]

    assert listed == list(reversed(created))  # newest first, each once
    pages = [
        r for r in caplog.records if "GET" in r.getMessage() and "/v1/customers" in r.getMessage()
    ]
    assert len(pages) == 3
    assert "starting_after" not in pages[0].getMessage()
    assert f"starting_after={listed[19]}" in pages[2].getMessage()


def test_the_async_operations_page_through_the_same_customers(service: PaymentService):
    created = {_customer(service, f"user-{number}", card=None).id for number in range(5)}

    async def listed() -> list[str]:
        async with service:
            return [
                customer.id
                async for customer in service.aiterate(v1_customers_list.asyncio_detailed, limit=2)
            ]

    assert sorted(asyncio.run(listed())) == sorted(created)


def test_another_apps_customer_is_not_found(service: PaymentService, other_tenant: Tenant):
    theirs = customer_make(other_tenant.client, external_id="their-user")

    with pytest.raises(NotFoundError) as raised:
        service.call(v1_customers_retrieve.sync_detailed, id=theirs["id"])

    assert raised.value.status == 404
    assert raised.value.code == "resource_missing"
    assert raised.value.request_id


def test_a_declined_card_raises_card_error_with_the_decline_code(service: PaymentService):
    customer = _customer(service)

    with pytest.raises(CardError) as raised:
        service.call(
            v1_payments_create.sync_detailed,
            body=PaymentCreateInputRequest(
                customer=customer.id,
                amount=1500,
                currency="usd",
                payment_method="pm_card_chargeDeclined",
                off_session=True,
            ),
        )

    assert raised.value.status == 402
    assert raised.value.decline_code == "generic_decline"
    assert raised.value.code == "card_declined"


def test_bad_input_raises_invalid_request_error_naming_the_param(service: PaymentService):
    customer = _customer(service)

    with pytest.raises(InvalidRequestError) as raised:
        service.call(
            v1_payments_create.sync_detailed,
            body=PaymentCreateInputRequest(customer=customer.id, amount=-5, currency="usd"),
        )

    assert raised.value.status == 400
    assert raised.value.param == "amount"


def test_a_payment_retried_after_a_timeout_charges_once(
    tenant: Tenant, live_server: Any, stripe: EmulatorServer, caplog
):
    # Stripe takes 2.5 s to answer the charge; the client gives up on each attempt after 1 s
    # and retries with the same Idempotency-Key until the first attempt's answer is kept.
    service = PaymentService(
        tenant.raw_key, live_server.url, timeout=1, max_retries=6, backoff_base_seconds=0.4
    )
    customer = _customer(service)
    stripe.set_faults(count=1, delay_ms=2500, path_prefix="/v1/payment_intents")

    with caplog.at_level(logging.INFO, logger="payment_service_client"):
        payment = service.call(
            v1_payments_create.sync_detailed,
            body=PaymentCreateInputRequest(customer=customer.id, amount=4200, currency="usd"),
        )

    retries = [r for r in caplog.records if r.name == "payment_service_client"]
    assert retries[0].retry_reason == "ReadTimeout"
    assert len({r.idempotency_key for r in retries}) == 1
    assert str(payment.status) == "succeeded"
    charges = [
        r
        for r in stripe.requests()
        if r["method"] == "POST" and r["path"] == "/v1/payment_intents" and not r["replayed"]
    ]
    assert len(charges) == 1
    payments = service.call(v1_payments_list.sync_detailed)
    assert [p.id for p in payments.data] == [payment.id]
    assert payments.data[0].amount == 4200
    service.close()


def test_the_rate_limits_retry_after_is_honoured(
    tenant: Tenant, live_server: Any, settings, caplog
):
    settings.API_RATE_LIMIT_PER_SECOND = 1
    service = PaymentService(tenant.raw_key, live_server.url, timeout=5, max_retries=3)
    started = time.monotonic()

    with caplog.at_level(logging.INFO, logger="payment_service_client"):
        for _ in range(3):
            page = service.call(v1_customers_list.sync_detailed)
            assert page.data == []

    elapsed = time.monotonic() - started
    retries = [r for r in caplog.records if r.name == "payment_service_client"]
    assert retries, "one request in a second is the limit: the second and third must wait"
    assert {r.retry_reason for r in retries} == {"429"}
    assert {r.retry_delay for r in retries} == {1.0}
    assert elapsed >= 1.0
    service.close()
