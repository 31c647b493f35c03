"""Invoices: created from line specs, finalized, paid or failed (with Stripe's retry schedule),
and their routes.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from stripe_emulator.coupons import invoice_discounts_apply, invoice_discounts_consume
from stripe_emulator.credit_grants import invoice_credits_apply
from stripe_emulator.errors import (
    StripeApiError,
    invalid_request_error,
)
from stripe_emulator.hosted_invoice_pages import invoice_page_links, invoice_pages_remember
from stripe_emulator.parameters import (
    merged_metadata,
    optional_boolean,
    optional_string,
    timestamp_filter_matches,
)
from stripe_emulator.payments import payment_intent_confirm, payment_intent_create
from stripe_emulator.proration import cycle_lines, item_change_proration_lines
from stripe_emulator.routing import RequestContext
from stripe_emulator.state import EmulatorState, previous_attributes, render_hook
from stripe_emulator.subscription_items import (
    RETRY_DELAYS_SECONDS,
    add_interval,
    is_metered,
    subscription_interval,
    subscription_items,
    subscription_set_status,
)


def invoice_create(
    state: EmulatorState,
    subscription: dict[str, Any],
    *,
    billing_reason: str,
    line_specs: list[dict[str, Any]],
    period_start: int,
    period_end: int,
) -> dict[str, Any]:
    """An invoice from line specs, drafted with the customer's balance applied. Long because it
    spells out the invoice object field by field, as the pinned API version declares it."""
    customer = state.objects[subscription["customer"]]
    now = state.now()
    invoice_id = state.new_id("in")
    subtotal = sum(spec["amount"] for spec in line_specs)
    discount_ids, line_discount_amounts, total_discount_amounts = invoice_discounts_apply(
        state, list(subscription["discounts"]), line_specs, currency=subscription["currency"]
    )
    total = subtotal - sum(entry["amount"] for entry in total_discount_amounts)
    if billing_reason != "upcoming" and subtotal > 0:
        invoice_discounts_consume(state, discount_ids)
    starting_balance = customer["balance"]
    # A negative customer balance is credit: it pays part of the invoice first.
    applied_total = total + starting_balance
    amount_due = max(0, applied_total)
    ending_balance = min(0, applied_total)
    customer["balance"] = ending_balance
    invoice = {
        "id": invoice_id,
        "object": "invoice",
        "account_country": "US",
        "account_name": state.account["settings"]["dashboard"]["display_name"],
        "account_tax_ids": None,
        "amount_due": amount_due,
        "amount_overpaid": 0,
        "amount_paid": 0,
        "amount_paid_off_stripe": 0,
        "amount_remaining": amount_due,
        "amount_shipping": 0,
        "application": None,
        "attempt_count": 0,
        "attempted": False,
        "auto_advance": True,
        "automatic_tax": {
            "disabled_reason": None,
            "enabled": False,
            "liability": None,
            "provider": None,
            "status": None,
        },
        "automatically_finalizes_at": None,
        "billing_reason": billing_reason,
        "collection_method": subscription["collection_method"],
        "confirmation_secret": None,
        "created": now,
        "currency": subscription["currency"],
        "custom_fields": None,
        "customer": customer["id"],
        "customer_account": None,
        "customer_address": customer["address"],
        "customer_email": customer["email"],
        "customer_name": customer["name"],
        "customer_phone": customer["phone"],
        "customer_shipping": customer["shipping"],
        "customer_tax_exempt": customer["tax_exempt"],
        "customer_tax_ids": [],
        "default_payment_method": None,
        "default_source": None,
        "default_tax_rates": [],
        "description": None,
        "discounts": discount_ids,
        "due_date": None,
        "effective_at": None,
        "ending_balance": ending_balance if starting_balance or ending_balance else 0,
        "footer": None,
        "from_invoice": None,
        "hosted_invoice_url": f"https://invoice.stripe.com/i/emulator/{invoice_id}",
        "invoice_pdf": f"https://pay.stripe.com/invoice/emulator/{invoice_id}/pdf",
        "issuer": {"type": "self"},
        "last_finalization_error": None,
        "latest_revision": None,
        "livemode": False,
        "metadata": {},
        "next_payment_attempt": None,
        "number": None,
        "on_behalf_of": None,
        "parent": {
            "quote_details": None,
            "subscription_details": {
                "metadata": dict(subscription["metadata"]),
                "subscription": subscription["id"],
            },
            "type": "subscription_details",
        },
        "payment_settings": {
            "default_mandate": None,
            "payment_method_options": None,
            "payment_method_types": None,
        },
        "period_end": period_end,
        "period_start": period_start,
        "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0,
        "receipt_number": None,
        "rendering": None,
        "shipping_cost": None,
        "shipping_details": None,
        "starting_balance": starting_balance,
        "statement_descriptor": None,
        "status": "draft",
        "status_transitions": {
            "finalized_at": None,
            "marked_uncollectible_at": None,
            "paid_at": None,
            "voided_at": None,
        },
        "subtotal": subtotal,
        "subtotal_excluding_tax": subtotal,
        "test_clock": customer["test_clock"],
        "threshold_reason": None,
        "total": total,
        "total_discount_amounts": total_discount_amounts,
        "total_excluding_tax": total,
        "total_pretax_credit_amounts": [],
        "total_taxes": [],
        "webhooks_delivered_at": now,
        "_payment_intent": None,
    }
    state.insert(invoice)
    for spec, discount_amounts in zip(line_specs, line_discount_amounts, strict=True):
        invoice_line_create(
            state, invoice, subscription, dict(spec, discount_amounts=discount_amounts)
        )
    state.emit_event("invoice.created", invoice)
    return invoice


def invoice_line_create(
    state: EmulatorState,
    invoice: dict[str, Any],
    subscription: dict[str, Any],
    spec: dict[str, Any],
) -> dict[str, Any]:
    return state.insert(invoice_line_build(state, invoice, subscription, spec))


def invoice_line_build(
    state: EmulatorState,
    invoice: dict[str, Any],
    subscription: dict[str, Any],
    spec: dict[str, Any],
) -> dict[str, Any]:
    quantity = Decimal(spec["quantity"])
    if spec["proration"]:
        parent = {
            "invoice_item_details": {
                "invoice_item": state.new_id("ii"),
                "proration": True,
                "proration_details": {"credited_items": None},
                "subscription": subscription["id"],
            },
            "subscription_item_details": None,
            "type": "invoice_item_details",
        }
    else:
        parent = {
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": None,
                "proration": False,
                "proration_details": {"credited_items": None},
                "subscription": subscription["id"],
                "subscription_item": spec["subscription_item"],
            },
            "type": "subscription_item_details",
        }
    return {
        "id": state.new_id("il"),
        "object": "line_item",
        "amount": spec["amount"],
        "currency": invoice["currency"],
        "description": spec["description"],
        "discount_amounts": spec.get("discount_amounts", []),
        "discountable": not spec["proration"],
        "discounts": [entry["discount"] for entry in spec.get("discount_amounts", [])],
        "invoice": invoice["id"],
        "livemode": False,
        "metadata": {},
        "parent": parent,
        "period": {"end": spec["period_end"], "start": spec["period_start"]},
        "pretax_credit_amounts": [],
        "pricing": {
            "price_details": {"price": spec["price"], "product": spec["product"]},
            "type": "price_details",
            "unit_amount_decimal": spec["unit_amount_decimal"],
        },
        "quantity": int(quantity.to_integral_value(rounding=ROUND_HALF_UP)),
        "quantity_decimal": format(quantity.normalize(), "f"),
        "subscription": subscription["id"],
        "subtotal": spec["amount"],
        "taxes": [],
    }


def invoice_lines(state: EmulatorState, invoice_id: str) -> list[dict[str, Any]]:
    return list(
        reversed(state.list_objects("line_item", lambda line: line["invoice"] == invoice_id))
    )


@render_hook("invoice")
def _render_invoice(
    state: EmulatorState, rendered: dict[str, Any], stored: dict[str, Any], expand: set[str]
) -> dict[str, Any]:
    if stored.get("_preview"):
        return rendered  # its lines are its own, rendered when it was computed
    _invoice_page_links(state, rendered)
    rendered["lines"] = state.embedded_list(
        invoice_lines(state, stored["id"]),
        f"/v1/invoices/{stored['id']}/lines",
    )
    if "payments" in expand:
        payments = state.list_objects(
            "invoice_payment", lambda payment: payment["invoice"] == stored["id"]
        )
        rendered["payments"] = state.embedded_list(
            payments, f"/v1/invoice_payments?invoice={stored['id']}"
        )
    return rendered


def invoice_finalize(state: EmulatorState, invoice: dict[str, Any]) -> None:
    customer = state.objects[invoice["customer"]]
    _invoice_credits_apply(state, invoice, customer)
    invoice["status"] = "open"
    invoice["number"] = f"{customer['invoice_prefix']}-{customer['next_invoice_sequence']:04d}"
    customer["next_invoice_sequence"] += 1
    invoice["effective_at"] = state.now()
    invoice["status_transitions"]["finalized_at"] = state.now()
    state.emit_event("invoice.finalized", invoice)


def _invoice_credits_apply(
    state: EmulatorState, invoice: dict[str, Any], customer: dict[str, Any]
) -> None:
    """Billing credits apply at finalization, before the customer's balance: the total drops
    by what they cover and the balance applied when drafting is applied again to that total."""
    if not invoice_credits_apply(state, invoice, invoice_lines(state, invoice["id"])):
        return
    credited = sum(credit["amount"] for credit in invoice["total_pretax_credit_amounts"])
    discounted = sum(discount["amount"] for discount in invoice.get("total_discount_amounts") or [])
    total = invoice["subtotal"] - discounted - credited
    starting_balance = invoice["starting_balance"]
    drafted_ending_balance = min(0, invoice["subtotal"] - discounted + starting_balance)
    applied_total = total + starting_balance
    ending_balance = min(0, applied_total)
    customer["balance"] += ending_balance - drafted_ending_balance
    invoice.update(
        {
            "total": total,
            "total_excluding_tax": total,
            "amount_due": max(0, applied_total),
            "amount_remaining": max(0, applied_total),
            "ending_balance": ending_balance if starting_balance or ending_balance else 0,
        }
    )


def invoice_payment_method(
    state: EmulatorState, invoice: dict[str, Any], subscription: dict[str, Any] | None
) -> str | None:
    payment_method: str | None = invoice["default_payment_method"]
    if payment_method:
        return payment_method
    if subscription is not None and subscription["default_payment_method"]:
        payment_method = subscription["default_payment_method"]
        return payment_method
    customer = state.objects.get(invoice["customer"])
    if customer is None:
        return None
    payment_method = customer["invoice_settings"]["default_payment_method"]
    return payment_method


def _invoice_subscription(state: EmulatorState, invoice: dict[str, Any]) -> dict[str, Any] | None:
    details = (invoice["parent"] or {}).get("subscription_details") or {}
    return state.objects.get(details.get("subscription") or "")


def _invoice_mark_paid(state: EmulatorState, invoice: dict[str, Any], amount_paid: int) -> None:
    invoice.update(
        {
            "amount_paid": amount_paid,
            "amount_remaining": 0,
            "status": "paid",
            "next_payment_attempt": None,
        }
    )
    invoice["status_transitions"]["paid_at"] = state.now()
    state.emit_event("invoice.paid", invoice)
    state.emit_event("invoice.payment_succeeded", invoice)
    customer = state.objects.get(invoice["customer"])
    if customer is not None:
        customer["delinquent"] = False
    subscription = _invoice_subscription(state, invoice)
    if subscription is not None and subscription["status"] in ("incomplete", "past_due", "unpaid"):
        subscription_set_status(state, subscription, "active")


def invoice_payment_settled(state: EmulatorState, invoice_id: str, intent: dict[str, Any]) -> None:
    """Called when an invoice's payment intent succeeds or fails, however it was confirmed."""
    invoice = state.find(invoice_id, "invoice")
    # An uncollectible invoice can still be paid, as at Stripe.
    if invoice is None or invoice["status"] not in ("open", "uncollectible"):
        return
    invoice["attempt_count"] += 1
    invoice["attempted"] = True
    payment = next(
        iter(state.list_objects("invoice_payment", lambda item: item["invoice"] == invoice_id)),
        None,
    )
    if intent["status"] == "succeeded":
        if payment is not None:
            payment["status"] = "paid"
            payment["amount_paid"] = intent["amount"]
            payment["status_transitions"]["paid_at"] = state.now()
        _invoice_mark_paid(state, invoice, intent["amount"])
    else:
        _invoice_payment_failed(state, invoice)


