"""Sign-up makes the user's customer at payment-service (on a fresh test clock) at once."""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from payment_service_client import api, models

from .client import service
from .models import Account


def account_of(user: Any) -> Account | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Account.objects.filter(user=user).first()


def account_create(*, user: User) -> Account:
    clock = service().call(
        api.v1_test_clocks_create.sync_detailed,
        body=models.TestClockCreateInputRequest(
            frozen_time=datetime.now(UTC).replace(microsecond=0),
            name=f"{settings.DEMO_SLUG} {user.username}",
        ),
    )
    customer = service().call(
        api.v1_customers_create.sync_detailed,
        body=models.CustomerCreateInputRequest(
            external_id=f"{settings.DEMO_SLUG}-{user.pk}",
            email=user.email,
            name=user.username,
            test_clock=clock.id,
        ),
        idempotency_key=f"{settings.DEMO_SLUG}-signup-{user.pk}-{user.date_joined.timestamp()}",
    )
    return Account.objects.create(user=user, customer_id=customer.id, test_clock_id=clock.id)


def clock_now(account: Account) -> datetime | None:
    if not account.test_clock_id:
        return None
    clock = service().call(api.v1_test_clocks_retrieve.sync_detailed, id=account.test_clock_id)
    return clock.frozen_time


def clock_advance(account: Account, *, days: int) -> datetime:
    """Moves the customer's test clock `days` forward and waits (a few seconds at most) until
    the provider has finished the renewals it brings."""
    import time

    now = clock_now(account)
    if now is None:
        raise ValueError("The account has no test clock.")
    target = now + timedelta(days=days)
    service().call(
        api.v1_test_clocks_advance_create.sync_detailed,
        id=account.test_clock_id,
        body=models.TestClockAdvanceInputRequest(frozen_time=target),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        clock = service().call(api.v1_test_clocks_retrieve.sync_detailed, id=account.test_clock_id)
        if str(clock.status) == "ready":
            break
        time.sleep(0.25)
    return target
