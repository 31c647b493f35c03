"""`POST /v1/invoices/create_preview`: the upcoming invoice of a subscription, as Stripe would
issue it at the end of the current period (licensed items for the next period, metered usage
of this one so far, pending prorations), built with the same arithmetic as the real invoice
and stored nowhere: it cannot be listed, paid or fetched again."""

from __future__ import annotations

from typing import Any

from stripe_emulator.errors import invalid_request_error
from stripe_emulator.invoices import invoice_create
from stripe_emulator.parameters import optional_string, reject_unknown_parameters
from stripe_emulator.proration import cycle_lines
from stripe_emulator.routing import RequestContext
from stripe_emulator.subscription_items import add_interval, is_metered, subscription_interval

ENDED_STATUSES = ("canceled", "incomplete_expired")


def _no_upcoming_invoice(customer_id: str) -> Exception:
    return invalid_request_error(
        f"No upcoming invoices for customer: {customer_id}",
        code="invoice_upcoming_none",
        http_status=404,
    )


def _subscription(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    customer_id = optional_string(params, "customer")
    subscription_id = optional_string(params, "subscription")
    if subscription_id is None:
        if customer_id is None:
            raise invalid_request_error(
                "Missing required param: customer, subscription, or schedule.",
                code="parameter_missing",
                param="customer",
            )
        state.require(customer_id, "customer", param="customer")
        live = state.list_objects(
            "subscription",
            lambda candidate: (
                candidate["customer"] == customer_id and candidate["status"] not in ENDED_STATUSES
            ),
        )
        if not live:
            raise _no_upcoming_invoice(customer_id)
        return live[0]
    subscription = state.require(subscription_id, "subscription", param="subscription")
    if customer_id is not None and subscription["customer"] != customer_id:
        raise invalid_request_error(
            f"The subscription {subscription_id} does not belong to customer {customer_id}.",
            param="subscription",
        )
    if subscription["status"] in ENDED_STATUSES:
        raise _no_upcoming_invoice(subscription["customer"])
    return subscription


def invoice_create_preview(context: RequestContext) -> dict[str, Any]:
    state = context.state
    reject_unknown_parameters(context.params, {"customer", "subscription"})
    subscription = _subscription(context)
    period_start, period_end = subscription["_period_start"], subscription["_period_end"]
    interval, interval_count = subscription_interval(state, subscription)
    ending = subscription["cancel_at_period_end"] or subscription["cancel_at"] == period_end
    next_end = add_interval(
        subscription["billing_cycle_anchor"],
        interval,
        interval_count * (subscription["_period_index"] + 2),
    )
    lines = cycle_lines(
        state,
        subscription,
        usage_start=period_start,
        usage_end=period_end,
        next_start=None if ending else period_end,
        next_end=None if ending else next_end,
    )
    if subscription["status"] == "trialing":
        # A trial's end invoices the first period in advance; no usage is billed for a trial.
        lines = [line for line in lines if not is_metered(state.objects[line["price"]])]
    lines += subscription["_pending_lines"]
    if ending and not lines:
        raise _no_upcoming_invoice(subscription["customer"])
    invoice = invoice_create(
        state,
        subscription,
        billing_reason="upcoming",
        line_specs=lines,
        period_start=period_start,
        period_end=period_end,
        preview=True,
    )
    return context.respond(invoice)
