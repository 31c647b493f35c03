"""Billing credits (``/v1/billing/credit_grants``, ``/v1/billing/credit_balance_summary``,
``/v1/billing/credit_balance_transactions``), as the pinned API version has them.

A credit grant gives a customer an amount of money (``amount.monetary``) that invoices consume
before charging, for metered prices only (``applicability_config.scope``: ``price_type``
``metered`` or a list of metered ``prices``). Its balance moves through credit balance
transactions: a ``credit`` (``credits_granted``) when it is made, and ``debit``s when an invoice
applies it at finalization (``credits_applied``, naming the invoice and its line), when it
expires (``credits_expired``, at ``expires_at`` on the customer's clock) and when it is voided
(``credits_voided``). At finalization the grants in force apply, per eligible line, in priority
order (0 first), then the earliest to expire, then the oldest; each application shows on the
line's and the invoice's ``pretax_credit_amounts`` (``type`` ``credit_balance_transaction``) and
lowers ``total`` and ``amount_due``. Each transaction sends
``billing.credit_balance_transaction.created``; grants send ``billing.credit_grant.created``
and ``billing.credit_grant.updated``.
"""

from __future__ import annotations

from typing import Any

from stripe_emulator.errors import (
    invalid_request_error,
    missing_parameter_error,
)
from stripe_emulator.parameters import (
    merged_metadata,
    optional_hash,
    optional_integer,
    optional_list,
    optional_string,
    reject_unknown_parameters,
    required_currency,
    required_integer,
    required_string,
)
from stripe_emulator.routing import RequestContext, Router
from stripe_emulator.state import EmulatorState, previous_attributes
from stripe_emulator.subscription_items import is_metered

GRANT = "billing.credit_grant"
TRANSACTION = "billing.credit_balance_transaction"
DEFAULT_PRIORITY = 50
MAXIMUM_SCOPE_PRICES = 20


def _monetary(value: int, currency: str) -> dict[str, Any]:
    return {"monetary": {"currency": currency, "value": value}, "type": "monetary"}


def _transaction_record(
    state: EmulatorState,
    grant: dict[str, Any],
    *,
    kind: str,
    reason: str,
    value: int,
    details: dict[str, Any] | None = None,
    effective_at: int | None = None,
) -> dict[str, Any]:
    """One move of a grant's balance: a credit (``credits_granted``) or a debit."""
    amount = _monetary(value, grant["amount"]["monetary"]["currency"])
    entry: dict[str, Any] = {"amount": amount, "type": reason}
    if kind == "credit":
        entry["credits_application_invoice_voided"] = None
    else:
        entry["credits_applied"] = details
    transaction = state.insert(
        {
            "id": state.new_id("cbtxn"),
            "object": TRANSACTION,
            "created": state.now(),
            "credit": entry if kind == "credit" else None,
            "credit_grant": grant["id"],
            "debit": entry if kind == "debit" else None,
            "effective_at": effective_at if effective_at is not None else state.now(),
            "livemode": False,
            "test_clock": grant["test_clock"],
            "type": kind,
        }
    )
    state.emit_event("billing.credit_balance_transaction.created", transaction)
    return transaction


def grant_remaining(state: EmulatorState, grant: dict[str, Any]) -> int:
    """What is left of a grant: its credits less its debits."""
    remaining = 0
    for transaction in state.list_objects(
        TRANSACTION, lambda transaction: transaction["credit_grant"] == grant["id"]
    ):
        entry = transaction["credit"] or transaction["debit"]
        value = entry["amount"]["monetary"]["value"]
        remaining += value if transaction["type"] == "credit" else -value
    return remaining


def _grant_in_force(grant: dict[str, Any], now: int) -> bool:
    return (
        grant["voided_at"] is None
        and (grant["effective_at"] or grant["created"]) <= now
        and (grant["expires_at"] is None or grant["expires_at"] > now)
    )


