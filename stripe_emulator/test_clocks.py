"""Test clocks (``/v1/test_helpers/test_clocks``), as Stripe has them in test mode.

A clock holds a frozen time. A customer created with ``test_clock`` lives at that time, and so
do its subscriptions and invoices (they carry the clock's id in ``test_clock``): every request
about them runs "at" the clock's frozen time, and only advancing that clock runs what falls due
for them (trial ends, renewals, retries), while the emulator's own clock moves everything else.
Advancing answers the clock ``advancing``, as Stripe does, then runs the work and leaves it
``ready``; each step sends its ``test_helpers.test_clock.*`` event. Deleting a clock deletes
its customers (cancelling their subscriptions).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stripe_emulator.clock import run_due_work
from stripe_emulator.customers import customer_delete
from stripe_emulator.errors import invalid_request_error
from stripe_emulator.parameters import optional_string, required_integer
from stripe_emulator.routing import RequestContext, Router
from stripe_emulator.state import EmulatorState
from stripe_emulator.subscription_items import add_interval, subscription_interval

TEST_CLOCK_OBJECT = "test_helpers.test_clock"
# Stripe deletes a test clock seven days after it was made.
TEST_CLOCK_LIFETIME_SECONDS = 7 * 86_400
# With no subscription on the clock, an advance may reach at most two years ahead.
MAXIMUM_ADVANCE_WITHOUT_SUBSCRIPTIONS_YEARS = 2
ADVANCE_INTERVALS_AHEAD = 2
ENDED_SUBSCRIPTION_STATUSES = ("canceled", "incomplete_expired")


def test_clock_of(state: EmulatorState, object_id: Any) -> dict[str, Any] | None:
    """The test clock an object lives on: a customer's own, or its customer's (subscriptions,
    invoices, payment intents, subscription items...); None for the emulator's own clock."""
    for _ in range(3):
        if not isinstance(object_id, str):
            return None
        stored = state.objects.get(object_id)
        if stored is None:
            return None
        if stored.get("object") == "customer" or "test_clock" in stored:
            return state.find(stored.get("test_clock"), TEST_CLOCK_OBJECT)
        object_id = stored.get("subscription") or stored.get("customer")
    return None


def request_frozen_time(
    state: EmulatorState, params: dict[str, Any], path_arguments: Iterable[str]
) -> int | None:
    """The time a request runs at: its clock's frozen time when the object it names (in its
    path, or as ``customer``, ``subscription`` or a new customer's ``test_clock``) lives on a
    test clock."""
    candidates = [*path_arguments, params.get("customer"), params.get("subscription")]
    for candidate in candidates:
        clock = test_clock_of(state, candidate)
        if clock is not None:
            return int(clock["frozen_time"])
    clock = state.find(params.get("test_clock"), TEST_CLOCK_OBJECT)
    return int(clock["frozen_time"]) if clock is not None else None


def _test_clock_create(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    frozen_time = required_integer(params, "frozen_time")
    created = state.now()
    clock = state.insert(
        {
            "id": state.new_id("clock"),
            "object": TEST_CLOCK_OBJECT,
            "created": created,
            "deletes_after": created + TEST_CLOCK_LIFETIME_SECONDS,
            "frozen_time": frozen_time,
            "livemode": False,
            "name": optional_string(params, "name"),
            "status": "ready",
            "status_details": {},
        }
    )
    state.emit_event("test_helpers.test_clock.created", clock)
    return context.respond(clock)


def _require_clock(state: EmulatorState, test_clock_id: str) -> dict[str, Any]:
    return state.require(test_clock_id, TEST_CLOCK_OBJECT, label="test_clock", param="test_clock")


def _test_clock_retrieve(context: RequestContext, test_clock_id: str) -> dict[str, Any]:
    return context.respond(_require_clock(context.state, test_clock_id))


def _test_clock_list(context: RequestContext) -> dict[str, Any]:
    clocks = context.state.list_objects(TEST_CLOCK_OBJECT)
    return context.list_response(clocks, "/v1/test_helpers/test_clocks")


def _customers_on(state: EmulatorState, clock_id: str) -> list[dict[str, Any]]:
    return state.list_objects("customer", lambda customer: customer["test_clock"] == clock_id)


def _test_clock_delete(context: RequestContext, test_clock_id: str) -> dict[str, Any]:
    state = context.state
    clock = _require_clock(state, test_clock_id)
    previous_frozen_time = state.frozen_time
    state.frozen_time = clock["frozen_time"]
    try:
        for customer in _customers_on(state, clock["id"]):
            customer_delete(state, customer)
    finally:
        state.frozen_time = previous_frozen_time
    state.emit_event("test_helpers.test_clock.deleted", clock)
    return state.delete(clock["id"])


def _latest_allowed_frozen_time(state: EmulatorState, clock: dict[str, Any]) -> int:
    """Stripe lets a clock advance at most two intervals of its shortest live subscription (two
    years when it has none) at a time."""
    frozen_time = int(clock["frozen_time"])
    limits = [
        add_interval(frozen_time, interval, interval_count * ADVANCE_INTERVALS_AHEAD)
        for subscription in state.list_objects(
            "subscription",
            lambda subscription: (
                subscription["test_clock"] == clock["id"]
                and subscription["status"] not in ENDED_SUBSCRIPTION_STATUSES
            ),
        )
        for interval, interval_count in [subscription_interval(state, subscription)]
    ]
    if not limits:
        limits.append(
            add_interval(frozen_time, "year", MAXIMUM_ADVANCE_WITHOUT_SUBSCRIPTIONS_YEARS)
        )
    return min(limits)


def _test_clock_advance(context: RequestContext, test_clock_id: str) -> dict[str, Any]:
    state = context.state
    clock = _require_clock(state, test_clock_id)
    target = required_integer(context.params, "frozen_time")
    if clock["status"] != "ready":
        raise invalid_request_error(
            f"The test clock {clock['id']} is {clock['status']}; it can only be advanced when "
            "it is ready.",
            param="frozen_time",
        )
    if target <= clock["frozen_time"]:
        raise invalid_request_error(
            "The frozen_time must be after the test clock's current frozen_time "
            f"({clock['frozen_time']}).",
            param="frozen_time",
        )
    latest = _latest_allowed_frozen_time(state, clock)
    if target > latest:
        raise invalid_request_error(
            "A test clock can only advance two intervals of its shortest subscription at a time "
            f"(two years without subscriptions): frozen_time must be at most {latest}.",
            param="frozen_time",
        )
    clock["status"] = "advancing"
    clock["status_details"] = {"advancing": {"target_frozen_time": target}}
    state.emit_event("test_helpers.test_clock.advancing", clock)
    answer = context.respond(clock)
    run_due_work(state, start=clock["frozen_time"], target=target, test_clock=clock["id"])
    clock["frozen_time"] = target
    clock["status"] = "ready"
    clock["status_details"] = {}
    state.emit_event("test_helpers.test_clock.ready", clock)
    return answer


def register_routes(router: Router) -> None:
    router.add("POST", "/v1/test_helpers/test_clocks", _test_clock_create)
    router.add("GET", "/v1/test_helpers/test_clocks", _test_clock_list)
    router.add("GET", "/v1/test_helpers/test_clocks/{test_clock_id}", _test_clock_retrieve)
    router.add("DELETE", "/v1/test_helpers/test_clocks/{test_clock_id}", _test_clock_delete)
    router.add("POST", "/v1/test_helpers/test_clocks/{test_clock_id}/advance", _test_clock_advance)
