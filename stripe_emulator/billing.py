"""The routes of subscriptions, subscription items and invoices; the modules beside this one hold
them: `subscription_items`, `proration`, `invoices`, `subscriptions` and `clock`.

Billing follows Stripe's model: licensed items are billed in advance for the period that starts,
metered items in arrears from the meter's aggregate for the period that just ended, prorations
wait for the next invoice unless ``always_invoice`` is asked for, and a failed renewal makes the
subscription ``past_due`` and is retried on a schedule as the clock moves.
"""

from __future__ import annotations

from stripe_emulator.invoices import (
    invoice_create_preview,
    invoice_finalize_route,
    invoice_line_list,
    invoice_list,
    invoice_mark_uncollectible,
    invoice_pay,
    invoice_payment_list,
    invoice_payment_retrieve,
    invoice_retrieve,
    invoice_update,
    invoice_void,
)
from stripe_emulator.routing import Router
from stripe_emulator.subscriptions import (
    subscription_cancel,
    subscription_create,
    subscription_item_create,
    subscription_item_delete,
    subscription_item_list,
    subscription_item_retrieve,
    subscription_item_update,
    subscription_list,
    subscription_retrieve,
    subscription_update,
)


def register_routes(router: Router) -> None:
    router.add("POST", "/v1/subscriptions", subscription_create)
    router.add("GET", "/v1/subscriptions", subscription_list)
    router.add("GET", "/v1/subscriptions/{subscription_id}", subscription_retrieve)
    router.add("POST", "/v1/subscriptions/{subscription_id}", subscription_update)
    router.add("DELETE", "/v1/subscriptions/{subscription_id}", subscription_cancel)
    router.add("POST", "/v1/subscription_items", subscription_item_create)
    router.add("GET", "/v1/subscription_items", subscription_item_list)
    router.add("GET", "/v1/subscription_items/{item_id}", subscription_item_retrieve)
    router.add("POST", "/v1/subscription_items/{item_id}", subscription_item_update)
    router.add("DELETE", "/v1/subscription_items/{item_id}", subscription_item_delete)
    router.add("GET", "/v1/invoices", invoice_list)
    # Before /v1/invoices/{invoice_id}, which would take "create_preview" for an id.
    router.add("POST", "/v1/invoices/create_preview", invoice_create_preview)
    router.add("GET", "/v1/invoices/{invoice_id}", invoice_retrieve)
    router.add("POST", "/v1/invoices/{invoice_id}", invoice_update)
    router.add("GET", "/v1/invoices/{invoice_id}/lines", invoice_line_list)
    router.add("POST", "/v1/invoices/{invoice_id}/finalize", invoice_finalize_route)
    router.add("POST", "/v1/invoices/{invoice_id}/pay", invoice_pay)
    router.add("POST", "/v1/invoices/{invoice_id}/void", invoice_void)
    router.add("POST", "/v1/invoices/{invoice_id}/mark_uncollectible", invoice_mark_uncollectible)
    router.add("GET", "/v1/invoice_payments", invoice_payment_list)
    router.add("GET", "/v1/invoice_payments/{invoice_payment_id}", invoice_payment_retrieve)