def _invoice_payment_failed(state: EmulatorState, invoice: dict[str, Any]) -> None:
    subscription = _invoice_subscription(state, invoice)
    retries_left = invoice["attempt_count"] <= len(RETRY_DELAYS_SECONDS)
    automatic = invoice["auto_advance"] and subscription is not None
    # Stripe retries open invoices only: an uncollectible one is paid when asked, never retried.
    open_invoice = invoice["status"] == "open"
    if (
        retries_left
        and automatic
        and open_invoice
        and invoice["billing_reason"] != "subscription_create"
    ):
        delay = RETRY_DELAYS_SECONDS[invoice["attempt_count"] - 1]
        invoice["next_payment_attempt"] = state.now() + delay
    else:
        invoice["next_payment_attempt"] = None
    state.emit_event("invoice.payment_failed", invoice)
    customer = state.objects.get(invoice["customer"])
    if customer is not None:
        customer["delinquent"] = True
    if subscription is None:
        return
    if subscription["status"] in ("active", "trialing"):
        subscription_set_status(state, subscription, "past_due")
    if (
        subscription["status"] == "past_due"
        and invoice["next_payment_attempt"] is None
        and invoice["attempt_count"] > len(RETRY_DELAYS_SECONDS)
    ):
        # All retries failed: Stripe's default setting cancels the subscription.
        subscription_cancel_now(state, subscription, reason="payment_failed")


