"""Subscription schedules: a subscription's future changes, held by Stripe and applied at phase
boundaries as the clock moves (``POST /v1/subscription_schedules`` with ``from_subscription``,
updating its ``phases``, ``release`` and ``cancel``).

What is emulated is what a plan change at the period's end needs: phases that start and end at
the subscription's renewals. At a phase boundary the subscription's items become the next
phase's (a different billing interval restarts the billing cycle there, as ``phase_start``
would), so the renewal invoice is at the new prices. After the last phase an ``end_behavior``
of ``release`` leaves the subscription running on its own. Phase boundaries between renewals,
trials in phases and the other end behaviours are refused rather than half-emulated.
"""

from __future__ import annotations

from typing import Any

from stripe_emulator.errors import invalid_request_error, missing_parameter_error
from stripe_emulator.invoices import subscription_cancel_now
from stripe_emulator.parameters import (
    merged_metadata,
    optional_boolean,
    optional_integer,
    optional_list,
    optional_string,
    timestamp_filter_matches,
)
from stripe_emulator.routing import RequestContext, Router
from stripe_emulator.state import EmulatorState, previous_attributes
from stripe_emulator.subscription_items import (
    PRORATION_BEHAVIOURS,
    add_interval,
    is_metered,
    item_create,
    subscription_items,
    validated_price,
)

LIVE_SUBSCRIPTION_STATUSES = ("active", "past_due", "unpaid", "trialing")
# What a phase may carry here; the rest of Stripe's phase parameters are refused as unemulated.
EMULATED_PHASE_PARAMETERS = frozenset(
    {"items", "start_date", "end_date", "duration", "metadata", "proration_behavior"}
)
EMULATED_ITEM_PARAMETERS = frozenset({"price", "quantity", "metadata"})


def _phase_item(price: dict[str, Any], quantity: int | None, metadata: dict[str, str]) -> Any:
    return {
        "billing_thresholds": None,
        "discounts": [],
        "metadata": metadata,
        "plan": price["id"],
        "price": price["id"],
        "quantity": None if is_metered(price) else (1 if quantity is None else quantity),
        "tax_rates": [],
    }


def _phase(
    *,
    currency: str,
    items: list[dict[str, Any]],
    start_date: int,
    end_date: int,
    metadata: dict[str, str],
    proration_behavior: str,
) -> dict[str, Any]:
    return {
        "add_invoice_items": [],
        "application_fee_percent": None,
        "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
        "billing_cycle_anchor": None,
        "billing_thresholds": None,
        "collection_method": None,
        "currency": currency,
        "default_payment_method": None,
        "default_tax_rates": [],
        "description": None,
        "discounts": [],
        "end_date": end_date,
        "invoice_settings": None,
        "items": items,
        "metadata": metadata,
        "on_behalf_of": None,
        "proration_behavior": proration_behavior,
        "start_date": start_date,
        "transfer_data": None,
        "trial_end": None,
    }


def _schedule_for_update(state: EmulatorState, schedule_id: str) -> dict[str, Any]:
    schedule = state.require(schedule_id, "subscription_schedule", label="subscription schedule")
    if schedule["status"] not in ("not_started", "active"):
        raise invalid_request_error(
            f"You cannot update a subscription schedule that is currently in the "
            f"`{schedule['status']}` status. It must be in one of the following statuses: "
            "`not_started`, `active`."
        )
    return schedule


