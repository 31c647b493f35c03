"""The emulator's clock: moving it runs what falls due in order — trial ends, renewals, payment
retries, cancellations at period end — as Stripe's test clocks do.
"""

from __future__ import annotations

from typing import Any

from stripe_emulator.checkout import session_expire
from stripe_emulator.checkout import sessions_due as checkout_sessions_due
from stripe_emulator.credit_grants import grant_expire_now, grants_due
from stripe_emulator.errors import (
    invalid_request_error,
)
from stripe_emulator.invoices import (
    cycle_invoice_issue,
    invoice_attempt_payment,
    invoice_upcoming_due_at,
    invoice_upcoming_notify,
    subscription_cancel_now,
)
from stripe_emulator.payments import refund_fail
from stripe_emulator.proration import cycle_lines
from stripe_emulator.state import EmulatorState, previous_attributes
from stripe_emulator.subscription_items import (
    MAXIMUM_CLOCK_STEPS,
    TRIAL_WILL_END_NOTICE_SECONDS,
    add_interval,
    has_metered,
    set_period,
    subscription_interval,
)
from stripe_emulator.subscription_schedules import schedule_at_renewal
from stripe_emulator.subscriptions import end_trial


def _due_work(
    state: EmulatorState, until: int, test_clock: str | None
) -> tuple[int, str, dict[str, Any]] | None:
    """The earliest work due by ``until`` among the objects of one test clock (``None``: the
    objects on no test clock, which the emulator's own clock moves)."""
    candidates: list[tuple[int, int, str, dict[str, Any]]] = []
    for subscription in state.list_objects(
        "subscription", lambda subscription: subscription["test_clock"] == test_clock
    ):
        status = subscription["status"]
        if status == "trialing":
            notice_at = subscription["trial_end"] - TRIAL_WILL_END_NOTICE_SECONDS
            if not subscription["_trial_will_end_sent"] and notice_at > subscription["trial_start"]:
                candidates.append(
                    (notice_at, subscription["_sequence"], "trial_will_end", subscription)
                )
            candidates.append(
                (subscription["trial_end"], subscription["_sequence"], "trial_end", subscription)
            )
        elif status in ("active", "past_due", "unpaid"):
            cancel_at = subscription["cancel_at"]
            if cancel_at is not None and cancel_at < subscription["_period_end"]:
                candidates.append((cancel_at, subscription["_sequence"], "cancel", subscription))
            else:
                candidates.append(
                    (subscription["_period_end"], subscription["_sequence"], "renew", subscription)
                )
            upcoming_at = invoice_upcoming_due_at(subscription)
            if upcoming_at is not None:
                candidates.append(
                    (upcoming_at, subscription["_sequence"], "upcoming", subscription)
                )
        elif status == "incomplete":
            candidates.append(
                (
                    subscription["_incomplete_expires_at"],
                    subscription["_sequence"],
                    "expire",
                    subscription,
                )
            )
    for invoice in state.list_objects(
        "invoice", lambda invoice: invoice["test_clock"] == test_clock
    ):
        if invoice["status"] == "open" and invoice["next_payment_attempt"] is not None:
            candidates.append(
                (invoice["next_payment_attempt"], invoice["_sequence"], "retry", invoice)
            )
    for refund in state.list_objects(
        "refund",
        lambda refund: (
            refund.get("_fails_at") is not None and refund.get("_test_clock") == test_clock
        ),
    ):
        candidates.append((refund["_fails_at"], refund["_sequence"], "refund_fail", refund))
    candidates += checkout_sessions_due(state, until, test_clock)
    candidates += grants_due(state, until, test_clock)
    due = [candidate for candidate in candidates if candidate[0] <= until]
    if not due:
        return None
    moment, _, kind, target = min(due, key=lambda candidate: (candidate[0], candidate[1]))
    return moment, kind, target


def _renew(state: EmulatorState, subscription: dict[str, Any]) -> None:
    period_start, period_end = subscription["_period_start"], subscription["_period_end"]
    if subscription["cancel_at_period_end"] or subscription["cancel_at"] == period_end:
        subscription_cancel_now(
            state,
            subscription,
            reason="cancellation_requested",
            invoice_now=has_metered(state, subscription),
        )
        return
    before = state.render(subscription)
    schedule_at_renewal(state, subscription)
    interval, interval_count = subscription_interval(state, subscription)
    subscription["_period_index"] += 1
    next_end = add_interval(
        subscription["billing_cycle_anchor"],
        interval,
        interval_count * (subscription["_period_index"] + 1),
    )
    lines = cycle_lines(
        state,
        subscription,
        usage_start=period_start,
        usage_end=period_end,
        next_start=period_end,
        next_end=next_end,
    )
    lines += subscription["_pending_lines"]
    subscription["_pending_lines"] = []
    set_period(state, subscription, period_end, next_end)
    cycle_invoice_issue(
        state, subscription, before, lines, period_start=period_start, period_end=period_end
    )


def run_due_work(state: EmulatorState, *, start: int, target: int, test_clock: str | None) -> None:
    """Run, in order and each "at" its own instant, everything that falls due between ``start``
    and ``target`` for the objects of ``test_clock`` (``None``: those on no test clock). The
    caller holds the state's lock."""
    moment = start
    previous_frozen_time = state.frozen_time
    try:
        for _ in range(MAXIMUM_CLOCK_STEPS):
            due = _due_work(state, target, test_clock)
            if due is None:
                break
            due_at, kind, target_object = due
            moment = max(moment, due_at)
            state.frozen_time = moment
            _run_due_work(state, kind, target_object)
    finally:
        state.frozen_time = previous_frozen_time


def advance_clock(state: EmulatorState, seconds: int) -> int:
    """Move the emulator's own clock forward, running everything that falls due on the way for
    the objects on no test clock (a test clock's objects move only with their clock)."""
    if seconds < 0:
        raise invalid_request_error("The clock can only move forward.", param="seconds")
    with state.lock:
        start = state.now()
        run_due_work(state, start=start, target=start + seconds, test_clock=None)
        state.clock_offset_seconds += seconds
        return state.now()


def _run_due_work(state: EmulatorState, kind: str, target: dict[str, Any]) -> None:
    if kind == "trial_will_end":
        target["_trial_will_end_sent"] = True
        state.emit_event("customer.subscription.trial_will_end", target)
    elif kind == "trial_end":
        end_trial(state, target, target["trial_end"])
    elif kind == "renew":
        _renew(state, target)
    elif kind == "upcoming":
        invoice_upcoming_notify(state, target)
    elif kind == "cancel":
        subscription_cancel_now(state, target, reason="cancellation_requested")
    elif kind == "expire":
        before = state.render(target)
        target["status"] = "incomplete_expired"
        target["ended_at"] = state.now()
        invoice = state.objects.get(target["latest_invoice"] or "")
        if invoice is not None and invoice["status"] == "open":
            invoice["status"] = "void"
            invoice["status_transitions"]["voided_at"] = state.now()
            state.emit_event("invoice.voided", invoice)
        state.emit_event(
            "customer.subscription.updated",
            target,
            previous_attributes(before, state.render(target)),
        )
        state.emit_event("customer.subscription.deleted", target)
    elif kind == "checkout_expire":
        session_expire(state, target)
    elif kind == "credit_grant_expire":
        grant_expire_now(state, target)
    elif kind == "refund_fail":
        refund_fail(state, target)
    elif kind == "retry":
        target["next_payment_attempt"] = None
        invoice_attempt_payment(state, target, off_session=True)
