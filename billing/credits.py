"""Prepaid credits: a customer's credit grants, in money or in units of a metric, that its
invoices consume before charging the card.

They live at the provider (Stripe's billing credit grants), which applies them when it
finalizes an invoice, in priority order (0 first), then the earliest to expire; so no ledger of
ours can disagree with what the invoice charged. Stripe applies credits to metered prices only,
and so do we: a base (licensed) price is charged in full whatever the balance.

A `units` grant ("1,000 API calls") is held as money scoped to the metric's metered price of the
customer's current plan: units times its unit price (`unit_amount_decimal`, sub-cent prices
included), which covers exactly the first `units` units of overage beyond the plan's included
quantity. That needs one price per unit (a tiered price has none) and a whole number of minor
units (0.2 cent x 1,001 is not one): anything else answers 400 rather than round.

Every move of a grant's balance is recorded once with its audit event: the grant
(CREATE_CREDIT_GRANT), each invoice's use (USE_CREDIT_GRANT, when the invoice's webhook arrives),
its expiry (EXPIRE_CREDIT_GRANT, when a clock or the periodic sweep passes `expires_at`) and its
voiding (VOID_CREDIT_GRANT). The provider's credit balance transactions are the source of each.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from api.errors import ConflictError, ErrorCode, InvalidRequestError, NotFoundError
from api.ids import new_id
from audit.services import audit_event_record
from billing.audit_actions import BillingAuditAction
from billing.clocks import customer_time
from billing.errors import BillingErrorCode
from billing.models import (
    CreditGrant,
    CreditGrantKind,
    CreditGrantStatus,
    CreditGrantTransaction,
    CreditGrantTransactionKind,
    Customer,
    Invoice,
    Subscription,
)
from billing.providers.base import (
    Capability,
    CreditGrantRequest,
    CreditTransactionKind,
    ProviderError,
)
from billing.providers.capabilities import capability_supported_check
from billing.providers.currencies import currency_supported_check
from billing.providers.errors import api_error_from_provider
from billing.providers.keys import provider_idempotency_key
from billing.providers.registry import provider_for
from billing.selectors import CURRENT_SUBSCRIPTION_STATUSES, customer_get_by_reference
from catalog.models import Metric, PlanMeteredComponent
from tenants.actors import STRIPE, SYSTEM, Actor
from tenants.models import App
from tenants.scoping import TenantScopedQuerySet

logger = logging.getLogger(__name__)

TARGET_TYPE = "credit_grant"
DEFAULT_PRIORITY = 50

_TRANSACTION_KINDS = {
    CreditTransactionKind.USED: CreditGrantTransactionKind.USED,
    CreditTransactionKind.EXPIRED: CreditGrantTransactionKind.EXPIRED,
    CreditTransactionKind.VOIDED: CreditGrantTransactionKind.VOIDED,
}
_AUDIT_ACTIONS = {
    CreditGrantTransactionKind.USED: BillingAuditAction.USE_CREDIT_GRANT,
    CreditGrantTransactionKind.EXPIRED: BillingAuditAction.EXPIRE_CREDIT_GRANT,
    CreditGrantTransactionKind.VOIDED: BillingAuditAction.VOID_CREDIT_GRANT,
}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def credit_grant_units_for(grant: CreditGrant, amount_minor: int) -> int | None:
    """A units grant's money as whole units (rounded down); None for a money grant."""
    if grant.kind != CreditGrantKind.UNITS or not grant.unit_amount_decimal:
        return None
    return int(Decimal(amount_minor) / grant.unit_amount_decimal)


def credit_grant_remaining_minor(grant: CreditGrant) -> int:
    if grant.status != CreditGrantStatus.ACTIVE:
        return 0
    return max(grant.amount_minor - grant.used_minor, 0)


def credit_grant_snapshot(grant: CreditGrant) -> dict[str, Any]:
    return {
        "id": grant.pk,
        "customer": grant.customer_id,
        "kind": grant.kind,
        "currency": grant.currency,
        "amount": grant.amount_minor,
        "units": grant.units,
        "metric": grant.metric.code if grant.metric_id and grant.metric else None,
        "priority": grant.priority,
        "expires_at": _iso(grant.expires_at),
        "status": grant.status,
        "used": grant.used_minor,
        "lapsed": grant.lapsed_minor,
        "provider_credit_grant_id": grant.provider_credit_grant_id,
    }