def subscription_schedule_create(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    subscription_id = optional_string(params, "from_subscription")
    if subscription_id is None:
        raise invalid_request_error(
            "Only schedules made `from_subscription` are emulated.", param="from_subscription"
        )
    others = set(params) - {"from_subscription", "expand", "metadata"}
    if others:
        raise invalid_request_error(
            "You cannot set `"
            + sorted(others)[0]
            + "` if `from_subscription` is set. Update the schedule after creating it instead.",
            param=sorted(others)[0],
        )
    subscription = state.require(subscription_id, "subscription", param="from_subscription")
    if subscription["schedule"] is not None:
        raise invalid_request_error(
            f"You cannot migrate a subscription that is already attached to a schedule: "
            f"`{subscription['schedule']}`.",
            param="from_subscription",
        )
    if subscription["status"] not in LIVE_SUBSCRIPTION_STATUSES:
        raise invalid_request_error(
            f"You cannot create a subscription schedule from a subscription that is "
            f"{subscription['status']}.",
            param="from_subscription",
        )
    items = [
        _phase_item(state.objects[item["price"]], item["quantity"], dict(item["metadata"]))
        for item in subscription_items(state, subscription["id"])
    ]
    phase = _phase(
        currency=subscription["currency"],
        items=items,
        start_date=subscription["_period_start"],
        end_date=subscription["_period_end"],
        metadata={},
        proration_behavior="create_prorations",
    )
    now = state.now()
    schedule = state.insert(
        {
            "id": state.new_id("sub_sched"),
            "object": "subscription_schedule",
            "application": None,
            "billing_mode": {"flexible": None, "type": "classic", "updated_at": None},
            "canceled_at": None,
            "completed_at": None,
            "created": now,
            "current_phase": {"end_date": phase["end_date"], "start_date": phase["start_date"]},
            "customer": subscription["customer"],
            "customer_account": None,
            "default_settings": {
                "application_fee_percent": None,
                "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
                "billing_cycle_anchor": "automatic",
                "billing_thresholds": None,
                "collection_method": subscription["collection_method"],
                "default_payment_method": subscription["default_payment_method"],
                "description": None,
                "invoice_settings": {
                    "account_tax_ids": None,
                    "custom_fields": None,
                    "days_until_due": None,
                    "description": None,
                    "footer": None,
                    "issuer": {"account": None, "type": "self"},
                },
                "on_behalf_of": None,
                "transfer_data": None,
            },
            "end_behavior": "release",
            "livemode": False,
            "metadata": merged_metadata({}, params),
            "phases": [phase],
            "released_at": None,
            "released_subscription": None,
            "status": "active",
            "subscription": subscription["id"],
            "test_clock": subscription["test_clock"],
        }
    )
    before = state.render(subscription)
    subscription["schedule"] = schedule["id"]
    state.emit_event("subscription_schedule.created", schedule)
    state.emit_event(
        "customer.subscription.updated",
        subscription,
        previous_attributes(before, state.render(subscription)),
    )
    return context.respond(schedule)


def _renewals(subscription: dict[str, Any], interval: tuple[str, int], until: int) -> set[int]:
    """The subscription's renewal instants up to ``until`` on its current billing cycle."""
    anchor = subscription["billing_cycle_anchor"]
    instants = {subscription["_period_end"]}
    index = subscription["_period_index"] + 1
    while True:
        moment = add_interval(anchor, interval[0], interval[1] * index)
        if moment > until:
            return instants
        instants.add(moment)
        index += 1


def _parsed_phases(
    state: EmulatorState, schedule: dict[str, Any], subscription: dict[str, Any], phases: list[Any]
) -> list[dict[str, Any]]:
    if not phases:
        raise missing_parameter_error("phases")
    current_phase = schedule["current_phase"]
    current = next(
        (
            phase
            for phase in schedule["phases"]
            if current_phase is not None and phase["start_date"] == current_phase["start_date"]
        ),
        None,
    )
    parsed: list[dict[str, Any]] = []
    start: int | None = None
    for position, phase in enumerate(phases):
        param = f"phases[{position}]"
        if not isinstance(phase, dict):
            raise invalid_request_error("Invalid array", param=param)
        unemulated = sorted(set(phase) - EMULATED_PHASE_PARAMETERS)
        if unemulated:
            raise invalid_request_error(
                f"`{param}[{unemulated[0]}]` is not emulated.", param=f"{param}[{unemulated[0]}]"
            )
        raw_items = optional_list(phase, "items")
        if not raw_items:
            raise missing_parameter_error(f"{param}[items]")
        items: list[dict[str, Any]] = []
        currency: str | None = None
        for item_position, raw_item in enumerate(raw_items):
            item_param = f"{param}[items][{item_position}]"
            if not isinstance(raw_item, dict):
                raise invalid_request_error("Invalid array", param=item_param)
            unemulated_item = sorted(set(raw_item) - EMULATED_ITEM_PARAMETERS)
            if unemulated_item:
                raise invalid_request_error(
                    f"`{item_param}[{unemulated_item[0]}]` is not emulated.",
                    param=f"{item_param}[{unemulated_item[0]}]",
                )
            price = validated_price(state, raw_item.get("price"), f"{item_param}[price]")
            if currency is not None and price["currency"] != currency:
                raise invalid_request_error(
                    "The price specified has a different currency than the other items of the "
                    "phase.",
                    param=f"{item_param}[price]",
                )
            currency = price["currency"]
            items.append(
                _phase_item(
                    price,
                    optional_integer(raw_item, "quantity"),
                    merged_metadata({}, raw_item),
                )
            )
        assert currency is not None
        if currency != subscription["currency"]:
            raise invalid_request_error(
                f"The currency of the phase ({currency}) must match the subscription's "
                f"({subscription['currency']}).",
                param=f"{param}[items][0][price]",
            )
        given_start = phase.get("start_date")
        if position == 0:
            if given_start is None:
                if current is None:
                    raise missing_parameter_error(f"{param}[start_date]")
                start = current["start_date"]
            else:
                start = optional_integer(phase, "start_date")
            if current is not None and start != current["start_date"]:
                raise invalid_request_error(
                    "You can not modify the start date of the current phase.",
                    param=f"{param}[start_date]",
                )
        elif given_start is not None and optional_integer(phase, "start_date") != start:
            raise invalid_request_error(
                "The start date of a phase must be the end date of the previous phase.",
                param=f"{param}[start_date]",
            )
        assert start is not None
        first_price = state.objects[items[0]["price"]]["recurring"]
        interval = (first_price["interval"], first_price["interval_count"])
        duration = phase.get("duration")
        if "end_date" in phase:
            end = optional_integer(phase, "end_date")
        elif isinstance(duration, dict):
            end = add_interval(
                start,
                str(duration.get("interval")),
                int(duration.get("interval_count") or 1),
            )
        elif position == len(phases) - 1:
            # A last phase without an end lasts one billing period of its prices.
            end = add_interval(start, interval[0], interval[1])
        else:
            raise missing_parameter_error(f"{param}[end_date]")
        assert end is not None
        if end <= start:
            raise invalid_request_error(
                "The phase's end_date must be after its start_date.", param=f"{param}[end_date]"
            )
        proration_behavior = optional_string(phase, "proration_behavior") or "create_prorations"
        if proration_behavior not in PRORATION_BEHAVIOURS:
            raise invalid_request_error(
                "Invalid proration_behavior", param=f"{param}[proration_behavior]"
            )
        parsed.append(
            _phase(
                currency=currency,
                items=items,
                start_date=start,
                end_date=end,
                metadata=merged_metadata({}, phase),
                proration_behavior=proration_behavior,
            )
        )
        start = end
    current_items = [
        (item["price"], item["quantity"]) for item in subscription_items(state, subscription["id"])
    ]
    if sorted(current_items, key=str) != sorted(
        ((item["price"], item["quantity"]) for item in parsed[0]["items"]), key=str
    ):
        raise invalid_request_error(
            "Changing the current phase's items is not emulated; schedule the change in a "
            "later phase.",
            param="phases[0][items]",
        )
    recurring = state.objects[subscription_items(state, subscription["id"])[0]["price"]][
        "recurring"
    ]
    renewals = _renewals(
        subscription, (recurring["interval"], recurring["interval_count"]), parsed[0]["end_date"]
    )
    if parsed[0]["end_date"] not in renewals and len(parsed) > 1:
        raise invalid_request_error(
            "Phase boundaries between the subscription's renewals are not emulated.",
            param="phases[0][end_date]",
        )
    return parsed


def subscription_schedule_update(context: RequestContext, schedule_id: str) -> dict[str, Any]:
    state, params = context.state, context.params
    schedule = _schedule_for_update(state, schedule_id)
    subscription = state.objects[schedule["subscription"]]
    unemulated = sorted(
        set(params) - {"phases", "end_behavior", "metadata", "proration_behavior", "expand"}
    )
    if unemulated:
        raise invalid_request_error(f"`{unemulated[0]}` is not emulated.", param=unemulated[0])
    end_behavior = optional_string(params, "end_behavior")
    if end_behavior is not None and end_behavior != "release":
        raise invalid_request_error(
            "Only an end_behavior of `release` is emulated.", param="end_behavior"
        )
    before = state.render(schedule)
    if "phases" in params:
        schedule["phases"] = _parsed_phases(
            state, schedule, subscription, optional_list(params, "phases") or []
        )
        current = schedule["phases"][0]
        schedule["current_phase"] = {
            "end_date": current["end_date"],
            "start_date": current["start_date"],
        }
    schedule["metadata"] = merged_metadata(schedule["metadata"], params)
    changes = previous_attributes(before, state.render(schedule))
    if changes:
        state.emit_event("subscription_schedule.updated", schedule, changes)
    return context.respond(schedule)


def subscription_schedule_retrieve(context: RequestContext, schedule_id: str) -> dict[str, Any]:
    return context.respond(
        context.state.require(schedule_id, "subscription_schedule", label="subscription schedule")
    )


def subscription_schedule_list(context: RequestContext) -> dict[str, Any]:
    params = context.params
    customer = optional_string(params, "customer")

    def matches(schedule: dict[str, Any]) -> bool:
        if customer is not None and schedule["customer"] != customer:
            return False
        return "created" not in params or timestamp_filter_matches(
            schedule["created"], params["created"]
        )

    return context.list_response(
        context.state.list_objects("subscription_schedule", matches), "/v1/subscription_schedules"
    )


def _release(state: EmulatorState, schedule: dict[str, Any]) -> None:
    subscription = state.objects[schedule["subscription"]]
    before = state.render(subscription)
    schedule["status"] = "released"
    schedule["released_at"] = state.now()
    schedule["released_subscription"] = subscription["id"]
    schedule["current_phase"] = None
    schedule["subscription"] = None
    subscription["schedule"] = None
    state.emit_event("subscription_schedule.released", schedule)
    state.emit_event(
        "customer.subscription.updated",
        subscription,
        previous_attributes(before, state.render(subscription)),
    )


def subscription_schedule_release(context: RequestContext, schedule_id: str) -> dict[str, Any]:
    state = context.state
    schedule = _schedule_for_update(state, schedule_id)
    _release(state, schedule)
    return context.respond(schedule)


def subscription_schedule_cancel(context: RequestContext, schedule_id: str) -> dict[str, Any]:
    """Canceling a schedule cancels its subscription at once, as Stripe does."""
    state, params = context.state, context.params
    schedule = _schedule_for_update(state, schedule_id)
    subscription = state.objects[schedule["subscription"]]
    invoice_now = optional_boolean(params, "invoice_now")
    prorate = optional_boolean(params, "prorate")
    subscription_cancel_now(
        state,
        subscription,
        reason="cancellation_requested",
        invoice_now=bool(invoice_now),
        prorate=True if prorate is None else prorate,
    )
    schedule["status"] = "canceled"
    schedule["canceled_at"] = state.now()
    schedule["current_phase"] = None
    state.emit_event("subscription_schedule.canceled", schedule)
    return context.respond(schedule)


def schedule_end_with_subscription(state: EmulatorState, subscription: dict[str, Any]) -> None:
    """The subscription was canceled directly: its schedule is canceled with it."""
    schedule = state.find(subscription["schedule"], "subscription_schedule")
    if schedule is None or schedule["status"] not in ("not_started", "active"):
        return
    schedule["status"] = "canceled"
    schedule["canceled_at"] = state.now()
    schedule["current_phase"] = None
    state.emit_event("subscription_schedule.canceled", schedule)


def schedule_at_renewal(state: EmulatorState, subscription: dict[str, Any]) -> None:
    """The subscription renews now (its period's end): its schedule's next phase starts, whose
    items the subscription takes on, or, past the last phase, the schedule lets go of it. The
    clock runs this before it invoices the new period, so that invoice is at the new prices."""
    schedule = state.find(subscription["schedule"], "subscription_schedule")
    if schedule is None or schedule["status"] != "active":
        return
    moment = subscription["_period_end"]
    if schedule["phases"][-1]["end_date"] <= moment:
        _release(state, schedule)
        return
    starting = next(
        (
            position
            for position, phase in enumerate(schedule["phases"])
            if position > 0 and phase["start_date"] == moment
        ),
        None,
    )
    if starting is None:
        return
    before = state.render(schedule)
    phase = schedule["phases"][starting]
    old_items = subscription_items(state, subscription["id"])
    old_price = state.objects[old_items[0]["price"]]["recurring"]
    for item in old_items:
        state.delete(item["id"])
    for phase_item in phase["items"]:
        item_create(
            state,
            subscription,
            state.objects[phase_item["price"]],
            phase_item["quantity"],
            dict(phase_item["metadata"]),
        )
    new_price = state.objects[phase["items"][0]["price"]]["recurring"]
    if (old_price["interval"], old_price["interval_count"]) != (
        new_price["interval"],
        new_price["interval_count"],
    ):
        # A new billing interval restarts the cycle at the phase's start.
        subscription["billing_cycle_anchor"] = moment
        subscription["_period_index"] = -1
    schedule["current_phase"] = {"end_date": phase["end_date"], "start_date": phase["start_date"]}
    state.emit_event(
        "subscription_schedule.updated",
        schedule,
        previous_attributes(before, state.render(schedule)),
    )


def register_routes(router: Router) -> None:
    router.add("POST", "/v1/subscription_schedules", subscription_schedule_create)
    router.add("GET", "/v1/subscription_schedules", subscription_schedule_list)
    router.add("GET", "/v1/subscription_schedules/{schedule_id}", subscription_schedule_retrieve)
    router.add("POST", "/v1/subscription_schedules/{schedule_id}", subscription_schedule_update)
    router.add(
        "POST", "/v1/subscription_schedules/{schedule_id}/release", subscription_schedule_release
    )
    router.add(
        "POST", "/v1/subscription_schedules/{schedule_id}/cancel", subscription_schedule_cancel
    )