def invoice_attempt_payment(
    state: EmulatorState,
    invoice: dict[str, Any],
    *,
    off_session: bool,
    payment_method_id: str | None = None,
) -> StripeApiError | None:
    """Charge the invoice; returns the card error of a decline (already recorded)."""
    if invoice["amount_remaining"] == 0:
        _invoice_mark_paid(state, invoice, 0)
        return None
    subscription = _invoice_subscription(state, invoice)
    method_id = payment_method_id or invoice_payment_method(state, invoice, subscription)
    intent = state.objects.get(invoice["_payment_intent"] or "")
    if intent is None:
        intent = payment_intent_create(
            state,
            amount=invoice["amount_remaining"],
            currency=invoice["currency"],
            customer_id=invoice["customer"],
            payment_method_id=method_id,
            description=(
                "Subscription creation"
                if invoice["billing_reason"] == "subscription_create"
                else "Subscription update"
            ),
        )
        intent["_invoice"] = invoice["id"]
        invoice["_payment_intent"] = intent["id"]
        invoice["confirmation_secret"] = {
            "client_secret": intent["client_secret"],
            "type": "payment_intent",
        }
        state.insert(
            {
                "id": state.new_id("inpay"),
                "object": "invoice_payment",
                "amount_paid": None,
                "amount_requested": invoice["amount_remaining"],
                "created": state.now(),
                "currency": invoice["currency"],
                "invoice": invoice["id"],
                "is_default": True,
                "livemode": False,
                "payment": {"payment_intent": intent["id"], "type": "payment_intent"},
                "status": "open",
                "status_transitions": {"canceled_at": None, "paid_at": None},
            }
        )
    elif method_id is not None:
        intent["payment_method"] = method_id
        intent["status"] = "requires_confirmation"
    if method_id is None:
        # Nothing to charge: Stripe counts the attempt and reports the failure.
        invoice["attempt_count"] += 1
        invoice["attempted"] = True
        _invoice_payment_failed(state, invoice)
        return invalid_request_error(
            "This customer has no attached payment source or default payment method. Please "
            "consider adding a default payment method.",
            code="resource_missing",
        )
    error = payment_intent_confirm(state, intent, off_session=off_session)
    if intent["status"] == "requires_action":
        state.emit_event("invoice.payment_action_required", invoice)
    return error