def _transaction_snapshot(entry: CreditGrantTransaction) -> dict[str, Any]:
    grant = entry.grant
    return {
        "id": entry.pk,
        "credit_grant": grant.pk,
        "kind": entry.kind,
        "amount": entry.amount_minor,
        "units": credit_grant_units_for(grant, entry.amount_minor),
        "currency": grant.currency,
        "invoice": entry.invoice_id,
        "provider_transaction_id": entry.provider_transaction_id,
        "effective_at": _iso(entry.effective_at),
        "grant": credit_grant_snapshot(grant),
    }


# Reads


def credit_grant_list(*, app: App, customer: Customer) -> TenantScopedQuerySet[CreditGrant]:
    return (
        CreditGrant.objects.for_app(app)
        .filter(customer=customer)
        .exclude(provider_credit_grant_id="")
        .select_related("metric")
        .order_by("-created_at", "-id")
    )


def credit_grant_get(*, app: App, customer: Customer, credit_grant_id: str) -> CreditGrant:
    grant = credit_grant_list(app=app, customer=customer).filter(pk=credit_grant_id).first()
    if grant is None:
        raise NotFoundError("credit grant")
    return grant


def credit_grant_transactions(*, app: App, grant: CreditGrant) -> list[CreditGrantTransaction]:
    return list(
        CreditGrantTransaction.objects.for_app(app)
        .filter(grant=grant)
        .select_related("grant")
        .order_by("effective_at", "id")
    )


@dataclass(frozen=True, kw_only=True)
class CreditBalance:
    customer_id: str
    # One entry per currency: the money grants' and units grants' money left.
    money: list[dict[str, Any]]
    # One entry per metric: the units grants' units left.
    units: list[dict[str, Any]]
    grants: list[CreditGrant]


def credit_balance_get(*, app: App, customer_reference: str) -> CreditBalance:
    """What the customer's grants in force have left, at the customer's time (an expiry the
    sweep has not recorded yet already counts)."""
    customer = customer_get_by_reference(app=app, reference=customer_reference)
    now = customer_time(customer=customer)
    grants = [
        grant
        for grant in credit_grant_list(app=app, customer=customer).filter(
            status=CreditGrantStatus.ACTIVE
        )
        if grant.expires_at is None or grant.expires_at > now
    ]
    money: dict[str, int] = {}
    units: dict[str, int] = {}
    for grant in grants:
        remaining = credit_grant_remaining_minor(grant)
        money[grant.currency] = money.get(grant.currency, 0) + remaining
        if grant.kind == CreditGrantKind.UNITS and grant.metric is not None:
            units[grant.metric.code] = units.get(grant.metric.code, 0) + (
                credit_grant_units_for(grant, remaining) or 0
            )
    return CreditBalance(
        customer_id=customer.pk,
        money=[{"currency": code, "available": value} for code, value in sorted(money.items())],
        units=[{"metric": code, "available": value} for code, value in sorted(units.items())],
        grants=grants,
    )


# Writes


def _metered_price_for_units(
    *, app: App, customer: Customer, metric_code: str, units: int
) -> tuple[Metric, PlanMeteredComponent, int]:
    """The metric's metered price on the customer's current plan version, and the money that
    `units` of it cost."""
    metric = Metric.objects.for_app(app).filter(code=metric_code).first()
    if metric is None:
        raise InvalidRequestError(
            f"No such metric: {metric_code!r}.", code=ErrorCode.RESOURCE_MISSING, param="metric"
        )
    subscription = (
        Subscription.objects.for_app(app)
        .filter(customer=customer, status__in=CURRENT_SUBSCRIPTION_STATUSES)
        .order_by("-created_at")
        .first()
    )
    component = (
        PlanMeteredComponent.objects.for_app(app)
        .filter(plan_version_id=subscription.plan_version_id, metric=metric)
        .first()
        if subscription is not None
        else None
    )
    if component is None or not component.provider_price_id:
        raise InvalidRequestError(
            "A units grant applies to the metric's metered price on the customer's current "
            "plan, and it has none.",
            param="metric",
        )
    if component.tiers:
        raise InvalidRequestError(
            "The metric's price is tiered: it has no single unit price to hold units at.",
            param="metric",
        )
    unit_price = (
        component.unit_amount_decimal
        if component.unit_amount_decimal is not None
        else Decimal(component.unit_amount or 0)
    )
    amount = unit_price * units
    if unit_price <= 0 or amount != amount.to_integral_value():
        raise InvalidRequestError(
            f"{units} units at {unit_price.normalize()} minor units each are not a whole number "
            "of minor units; grant a number of units that is.",
            param="units",
        )
    return metric, component, int(amount)