def _scope(state: EmulatorState, raw: Any, param: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or not isinstance(raw.get("scope"), dict):
        raise missing_parameter_error(f"{param}[scope]")
    scope = raw["scope"]
    price_type = optional_string(scope, "price_type")
    prices = optional_list(scope, "prices")
    if (price_type is None) == (prices is None):
        raise invalid_request_error(
            "You must specify exactly one of `price_type` or `prices` in the scope.",
            param=f"{param}[scope]",
        )
    if prices is None:
        return {"price_type": price_type, "prices": None}
    if len(prices) > MAXIMUM_SCOPE_PRICES:
        raise invalid_request_error(
            f"You can specify at most {MAXIMUM_SCOPE_PRICES} prices.",
            param=f"{param}[scope][prices]",
        )
    checked = []
    for position, item in enumerate(prices):
        name = f"{param}[scope][prices][{position}][id]"
        price_id = required_string(item if isinstance(item, dict) else {}, "id")
        price = state.require(price_id, "price", param=name)
        if not is_metered(price):
            raise invalid_request_error(
                f"The price `{price_id}` is not a metered price: billing credits apply only to "
                "prices with a billing meter.",
                param=name,
            )
        checked.append({"id": price_id})
    return {"price_type": None, "prices": checked}


def _grant_create(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    reject_unknown_parameters(
        params,
        {
            "amount",
            "applicability_config",
            "category",
            "customer",
            "effective_at",
            "expires_at",
            "metadata",
            "name",
            "priority",
        },
    )
    customer = state.require(required_string(params, "customer"), "customer", param="customer")
    amount = optional_hash(params, "amount") or {}
    if amount.get("type") != "monetary":
        raise invalid_request_error(
            "Invalid amount[type]: must be one of monetary", param="amount[type]"
        )
    monetary = optional_hash(amount, "monetary")
    if monetary is None:
        raise missing_parameter_error("amount[monetary]")
    currency = required_currency(monetary, "currency")
    value = required_integer(monetary, "value")
    if value <= 0:
        raise invalid_request_error(
            "amount[monetary][value] must be a positive integer.", param="amount[monetary][value]"
        )
    scope = _scope(state, params.get("applicability_config"), "applicability_config")
    priority = optional_integer(params, "priority")
    priority = DEFAULT_PRIORITY if priority is None else priority
    if not 0 <= priority <= 100:
        raise invalid_request_error("priority must be between 0 and 100.", param="priority")
    now = state.now()
    effective_at = optional_integer(params, "effective_at") or now
    expires_at = optional_integer(params, "expires_at")
    if expires_at is not None and expires_at <= max(effective_at, now):
        raise invalid_request_error(
            "expires_at must be later than effective_at and the current time.",
            param="expires_at",
        )
    name = optional_string(params, "name")
    if name is not None and len(name) > 100:
        raise invalid_request_error("name must be at most 100 characters.", param="name")
    grant = state.insert(
        {
            "id": state.new_id("credgr"),
            "object": GRANT,
            "amount": _monetary(value, currency),
            "applicability_config": {"scope": scope},
            "category": optional_string(params, "category") or "paid",
            "created": now,
            "customer": customer["id"],
            "customer_account": None,
            "effective_at": effective_at,
            "expires_at": expires_at,
            "livemode": False,
            "metadata": merged_metadata({}, params),
            "name": name,
            "priority": priority,
            "test_clock": customer["test_clock"],
            "updated": now,
            "voided_at": None,
            "_expiry_recorded": False,
        }
    )
    state.emit_event("billing.credit_grant.created", grant)
    _transaction_record(
        state,
        grant,
        kind="credit",
        reason="credits_granted",
        value=value,
        effective_at=effective_at,
    )
    return context.respond(grant)


def _grant_require(state: EmulatorState, grant_id: str) -> dict[str, Any]:
    return state.require(grant_id, GRANT, label="billing.credit_grant")


def _grant_retrieve(context: RequestContext, grant_id: str) -> dict[str, Any]:
    return context.respond(_grant_require(context.state, grant_id))


def _grant_list(context: RequestContext) -> dict[str, Any]:
    reject_unknown_parameters(
        context.params, {"customer", "limit", "starting_after", "ending_before"}
    )
    customer = optional_string(context.params, "customer")
    grants = context.state.list_objects(
        GRANT, lambda grant: customer is None or grant["customer"] == customer
    )
    return context.list_response(grants, "/v1/billing/credit_grants")


def _grant_changed(state: EmulatorState, grant: dict[str, Any], before: dict[str, Any]) -> None:
    changes = previous_attributes(before, state.render(grant))
    if changes:
        grant["updated"] = state.now()
        state.emit_event("billing.credit_grant.updated", grant, changes)


def _grant_update(context: RequestContext, grant_id: str) -> dict[str, Any]:
    state, params = context.state, context.params
    reject_unknown_parameters(params, {"expires_at", "metadata"})
    grant = _grant_require(state, grant_id)
    before = state.render(grant)
    if "expires_at" in params:
        if grant["voided_at"] is not None or grant["_expiry_recorded"]:
            raise invalid_request_error(
                "You cannot update the expiry of a credit grant that has expired or been voided."
            )
        expires_at = optional_integer(params, "expires_at")
        if expires_at is not None and expires_at <= state.now():
            raise invalid_request_error(
                "expires_at must be later than the current time.", param="expires_at"
            )
        grant["expires_at"] = expires_at
    grant["metadata"] = merged_metadata(grant["metadata"], params)
    _grant_changed(state, grant, before)
    return context.respond(grant)


def grant_expire_now(state: EmulatorState, grant: dict[str, Any]) -> None:
    """The grant's expiry falls due: what is left of it is debited as ``credits_expired``."""
    if grant["_expiry_recorded"] or grant["voided_at"] is not None:
        return
    grant["_expiry_recorded"] = True
    remaining = grant_remaining(state, grant)
    if remaining > 0:
        _transaction_record(
            state, grant, kind="debit", reason="credits_expired", value=remaining, details=None
        )


def _grant_expire(context: RequestContext, grant_id: str) -> dict[str, Any]:
    state = context.state
    reject_unknown_parameters(context.params, set())
    grant = _grant_require(state, grant_id)
    if grant["voided_at"] is not None or grant["_expiry_recorded"]:
        raise invalid_request_error("This credit grant has already expired or been voided.")
    before = state.render(grant)
    grant["expires_at"] = state.now()
    grant_expire_now(state, grant)
    _grant_changed(state, grant, before)
    return context.respond(grant)


def _grant_void(context: RequestContext, grant_id: str) -> dict[str, Any]:
    state = context.state
    reject_unknown_parameters(context.params, set())
    grant = _grant_require(state, grant_id)
    if grant["voided_at"] is not None or grant["_expiry_recorded"]:
        raise invalid_request_error("This credit grant has already expired or been voided.")
    before = state.render(grant)
    remaining = grant_remaining(state, grant)
    grant["voided_at"] = state.now()
    if remaining > 0:
        _transaction_record(
            state, grant, kind="debit", reason="credits_voided", value=remaining, details=None
        )
    _grant_changed(state, grant, before)
    return context.respond(grant)


def grants_due(
    state: EmulatorState, until: int, test_clock: str | None
) -> list[tuple[int, int, str, dict[str, Any]]]:
    """Expiries falling due by ``until`` for the grants of one test clock (the clock's work)."""
    return [
        (grant["expires_at"], grant["_sequence"], "credit_grant_expire", grant)
        for grant in state.list_objects(
            GRANT,
            lambda grant: (
                grant["test_clock"] == test_clock
                and grant["expires_at"] is not None
                and not grant["_expiry_recorded"]
                and grant["voided_at"] is None
            ),
        )
        if grant["expires_at"] <= until
    ]


# Balances ------------------------------------------------------------------------------------


def _grant_applies_to(grant: dict[str, Any], price: dict[str, Any]) -> bool:
    if not is_metered(price):
        return False
    scope = grant["applicability_config"]["scope"]
    if scope["prices"] is not None:
        return any(item["id"] == price["id"] for item in scope["prices"])
    return bool(scope["price_type"] == "metered")


def _balance_summary(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    reject_unknown_parameters(params, {"customer", "filter"})
    customer = state.require(required_string(params, "customer"), "customer", param="customer")
    filter_ = optional_hash(params, "filter") or {}
    kind = filter_.get("type")
    grants = state.list_objects(GRANT, lambda grant: grant["customer"] == customer["id"])
    if kind == "credit_grant":
        grant_id = required_string(filter_, "credit_grant")
        grants = [grant for grant in grants if grant["id"] == grant_id]
    elif kind == "applicability_scope":
        scope = _scope(state, {"scope": filter_.get("applicability_scope")}, "filter")
        if scope["prices"] is not None:
            wanted = {item["id"] for item in scope["prices"]}
            grants = [
                grant
                for grant in grants
                if grant["applicability_config"]["scope"]["price_type"] == "metered"
                or wanted
                & {item["id"] for item in grant["applicability_config"]["scope"]["prices"] or []}
            ]
    else:
        raise invalid_request_error(
            "Invalid filter[type]: must be one of applicability_scope or credit_grant",
            param="filter[type]",
        )
    now = state.now()
    totals: dict[str, int] = {}
    for grant in grants:
        if _grant_in_force(grant, now):
            currency = grant["amount"]["monetary"]["currency"]
            totals[currency] = totals.get(currency, 0) + grant_remaining(state, grant)
    return {
        "object": "billing.credit_balance_summary",
        "balances": [
            {
                "available_balance": _monetary(value, currency),
                "ledger_balance": _monetary(value, currency),
            }
            for currency, value in sorted(totals.items())
        ],
        "customer": customer["id"],
        "customer_account": None,
        "livemode": False,
    }


def _transaction_list(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    reject_unknown_parameters(
        params, {"customer", "credit_grant", "limit", "starting_after", "ending_before"}
    )
    customer = required_string(params, "customer")
    grant_id = optional_string(params, "credit_grant")
    grants = {
        grant["id"]
        for grant in state.list_objects(GRANT, lambda grant: grant["customer"] == customer)
    }
    transactions = state.list_objects(
        TRANSACTION,
        lambda transaction: (
            transaction["credit_grant"] in grants
            and (grant_id is None or transaction["credit_grant"] == grant_id)
        ),
    )
    return context.list_response(transactions, "/v1/billing/credit_balance_transactions")


def _transaction_retrieve(context: RequestContext, transaction_id: str) -> dict[str, Any]:
    return context.respond(
        context.state.require(
            transaction_id, TRANSACTION, label="billing.credit_balance_transaction"
        )
    )


# Invoice finalization ------------------------------------------------------------------------


def _application_order(grant: dict[str, Any]) -> tuple[int, float, int]:
    expires_at = grant["expires_at"]
    return (
        grant["priority"],
        float("inf") if expires_at is None else expires_at,
        grant["_sequence"],
    )


def invoice_credits_apply(
    state: EmulatorState, invoice: dict[str, Any], lines: list[dict[str, Any]]
) -> int:
    """Applies the customer's grants in force to the invoice's eligible (metered) lines, as
    Stripe does when it finalizes an invoice; returns the amount applied."""
    now = state.now()
    grants = sorted(
        (
            grant
            for grant in state.list_objects(
                GRANT, lambda grant: grant["customer"] == invoice["customer"]
            )
            if _grant_in_force(grant, now)
            and grant["amount"]["monetary"]["currency"] == invoice["currency"]
        ),
        key=_application_order,
    )
    if not grants:
        return 0
    remaining = {grant["id"]: grant_remaining(state, grant) for grant in grants}
    applied_total = 0
    for line in lines:
        price = state.objects.get(line["pricing"]["price_details"]["price"] or "")
        if price is None:
            continue
        # Credits cover what is left of the line after its discounts.
        owed = (
            line["amount"]
            - sum(discount["amount"] for discount in line.get("discount_amounts") or [])
            - sum(credit["amount"] for credit in line["pretax_credit_amounts"])
        )
        for grant in grants:
            if owed <= 0:
                break
            if remaining[grant["id"]] <= 0 or not _grant_applies_to(grant, price):
                continue
            value = min(owed, remaining[grant["id"]])
            transaction = _transaction_record(
                state,
                grant,
                kind="debit",
                reason="credits_applied",
                value=value,
                details={"invoice": invoice["id"], "invoice_line_item": line["id"]},
            )
            credit = {
                "amount": value,
                "credit_balance_transaction": transaction["id"],
                "discount": None,
                "type": "credit_balance_transaction",
            }
            line["pretax_credit_amounts"].append(credit)
            invoice["total_pretax_credit_amounts"].append(dict(credit))
            remaining[grant["id"]] -= value
            owed -= value
            applied_total += value
    return applied_total


def register_routes(router: Router) -> None:
    router.add("POST", "/v1/billing/credit_grants", _grant_create)
    router.add("GET", "/v1/billing/credit_grants", _grant_list)
    router.add("GET", "/v1/billing/credit_grants/{grant_id}", _grant_retrieve)
    router.add("POST", "/v1/billing/credit_grants/{grant_id}", _grant_update)
    router.add("POST", "/v1/billing/credit_grants/{grant_id}/expire", _grant_expire)
    router.add("POST", "/v1/billing/credit_grants/{grant_id}/void", _grant_void)
    router.add("GET", "/v1/billing/credit_balance_summary", _balance_summary)
    router.add("GET", "/v1/billing/credit_balance_transactions", _transaction_list)
    router.add(
        "GET", "/v1/billing/credit_balance_transactions/{transaction_id}", _transaction_retrieve
    )