def subscription_cancel_now(
    state: EmulatorState,
    subscription: dict[str, Any],
    *,
    reason: str,
    invoice_now: bool = False,
    prorate: bool = False,
) -> None:
    now = state.now()
    if invoice_now:
        lines = cycle_lines(
            state,
            subscription,
            usage_start=subscription["_period_start"],
            usage_end=now,
            next_start=None,
            next_end=None,
        )
        if prorate:
            for item in subscription_items(state, subscription["id"]):
                price = state.objects[item["price"]]
                if not is_metered(price):
                    lines.extend(
                        item_change_proration_lines(
                            state, subscription, item, price, item["quantity"], None, 0
                        )
                    )
        lines.extend(subscription["_pending_lines"])
        subscription["_pending_lines"] = []
        if lines:
            invoice = invoice_create(
                state,
                subscription,
                billing_reason="subscription_cycle",
                line_specs=lines,
                period_start=subscription["_period_start"],
                period_end=now,
            )
            subscription["latest_invoice"] = invoice["id"]
            invoice_finalize(state, invoice)
            invoice_attempt_payment(state, invoice, off_session=True)
    subscription["status"] = "canceled"
    subscription["canceled_at"] = subscription["canceled_at"] or now
    subscription["ended_at"] = now
    subscription["cancellation_details"]["reason"] = reason
    for invoice in state.list_objects(
        "invoice", lambda candidate: _invoice_subscription(state, candidate) is subscription
    ):
        # Stripe stops retrying the invoices of a canceled subscription.
        invoice["next_payment_attempt"] = None
    state.emit_event("customer.subscription.deleted", subscription)