def credit_grant_create(
    *,
    app: App,
    actor: Actor,
    customer_reference: str,
    amount: int | None = None,
    currency: str | None = None,
    units: int | None = None,
    metric: str | None = None,
    priority: int = DEFAULT_PRIORITY,
    expires_at: datetime | None = None,
    name: str = "",
    request_key: str | None = None,
) -> CreditGrant:
    """Grants money (`amount` + `currency`) or units of a metric (`units` + `metric`) at the
    provider, answered once it holds them."""
    capability_supported_check(app=app, capability=Capability.CREDIT_GRANTS, param=None)
    customer = customer_get_by_reference(app=app, reference=customer_reference)
    if (amount is None) == (units is None):
        raise InvalidRequestError(
            "Grant money (amount and currency) or units of a metric (units and metric); "
            "exactly one.",
            code=ErrorCode.PARAMETERS_EXCLUSIVE,
            param="amount",
        )
    if expires_at is not None and expires_at <= customer_time(customer=customer):
        raise InvalidRequestError(
            "expires_at must be in the future (at the customer's time).", param="expires_at"
        )
    if request_key:
        existing = CreditGrant.objects.for_app(app).filter(request_key=request_key).first()
        if existing is not None and existing.provider_credit_grant_id:
            return existing
    metered_metric = None
    unit_amount_decimal = None
    price_references: list[str] = []
    if units is not None:
        if not metric:
            raise InvalidRequestError("A units grant names its metric.", param="metric")
        if currency:
            raise InvalidRequestError(
                "A units grant is in the plan's currency; leave currency out.", param="currency"
            )
        metered_metric, component, amount_minor = _metered_price_for_units(
            app=app, customer=customer, metric_code=metric, units=units
        )
        unit_amount_decimal = (
            component.unit_amount_decimal
            if component.unit_amount_decimal is not None
            else Decimal(component.unit_amount or 0)
        )
        currency = component.plan_version.plan.currency
        price_references = [component.provider_price_id]
    else:
        if metric:
            raise InvalidRequestError("A money grant names no metric.", param="metric")
        if not currency:
            raise InvalidRequestError(
                "A money grant names its currency.",
                code=ErrorCode.PARAMETER_MISSING,
                param="currency",
            )
        currency_supported_check(app=app, currency=currency)
        amount_minor = amount  # type: ignore[assignment]  # not None: exactly one was given
    if not customer.provider_customer_id:
        raise ConflictError(
            "The customer is not at the provider yet; retry shortly.",
            code=BillingErrorCode.CUSTOMER_NOT_SYNCED,
            param="customer",
        )
    grant_id = new_id("cg")
    try:
        with transaction.atomic():
            grant = CreditGrant(
                id=grant_id,
                app=app,
                customer=customer,
                kind=CreditGrantKind.UNITS if units is not None else CreditGrantKind.MONETARY,
                currency=currency,
                amount_minor=amount_minor,
                units=units,
                metric=metered_metric,
                unit_amount_decimal=unit_amount_decimal,
                provider_price_ids=price_references,
                priority=priority,
                name=name,
                expires_at=expires_at,
                request_key=request_key,
            )
            result = provider_for(app=app).credit_grant_create(
                CreditGrantRequest(
                    idempotency_key=provider_idempotency_key(
                        app_id=app.pk,
                        request_key=request_key,
                        object_id=grant_id,
                        operation="credit_grant",
                    ),
                    app_id=app.pk,
                    credit_grant_id=grant_id,
                    customer_reference=customer.provider_customer_id,
                    amount_minor=amount_minor,
                    currency=currency,
                    price_references=price_references,
                    priority=priority,
                    expires_at=expires_at,
                    name=name,
                )
            )
            grant.provider_credit_grant_id = result.provider_reference
            grant.save()
            audit_event_record(
                app=app,
                actor=actor,
                action_type=BillingAuditAction.CREATE_CREDIT_GRANT,
                target_type=TARGET_TYPE,
                target_id=grant.pk,
                payload_snapshot=credit_grant_snapshot(grant),
            )
    except IntegrityError:
        # A concurrent retry with the same key made it first; answer that one.
        grant = CreditGrant.objects.for_app(app).get(request_key=request_key)
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    return grant


