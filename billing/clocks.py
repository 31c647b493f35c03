"""Test clocks for test-mode apps: a clock at the provider (Stripe's test clocks) whose frozen
time is the "now" of the customers created on it, so an app can rehearse a trial end or a failed
renewal without waiting. Advancing is asynchronous at the provider: the clock answers
`advancing`, then its `ready` event (or the next read of an advancing clock) brings it back.
Live-mode apps have no test clocks: every call answers 400."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from api.errors import InvalidRequestError, NotFoundError
from audit.services import audit_event_record
from billing import signals
from billing.audit_actions import BillingAuditAction
from billing.errors import BillingErrorCode
from billing.models import Customer, TestClock, TestClockStatus
from billing.providers.base import Capability, ProviderError, TestClockRequest, TestClockResult
from billing.providers.capabilities import capability_supported_check
from billing.providers.errors import api_error_from_provider
from billing.providers.keys import provider_idempotency_key
from billing.providers.registry import provider_for
from tenants.actors import STRIPE, Actor
from tenants.models import App, AppMode


def test_clocks_require_test_mode(*, app: App, param: str | None = None) -> None:
    capability_supported_check(app=app, capability=Capability.TEST_CLOCKS, param=param)
    if app.mode != AppMode.TEST:
        raise InvalidRequestError(
            "Test clocks exist only for test-mode apps.",
            code=BillingErrorCode.TEST_MODE_ONLY,
            param=param,
        )


def test_clock_snapshot(test_clock: TestClock) -> dict[str, Any]:
    return {
        "id": test_clock.pk,
        "name": test_clock.name,
        "frozen_time": test_clock.frozen_time.isoformat(),
        "status": test_clock.status,
        "target_frozen_time": (
            test_clock.target_frozen_time.isoformat() if test_clock.target_frozen_time else None
        ),
        "provider_test_clock_id": test_clock.provider_test_clock_id,
    }


def customer_time(*, customer: Customer, provider_time: datetime | None = None) -> datetime:
    """The customer's "now": real time, or for a customer on a test clock that clock's time:
    `provider_time` when the provider said when something happened on the clock (an event's
    creation, at the clock's time then), else the clock's frozen time."""
    if customer.test_clock_id is None:
        return timezone.now()
    if provider_time is not None:
        return provider_time
    frozen_time: datetime = (
        TestClock.objects.for_app(customer.app)
        .filter(pk=customer.test_clock_id)
        .values_list("frozen_time", flat=True)
        .get()
    )
    return frozen_time


def customer_clock_times(*, app: App, references: set[str]) -> dict[str, datetime]:
    """The clock time of each of these customers (by our id or the app's external_id, both
    keys given) that lives on a test clock; live-mode apps have none, and ask nothing."""
    if app.mode != AppMode.TEST or not references:
        return {}
    rows = (
        Customer.objects.for_app(app)
        .filter(test_clock__isnull=False, test_clock__deleted_at__isnull=True)
        .filter(Q(pk__in=references) | Q(external_id__in=references))
        .values_list("pk", "external_id", "test_clock__frozen_time")
    )
    times: dict[str, datetime] = {}
    for customer_id, external_id, frozen_time in rows:
        times[customer_id] = frozen_time
        if external_id:
            times[external_id] = frozen_time
    return times


def customers_on_test_clocks(*, test_clock_id: str | None = None) -> QuerySet[Customer, Any]:
    """Every app's customers on a test clock (on `test_clock_id` only, when given): the ones
    real time does not move, for the sweeps of the apps above."""
    customers = Customer.objects.all_tenants().filter(test_clock__isnull=False)
    if test_clock_id is not None:
        customers = customers.filter(test_clock_id=test_clock_id)
    return customers.values("pk")


def _apply_result(test_clock: TestClock, result: TestClockResult) -> None:
    test_clock.status = TestClockStatus(result.status.value)
    test_clock.frozen_time = result.frozen_time
    test_clock.target_frozen_time = result.target_frozen_time


def test_clock_list(*, app: App) -> QuerySet[TestClock]:
    test_clocks_require_test_mode(app=app)
    return TestClock.objects.for_app(app).filter(deleted_at__isnull=True).order_by("-created_at")


def test_clock_get_for_update(*, app: App, test_clock_id: str, param: str = "id") -> TestClock:
    """The app's clock, locked; another app's, a deleted one or none answer 404 alike."""
    test_clock = (
        TestClock.objects.for_app(app)
        .select_for_update()
        .filter(pk=test_clock_id, deleted_at__isnull=True)
        .first()
    )
    if test_clock is None:
        raise NotFoundError("test clock", param=param)
    return test_clock


@transaction.atomic
def test_clock_create(
    *, app: App, actor: Actor, frozen_time: datetime, name: str = "", request_key: str | None = None
) -> TestClock:
    test_clocks_require_test_mode(app=app)
    test_clock = TestClock.objects.create(app=app, name=name, frozen_time=frozen_time)
    try:
        result = provider_for(app=app).test_clock_create(
            TestClockRequest(
                idempotency_key=provider_idempotency_key(
                    app_id=app.pk,
                    request_key=request_key,
                    object_id=test_clock.pk,
                    operation="test_clock",
                ),
                frozen_time=frozen_time,
                name=name,
            )
        )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    test_clock.provider_test_clock_id = result.provider_reference
    _apply_result(test_clock, result)
    test_clock.save()
    audit_event_record(
        app=app,
        actor=actor,
        action_type=BillingAuditAction.CREATE_TEST_CLOCK,
        target_type="test_clock",
        target_id=test_clock.pk,
        payload_snapshot=test_clock_snapshot(test_clock),
    )
    return test_clock


def _sync(test_clock: TestClock, result: TestClockResult, *, actor: Actor) -> None:
    before = test_clock_snapshot(test_clock)
    _apply_result(test_clock, result)
    after = test_clock_snapshot(test_clock)
    if after == before:
        return
    test_clock.save()
    audit_event_record(
        app=test_clock.app,
        actor=actor,
        action_type=BillingAuditAction.SYNC_TEST_CLOCK,
        target_type="test_clock",
        target_id=test_clock.pk,
        payload_snapshot={"before": before, "after": after},
    )
    if test_clock.status == TestClockStatus.READY:
        app, test_clock_id, frozen_time = test_clock.app, test_clock.pk, test_clock.frozen_time
        transaction.on_commit(
            lambda: signals.test_clock_ready.send(
                sender=TestClock, app=app, test_clock_id=test_clock_id, frozen_time=frozen_time
            )
        )


@transaction.atomic
def test_clock_get(*, app: App, test_clock_id: str) -> TestClock:
    """The clock; one still advancing is read again at the provider, so an app that polls sees
    it become ready even when the provider's event has not arrived yet."""
    test_clocks_require_test_mode(app=app)
    test_clock = test_clock_get_for_update(app=app, test_clock_id=test_clock_id)
    if test_clock.status == TestClockStatus.ADVANCING:
        try:
            result = provider_for(app=app).test_clock_retrieve(
                provider_reference=test_clock.provider_test_clock_id
            )
        except ProviderError as error:
            raise api_error_from_provider(error) from None
        _sync(test_clock, result, actor=STRIPE)
    return test_clock


@transaction.atomic
def test_clock_advance(
    *,
    app: App,
    actor: Actor,
    test_clock_id: str,
    frozen_time: datetime,
    request_key: str | None = None,
) -> TestClock:
    test_clocks_require_test_mode(app=app)
    # Locked across the provider call on purpose: the clock's `ready` event waits for this.
    test_clock = test_clock_get_for_update(app=app, test_clock_id=test_clock_id)
    if test_clock.status == TestClockStatus.ADVANCING:
        raise InvalidRequestError(
            "The test clock is still advancing; advance it again once it is ready.",
            code=BillingErrorCode.TEST_CLOCK_ADVANCING,
        )
    if frozen_time <= test_clock.frozen_time:
        raise InvalidRequestError(
            "frozen_time must be later than the clock's current frozen_time "
            f"({test_clock.frozen_time.isoformat()}).",
            param="frozen_time",
        )
    before = test_clock_snapshot(test_clock)
    try:
        result = provider_for(app=app).test_clock_advance(
            provider_reference=test_clock.provider_test_clock_id,
            frozen_time=frozen_time,
            idempotency_key=provider_idempotency_key(
                app_id=app.pk,
                request_key=request_key,
                object_id=f"{test_clock.pk}:{int(frozen_time.timestamp())}",
                operation="test_clock_advance",
            ),
        )
    except ProviderError as error:
        raise api_error_from_provider(error, param="frozen_time") from None
    _apply_result(test_clock, result)
    test_clock.save()
    audit_event_record(
        app=app,
        actor=actor,
        action_type=BillingAuditAction.ADVANCE_TEST_CLOCK,
        target_type="test_clock",
        target_id=test_clock.pk,
        payload_snapshot={"before": before, "after": test_clock_snapshot(test_clock)},
    )
    return test_clock


@transaction.atomic
def test_clock_delete(*, app: App, actor: Actor, test_clock_id: str) -> TestClock:
    """Deletes the clock at the provider, which deletes its customers there too; our rows stay
    (they are the history) and the clock answers 404 from now on."""
    test_clocks_require_test_mode(app=app)
    test_clock = test_clock_get_for_update(app=app, test_clock_id=test_clock_id)
    try:
        provider_for(app=app).test_clock_delete(
            provider_reference=test_clock.provider_test_clock_id
        )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    test_clock.deleted_at = timezone.now()
    test_clock.save(update_fields=["deleted_at", "updated_at"])
    audit_event_record(
        app=app,
        actor=actor,
        action_type=BillingAuditAction.DELETE_TEST_CLOCK,
        target_type="test_clock",
        target_id=test_clock.pk,
        payload_snapshot=test_clock_snapshot(test_clock),
    )
    return test_clock


@transaction.atomic
def test_clock_sync_from_provider(*, result: TestClockResult) -> None:
    """A clock's event from the provider (it became ready, or failed). Test clocks carry no
    metadata, so ours are found by the provider's id; another system's clock is ignored."""
    test_clock = (
        TestClock.objects.all_tenants()
        .select_for_update()
        .filter(provider_test_clock_id=result.provider_reference, deleted_at__isnull=True)
        .select_related("app")
        .first()
    )
    if test_clock is None:
        return
    target = test_clock.target_frozen_time
    if result.frozen_time < test_clock.frozen_time or (
        test_clock.status == TestClockStatus.ADVANCING
        and target is not None
        and result.frozen_time < target
    ):
        return  # an event of an earlier advance, arriving late
    _sync(test_clock, result, actor=STRIPE)