def invoice_retrieve(context: RequestContext, invoice_id: str) -> dict[str, Any]:
    invoice_pages_remember(context)
    return context.respond(context.state.require(invoice_id, "invoice"))


def invoice_list(context: RequestContext) -> dict[str, Any]:
    invoice_pages_remember(context)
    state, params = context.state, context.params
    customer_id = optional_string(params, "customer")
    subscription_id = optional_string(params, "subscription")
    status = optional_string(params, "status")
    created = params.get("created")

    def matches(invoice: dict[str, Any]) -> bool:
        subscription = _invoice_subscription(state, invoice)
        return (
            (customer_id is None or invoice["customer"] == customer_id)
            and (
                subscription_id is None
                or (subscription is not None and subscription["id"] == subscription_id)
            )
            and (status is None or invoice["status"] == status)
            and timestamp_filter_matches(invoice["created"], created)
        )

    return context.list_response(state.list_objects("invoice", matches), "/v1/invoices")


def invoice_line_list(context: RequestContext, invoice_id: str) -> dict[str, Any]:
    context.state.require(invoice_id, "invoice")
    return context.list_response(
        invoice_lines(context.state, invoice_id), f"/v1/invoices/{invoice_id}/lines"
    )


def invoice_update(context: RequestContext, invoice_id: str) -> dict[str, Any]:
    state, params = context.state, context.params
    invoice = state.require(invoice_id, "invoice")
    before = state.render(invoice)
    invoice["metadata"] = merged_metadata(invoice["metadata"], params)
    if "description" in params:
        invoice["description"] = optional_string(params, "description")
    auto_advance = optional_boolean(params, "auto_advance")
    if auto_advance is not None:
        invoice["auto_advance"] = auto_advance
        if not auto_advance:
            invoice["next_payment_attempt"] = None
    if "default_payment_method" in params:
        invoice["default_payment_method"] = optional_string(params, "default_payment_method")
    changes = previous_attributes(before, state.render(invoice))
    if changes:
        state.emit_event("invoice.updated", invoice, changes)
    return context.respond(invoice)


def invoice_finalize_route(context: RequestContext, invoice_id: str) -> dict[str, Any]:
    invoice = context.state.require(invoice_id, "invoice")
    if invoice["status"] != "draft":
        raise invalid_request_error(
            "This invoice is already finalized, you can't re-finalize a non-draft invoice.",
            code="invoice_not_editable",
        )
    invoice_finalize(context.state, invoice)
    return context.respond(invoice)


def invoice_pay(context: RequestContext, invoice_id: str) -> dict[str, Any]:
    invoice_pages_remember(context)
    state, params = context.state, context.params
    invoice = state.require(invoice_id, "invoice")
    if invoice["status"] == "paid":
        raise invalid_request_error("Invoice is already paid", code="invoice_already_paid")
    if invoice["status"] == "void":
        raise invalid_request_error(
            "This invoice cannot be paid because it has been voided.",
            code="invoice_not_editable",
        )
    if invoice["status"] == "draft":
        invoice_finalize(state, invoice)
    if optional_boolean(params, "paid_out_of_band"):
        invoice["amount_paid_off_stripe"] = invoice["amount_remaining"]
        _invoice_mark_paid(state, invoice, 0)
        return context.respond(invoice)
    payment_method_value = optional_string(params, "payment_method")
    payment_method_id = None
    if payment_method_value is not None:
        from stripe_emulator.customers import payment_method_resolve

        payment_method_id = payment_method_resolve(state, payment_method_value)["id"]
    off_session = optional_boolean(params, "off_session")
    error = invoice_attempt_payment(
        state,
        invoice,
        off_session=True if off_session is None else off_session,
        payment_method_id=payment_method_id,
    )
    if error is not None:
        error.stored_for_idempotency = True
        raise error
    return context.respond(invoice)