def _grant_end(
    *, app: App, actor: Actor, customer_reference: str, credit_grant_id: str, void: bool
) -> CreditGrant:
    capability_supported_check(app=app, capability=Capability.CREDIT_GRANTS, param=None)
    customer = customer_get_by_reference(app=app, reference=customer_reference)
    grant = credit_grant_get(app=app, customer=customer, credit_grant_id=credit_grant_id)
    if grant.status != CreditGrantStatus.ACTIVE:
        raise ConflictError(
            f"The credit grant is {grant.status} already.",
            code=BillingErrorCode.CREDIT_GRANT_ENDED,
        )
    provider = provider_for(app=app)
    key = provider_idempotency_key(
        app_id=app.pk,
        request_key=None,
        object_id=grant.pk,
        operation="credit_grant_void" if void else "credit_grant_expire",
    )
    try:
        if void:
            provider.credit_grant_void(
                provider_reference=grant.provider_credit_grant_id, idempotency_key=key
            )
        else:
            provider.credit_grant_expire(
                provider_reference=grant.provider_credit_grant_id, idempotency_key=key
            )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    credit_grants_sync_for_customer(
        app=app,
        customer=customer,
        actor=actor,
        grant_ids=[grant.pk],
        ended=CreditGrantStatus.VOIDED if void else CreditGrantStatus.EXPIRED,
    )
    grant.refresh_from_db()
    return grant


def credit_grant_void(
    *, app: App, actor: Actor, customer_reference: str, credit_grant_id: str
) -> CreditGrant:
    """Ends the grant now: what is left of it is no longer applied (VOID_CREDIT_GRANT)."""
    return _grant_end(
        app=app,
        actor=actor,
        customer_reference=customer_reference,
        credit_grant_id=credit_grant_id,
        void=True,
    )


def credit_grant_expire(
    *, app: App, actor: Actor, customer_reference: str, credit_grant_id: str
) -> CreditGrant:
    """Expires the grant now, as reaching its `expires_at` would (EXPIRE_CREDIT_GRANT)."""
    return _grant_end(
        app=app,
        actor=actor,
        customer_reference=customer_reference,
        credit_grant_id=credit_grant_id,
        void=False,
    )


# From the provider


def credit_grants_sync_for_customer(
    *,
    app: App,
    customer: Customer,
    actor: Actor = STRIPE,
    grant_ids: list[str] | None = None,
    ended: str | None = None,
) -> int:
    """Records what the provider's credit balance transactions say happened to the
    customer's grants (uses, expiry, voiding) and was not recorded yet, each once with its
    audit event. Idempotent: run from an invoice's webhook, a clock's advance, the sweep and
    the void/expire routes alike. Answers how many moves it recorded."""
    grants = (
        CreditGrant.objects.for_app(app)
        .filter(customer=customer)
        .exclude(provider_credit_grant_id="")
    )
    if grant_ids is not None:
        grants = grants.filter(pk__in=grant_ids)
    provider = provider_for(app=app)
    recorded = 0
    for grant in grants.select_related("metric"):
        try:
            moves = provider.credit_transactions_list(
                customer_reference=customer.provider_customer_id,
                grant_reference=grant.provider_credit_grant_id,
            )
        except ProviderError as error:
            logger.warning("Credit grant %s not readable: %s", grant.pk, error.message)
            continue
        for move in moves:
            kind = _TRANSACTION_KINDS.get(move.kind)
            if kind is None:
                continue
            recorded += _transaction_record(app=app, actor=actor, grant_id=grant.pk, move=move)
        if ended is not None:
            _grant_mark_ended(app=app, actor=actor, grant_id=grant.pk, status=ended)
    return recorded


def _grant_mark_ended(*, app: App, actor: Actor, grant_id: str, status: str) -> None:
    """A grant that ended with nothing left has no transaction to record its end; its status
    changes here, with its audit event, unless a transaction already did."""
    with transaction.atomic():
        grant = CreditGrant.objects.for_app(app).select_for_update().get(pk=grant_id)
        if grant.status != CreditGrantStatus.ACTIVE:
            return
        # Whatever the provider did not debit (it expires a grant on its own clock, lazily)
        # lapses with it.
        grant.lapsed_minor += max(grant.amount_minor - grant.used_minor - grant.lapsed_minor, 0)
        grant.status = status
        grant.ended_at = customer_time(customer=grant.customer)
        grant.save(update_fields=["status", "ended_at", "lapsed_minor", "updated_at"])
        audit_event_record(
            app=app,
            actor=actor,
            action_type=BillingAuditAction.VOID_CREDIT_GRANT
            if status == CreditGrantStatus.VOIDED
            else BillingAuditAction.EXPIRE_CREDIT_GRANT,
            target_type=TARGET_TYPE,
            target_id=grant.pk,
            payload_snapshot={"grant": credit_grant_snapshot(grant), "amount": grant.lapsed_minor},
        )