def invoice_void(context: RequestContext, invoice_id: str) -> dict[str, Any]:
    state = context.state
    invoice = state.require(invoice_id, "invoice")
    if invoice["status"] not in ("open", "uncollectible"):
        raise invalid_request_error(
            f"You can only pass in open or uncollectible invoices. This invoice is "
            f"{invoice['status']}.",
            code="invoice_not_editable",
        )
    invoice["status"] = "void"
    invoice["next_payment_attempt"] = None
    invoice["status_transitions"]["voided_at"] = state.now()
    state.emit_event("invoice.voided", invoice)
    return context.respond(invoice)


def invoice_mark_uncollectible(context: RequestContext, invoice_id: str) -> dict[str, Any]:
    state = context.state
    invoice = state.require(invoice_id, "invoice")
    if invoice["status"] != "open":
        raise invalid_request_error(
            f"You can only mark open invoices as uncollectible. This invoice is "
            f"{invoice['status']}.",
            code="invoice_not_editable",
        )
    invoice["status"] = "uncollectible"
    invoice["next_payment_attempt"] = None
    invoice["status_transitions"]["marked_uncollectible_at"] = state.now()
    state.emit_event("invoice.marked_uncollectible", invoice)
    return context.respond(invoice)


def invoice_payment_list(context: RequestContext) -> dict[str, Any]:
    invoice_id = optional_string(context.params, "invoice")
    payments = context.state.list_objects(
        "invoice_payment", lambda payment: invoice_id is None or payment["invoice"] == invoice_id
    )
    return context.list_response(payments, "/v1/invoice_payments")


def invoice_payment_retrieve(context: RequestContext, invoice_payment_id: str) -> dict[str, Any]:
    return context.respond(
        context.state.require(invoice_payment_id, "invoice_payment", label="invoice payment")
    )


def cycle_invoice_issue(
    state: Any,
    subscription: dict[str, Any],
    before: dict[str, Any],
    lines: list[dict[str, Any]],
    *,
    period_start: int,
    period_end: int,
) -> None:
    """A period's invoice: created, announced with the subscription's change, finalized and
    charged off-session, as Stripe does at a cycle boundary."""
    invoice = invoice_create(
        state,
        subscription,
        billing_reason="subscription_cycle",
        line_specs=lines,
        period_start=period_start,
        period_end=period_end,
    )
    subscription["latest_invoice"] = invoice["id"]
    state.emit_event(
        "customer.subscription.updated",
        subscription,
        previous_attributes(before, state.render(subscription)),
    )
    invoice_finalize(state, invoice)
    invoice_attempt_payment(state, invoice, off_session=True)


# Hosted pages, previews and the upcoming-invoice notice ---------------------------------------

# Stripe's Billing setting "Send upcoming renewal events", days before a renewal: the emulator
# uses Stripe's default, 7 days.
UPCOMING_NOTICE_SECONDS = 7 * 86_400


def _invoice_page_links(state: EmulatorState, rendered: dict[str, Any]) -> None:
    """A finalized invoice links to the emulator's own hosted page and PDF; a draft to none,
    as at Stripe."""
    if rendered["status"] == "draft":
        rendered["hosted_invoice_url"] = None
        rendered["invoice_pdf"] = None
        return
    rendered["hosted_invoice_url"], rendered["invoice_pdf"] = invoice_page_links(
        state, rendered["id"]
    )


def _next_invoice_lines(
    state: EmulatorState, subscription: dict[str, Any]
) -> tuple[list[dict[str, Any]], int, int]:
    """The line specs of the subscription's next invoice as its renewal would bill them: this
    period's metered usage so far, the licensed items for the next period, pending prorations."""
    period_start, period_end = subscription["_period_start"], subscription["_period_end"]
    interval, interval_count = subscription_interval(state, subscription)
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
        next_start=period_end,
        next_end=next_end,
    )
    return lines + list(subscription["_pending_lines"]), period_start, period_end


def invoice_preview_compute(state: EmulatorState, subscription: dict[str, Any]) -> dict[str, Any]:
    """The subscription's next invoice, rendered as Stripe previews it (`upcoming_in_…`, a
    draft billed at the period's end), with nothing stored and no event sent: it is built by
    the same code as a real invoice, and everything that built it is then taken back."""
    lines, period_start, period_end = _next_invoice_lines(state, subscription)
    customer = state.objects[subscription["customer"]]
    balance, sequence, objects = customer["balance"], state.sequence, dict(state.objects)
    setattr(state, "emit_event", lambda *arguments, **keywords: {})  # noqa: B010 - a preview sends nothing
    try:
        invoice = invoice_create(
            state,
            subscription,
            billing_reason="upcoming",
            line_specs=lines,
            period_start=period_start,
            period_end=period_end,
        )
        rendered = state.render(invoice)
    finally:
        delattr(state, "emit_event")  # the class's own again
        customer["balance"], state.sequence, state.objects = balance, sequence, objects
    preview_id = f"upcoming_{rendered['id']}"
    rendered.update(
        {
            "id": preview_id,
            "created": period_end,
            "next_payment_attempt": period_end + 3600,
            "automatically_finalizes_at": period_end + 3600,
            "hosted_invoice_url": None,
            "invoice_pdf": None,
            "webhooks_delivered_at": None,
        }
    )
    for line in rendered["lines"]["data"]:
        line["invoice"] = preview_id
    rendered["lines"]["url"] = f"/v1/invoices/{preview_id}/lines"
    return rendered


def invoice_create_preview(context: RequestContext) -> dict[str, Any]:
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
        # Without a subscription Stripe previews the customer's (the emulator keeps no pending
        # invoice items outside subscriptions, so a customer without one has nothing upcoming).
        live = state.list_objects(
            "subscription",
            lambda candidate: (
                candidate["customer"] == customer_id
                and candidate["status"] not in ("canceled", "incomplete_expired")
            ),
        )
        if not live:
            raise _no_upcoming_invoice(customer_id)
        subscription = live[0]
    else:
        subscription = state.require(subscription_id, "subscription", param="subscription")
    if customer_id is not None and customer_id != subscription["customer"]:
        raise invalid_request_error(
            f"The subscription {subscription_id} does not belong to customer {customer_id}.",
            param="customer",
        )
    if (
        subscription["status"] in ("canceled", "incomplete_expired")
        or (subscription["cancel_at_period_end"])
    ):
        raise _no_upcoming_invoice(subscription["customer"])
    preview = invoice_preview_compute(state, subscription)
    for path in context.expand:  # the preview is rendered already; its expansions still apply
        state.expand_rendered(preview, path)
    return preview


def _no_upcoming_invoice(customer_id: str) -> StripeApiError:
    return invalid_request_error(
        f"No upcoming invoices for customer: {customer_id}",
        code="invoice_upcoming_none",
        http_status=404,
    )


def invoice_upcoming_due_at(subscription: dict[str, Any]) -> int | None:
    """When `invoice.upcoming` is due for the subscription's renewal, or None (sent already, a
    period shorter than the notice, or no renewal coming)."""
    if subscription["status"] not in ("active", "past_due"):
        return None
    if subscription["cancel_at_period_end"] or subscription["cancel_at"] is not None:
        return None
    notice_at: int = subscription["_period_end"] - UPCOMING_NOTICE_SECONDS
    if notice_at <= subscription["_period_start"]:
        return None
    if subscription.get("_upcoming_sent_for") == subscription["_period_end"]:
        return None
    return notice_at


def invoice_upcoming_notify(state: EmulatorState, subscription: dict[str, Any]) -> None:
    """Stripe's `invoice.upcoming`: the preview of the renewal, which has no id yet."""
    subscription["_upcoming_sent_for"] = subscription["_period_end"]
    preview = invoice_preview_compute(state, subscription)
    preview.pop("id")
    state.emit_event("invoice.upcoming", {**preview, "_preview": True})