def _transaction_record(*, app: App, actor: Actor, grant_id: str, move: Any) -> int:
    kind = _TRANSACTION_KINDS[move.kind]
    with transaction.atomic():
        grant = (
            CreditGrant.objects.for_app(app)
            .select_for_update(of=("self",))
            .select_related("metric")
            .get(pk=grant_id)
        )
        if (
            CreditGrantTransaction.objects.for_app(app)
            .filter(provider_transaction_id=move.provider_reference)
            .exists()
        ):
            return 0
        invoice = (
            Invoice.objects.for_app(app).filter(provider_invoice_id=move.invoice_reference).first()
            if move.invoice_reference
            else None
        )
        entry = CreditGrantTransaction.objects.create(
            app=app,
            grant=grant,
            kind=kind,
            amount_minor=move.amount_minor,
            invoice=invoice,
            provider_invoice_id=move.invoice_reference,
            provider_transaction_id=move.provider_reference,
            effective_at=move.effective_at,
        )
        if kind == CreditGrantTransactionKind.USED:
            grant.used_minor += move.amount_minor
        else:
            grant.lapsed_minor += move.amount_minor
            grant.status = (
                CreditGrantStatus.EXPIRED
                if kind == CreditGrantTransactionKind.EXPIRED
                else CreditGrantStatus.VOIDED
            )
            grant.ended_at = move.effective_at
        grant.save()
        audit_event_record(
            app=app,
            actor=actor,
            action_type=_AUDIT_ACTIONS[kind],
            target_type=TARGET_TYPE,
            target_id=grant.pk,
            payload_snapshot=_transaction_snapshot(entry),
        )
    return 1


def credit_grants_sync_for_invoice(*, invoice: Invoice, transaction_references: list[str]) -> int:
    """An invoice that applied credits: its customer's grants are read again at the provider,
    so each use is recorded (linked to the invoice) once. Once every use it names is recorded,
    its later events (finalized, paid, redeliveries) ask the provider nothing."""
    if not transaction_references:
        return 0
    recorded = CreditGrantTransaction.objects.for_app(invoice.app).filter(
        provider_transaction_id__in=transaction_references
    )
    if recorded.count() == len(set(transaction_references)):
        return 0
    return credit_grants_sync_for_customer(app=invoice.app, customer=invoice.customer)


def credit_grants_sync_for_test_clock(*, app: App, test_clock_id: str) -> int:
    """A test clock moved: its customers' grants may have been used or have expired."""
    customers = Customer.objects.for_app(app).filter(
        test_clock_id=test_clock_id,
        pk__in=CreditGrant.objects.for_app(app)
        .filter(status=CreditGrantStatus.ACTIVE)
        .values("customer_id"),
    )
    return sum(
        credit_grants_sync_for_customer(app=app, customer=customer, actor=SYSTEM)
        for customer in customers
    )


def credit_grants_expire_due(*, now: datetime | None = None) -> int:
    """The periodic sweep: grants past their `expires_at` (at their customer's time) whose
    expiry is not recorded yet are read again at the provider, which debited their rest."""
    now = now or timezone.now()
    due = (
        CreditGrant.objects.all_tenants()
        .filter(status=CreditGrantStatus.ACTIVE, expires_at__isnull=False)
        .filter(Q(customer__test_clock__isnull=False) | Q(expires_at__lte=now))
        .select_related("app", "customer")
    )
    recorded = 0
    for grant in due:
        customer = grant.customer
        at = now if customer.test_clock_id is None else customer_time(customer=customer)
        if grant.expires_at is None or grant.expires_at > at:
            continue
        recorded += credit_grants_sync_for_customer(
            app=grant.app,
            customer=customer,
            actor=SYSTEM,
            grant_ids=[grant.pk],
            ended=CreditGrantStatus.EXPIRED,
        )
    return recorded


def credit_grants_on_test_clock_ready(
    sender: Any, *, app: App, test_clock_id: str, **kwargs: Any
) -> None:
    """billing.signals.test_clock_ready: the clock's customers' grants may have been used or
    have expired on the way."""
    credit_grants_sync_for_test_clock(app=app, test_clock_id=test_clock_id)
