"""Writes of the catalog's plans (their versions and prices) and their sync to the provider;
metrics and their meters are in catalog/metrics.py.

A plan's prices live in versions: a price change makes a new version with new provider prices;
subscriptions keep the version they started on. Provider calls for a plan run inside the
plan's own transaction: a provider outage answers 502 and leaves nothing behind, and the
derived idempotency keys make a retry reuse what the provider already made."""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import uuid4

from django.db import IntegrityError, transaction

from api.errors import ConflictError, ErrorCode, InvalidRequestError
from audit.services import audit_event_record
from billing.providers.base import (
    PaymentProvider,
    PriceRequest,
    PriceTier,
    ProductRequest,
    ProviderError,
)
from billing.providers.capabilities import plan_capabilities_check
from billing.providers.currencies import currency_supported_check
from billing.providers.errors import api_error_from_provider
from billing.providers.keys import provider_idempotency_key
from billing.providers.pending import (
    SyncState,
)
from billing.providers.registry import provider_for
from catalog.audit_actions import CatalogAuditAction
from catalog.errors import CatalogErrorCode
from catalog.features import plan_features_split
from catalog.metrics import metric_provider_sync
from catalog.models import Metric, Plan, PlanMeteredComponent, PlanVersion, decimal_text
from catalog.selectors import plan_get
from tenants.actors import Actor
from tenants.models import App

logger = logging.getLogger(__name__)

PRICE_FIELDS = ("base", "metered")


@dataclass(frozen=True, kw_only=True)
class MeteredInput:
    metric: str
    unit_amount: int | None = None
    # A unit price in fractions of the minor unit (Stripe's unit_amount_decimal).
    unit_amount_decimal: Decimal | None = None
    tiers: list[dict[str, Any]] | None = None
    included_quantity: int = 0


@dataclass(kw_only=True)
class SyncReport:
    created: list[str] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)
    imported: list[str] = field(default_factory=list)


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    version = plan.current_version
    return {
        "id": plan.pk,
        "code": plan.code,
        "name": plan.name,
        "currency": plan.currency,
        "version": version.version if version else None,
        "base_amount": version.base_amount if version else None,
        "interval": version.interval if version else None,
        "metered": [
            {
                "metric": component.metric.code,
                "unit_amount": component.unit_amount,
                "unit_amount_decimal": (
                    decimal_text(component.unit_amount_decimal)
                    if component.unit_amount_decimal is not None
                    else None
                ),
                "tiers": component.tiers,
                "included_quantity": component.included_quantity,
            }
            for component in (version.metered.all() if version else [])
        ],
        "quotas": plan.quotas,
        "features": plan.features,
        "trial_period_days": plan.trial_period_days,
        "grace_period_days": plan.grace_period_days,
        "is_active": plan.is_active,
    }


# Metrics

# A metric younger than this is probably still being synced by the request that created it.


# Plans: validation


def _metrics_by_code(*, app: App, codes: list[str], param: str) -> dict[str, Metric]:
    metrics = {metric.code: metric for metric in Metric.objects.for_app(app).filter(code__in=codes)}
    for code in codes:
        if code not in metrics:
            raise InvalidRequestError(
                f"No such metric: {code!r}.", code=ErrorCode.RESOURCE_MISSING, param=param
            )
    return metrics


def _price_tiers(component: MeteredInput) -> list[PriceTier]:
    """The provider's graduated tiers for a metered component: the included quantity is a free
    first tier, then the component's own tiers (or its unit price) shifted past it."""
    included = component.included_quantity
    tiers: list[PriceTier] = []
    if included:
        tiers.append(PriceTier(up_to=included, unit_amount=0))
    if component.tiers:
        for tier in component.tiers:
            up_to = tier.get("up_to")
            unit_amount_decimal = tier.get("unit_amount_decimal")
            tiers.append(
                PriceTier(
                    up_to=None if up_to is None else up_to + included,
                    unit_amount=tier.get("unit_amount") or 0,
                    unit_amount_decimal=(
                        Decimal(unit_amount_decimal) if unit_amount_decimal is not None else None
                    ),
                    flat_amount=tier.get("flat_amount", 0),
                )
            )
    elif included:
        tiers.append(
            PriceTier(
                up_to=None,
                unit_amount=component.unit_amount or 0,
                unit_amount_decimal=component.unit_amount_decimal,
            )
        )
    return tiers


def _tiers_stored(tiers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tiers as the plan keeps them (JSON): each with one unit price, a decimal one as text."""
    stored = []
    for tier in tiers:
        unit_amount_decimal = tier.get("unit_amount_decimal")
        stored.append(
            {
                "up_to": tier.get("up_to"),
                "unit_amount": None
                if unit_amount_decimal is not None
                else tier.get("unit_amount") or 0,
                "unit_amount_decimal": None
                if unit_amount_decimal is None
                else decimal_text(Decimal(unit_amount_decimal)),
                "flat_amount": tier.get("flat_amount") or 0,
            }
        )
    return stored


def _validate_tiers(tiers: list[dict[str, Any]], param: str) -> None:
    previous = 0
    for index, tier in enumerate(tiers):
        up_to = tier.get("up_to")
        if tier.get("unit_amount") is not None and tier.get("unit_amount_decimal") is not None:
            raise InvalidRequestError(
                "You may only specify one of these parameters: unit_amount, unit_amount_decimal.",
                code=ErrorCode.PARAMETERS_EXCLUSIVE,
                param=f"{param}.{index}.unit_amount_decimal",
            )
        last = index == len(tiers) - 1
        if up_to is None and not last:
            raise InvalidRequestError(
                "Only the last tier may be unbounded.", param=f"{param}.{index}.up_to"
            )
        if last and up_to is not None:
            raise InvalidRequestError(
                "The last tier must have up_to null.", param=f"{param}.{index}.up_to"
            )
        if up_to is not None and up_to <= previous:
            raise InvalidRequestError("Tiers must increase.", param=f"{param}.{index}.up_to")
        previous = up_to or previous


def _validate_prices(
    *, base: dict[str, Any] | None, metered: list[MeteredInput], quotas: dict[str, int]
) -> None:
    if not base and not metered:
        raise InvalidRequestError(
            "A plan needs a base price, metered prices, or both.", param="base"
        )
    codes = [component.metric for component in metered]
    if len(set(codes)) != len(codes):
        raise InvalidRequestError("A metric may appear once in metered.", param="metered")
    for index, component in enumerate(metered):
        if component.unit_amount is not None and component.unit_amount_decimal is not None:
            raise InvalidRequestError(
                "You may only specify one of these parameters: unit_amount, unit_amount_decimal.",
                code=ErrorCode.PARAMETERS_EXCLUSIVE,
                param=f"metered.{index}.unit_amount_decimal",
            )
        unit_price = (
            component.unit_amount
            if component.unit_amount_decimal is None
            else component.unit_amount_decimal
        )
        if (unit_price is None) == (component.tiers is None):
            raise InvalidRequestError(
                "Give either unit_amount (or unit_amount_decimal) or tiers.",
                param=f"metered.{index}.unit_amount",
            )
        if component.tiers is not None:
            _validate_tiers(component.tiers, f"metered.{index}.tiers")


# Plans: provider sync


def _product_request(plan: Plan, key: str) -> ProductRequest:
    return ProductRequest(
        idempotency_key=key,
        app_id=plan.app_id,
        plan_id=plan.pk,
        plan_code=plan.code,
        name=plan.name,
        active=plan.is_active,
    )


def _version_sync(
    *,
    provider: PaymentProvider,
    plan: Plan,
    version: PlanVersion,
    key_basis: str | None,
    report: SyncReport,
) -> None:
    def key(operation: str) -> str:
        return provider_idempotency_key(
            app_id=plan.app_id, request_key=key_basis, object_id=plan.pk, operation=operation
        )

    if version.base_amount is not None and not version.provider_base_price_id:
        price = provider.price_create(
            PriceRequest(
                idempotency_key=key(f"price_v{version.version}_base"),
                app_id=plan.app_id,
                plan_id=plan.pk,
                plan_code=plan.code,
                plan_version=version.version,
                product_reference=plan.provider_product_id,
                currency=plan.currency,
                interval=version.interval,
                interval_count=version.interval_count,
                unit_amount=version.base_amount,
                trial_period_days=plan.trial_period_days,
            )
        )
        version.provider_base_price_id = price.provider_reference
        version.save(update_fields=["provider_base_price_id"])
        report.created.append(
            f"price {price.provider_reference} ({plan.code} v{version.version} base)"
        )
    for component in version.metered.select_related("metric"):
        if component.provider_price_id:
            continue
        metric = component.metric
        if not metric.provider_meter_id:
            raise ConflictError(
                f"Metric {metric.code!r} has no provider meter yet; retry shortly.",
                code=CatalogErrorCode.METRIC_NOT_SYNCED,
                param="metered",
            )
        metered_input = MeteredInput(
            metric=metric.code,
            unit_amount=component.unit_amount,
            unit_amount_decimal=component.unit_amount_decimal,
            tiers=component.tiers,
            included_quantity=component.included_quantity,
        )
        price = provider.price_create(
            PriceRequest(
                idempotency_key=key(f"price_v{version.version}_{metric.code}"),
                app_id=plan.app_id,
                plan_id=plan.pk,
                plan_code=plan.code,
                plan_version=version.version,
                product_reference=plan.provider_product_id,
                currency=plan.currency,
                interval=version.interval,
                interval_count=version.interval_count,
                unit_amount=component.unit_amount,
                unit_amount_decimal=component.unit_amount_decimal,
                meter_reference=metric.provider_meter_id,
                metric_code=metric.code,
                tiers=_price_tiers(metered_input),
            )
        )
        component.provider_price_id = price.provider_reference
        component.save(update_fields=["provider_price_id"])
        report.created.append(
            f"price {price.provider_reference} ({plan.code} v{version.version} {metric.code})"
        )


def _plan_sync(
    *, plan: Plan, key_basis: str | None, report: SyncReport, known: set[str] | None = None
) -> None:
    """Makes what the provider lacks for this plan. `known` is the set of references the
    provider answered in a listing; a reference we hold that it no longer has is made again."""
    provider = provider_for(app=plan.app)
    drift_before = len(report.drift)
    if known is not None:
        if plan.provider_product_id and plan.provider_product_id not in known:
            report.drift.append(
                f"product {plan.provider_product_id} of {plan.code} missing at provider"
            )
            plan.provider_product_id = ""
        for version in plan.versions.all():
            if version.provider_base_price_id and version.provider_base_price_id not in known:
                report.drift.append(
                    f"price {version.provider_base_price_id} of {plan.code} missing at provider"
                )
                version.provider_base_price_id = ""
                version.save(update_fields=["provider_base_price_id"])
            for component in version.metered.all():
                if component.provider_price_id and component.provider_price_id not in known:
                    report.drift.append(
                        f"price {component.provider_price_id} of {plan.code} missing at provider"
                    )
                    component.provider_price_id = ""
                    component.save(update_fields=["provider_price_id"])
    if len(report.drift) > drift_before:
        # What the provider lost is made anew: fresh keys, or Stripe would replay the old ids.
        key_basis = f"resync-{uuid4().hex}"
    if not plan.provider_product_id:
        product = provider.product_upsert(
            _product_request(
                plan,
                provider_idempotency_key(
                    app_id=plan.app_id,
                    request_key=key_basis,
                    object_id=plan.pk,
                    operation="product",
                ),
            )
        )
        plan.provider_product_id = product.provider_reference
        report.created.append(f"product {product.provider_reference} ({plan.code})")
    versions: list[PlanVersion | None] = (
        [plan.current_version] if known is None else list(plan.versions.all())
    )
    for listed in versions:
        if listed is not None:
            _version_sync(
                provider=provider, plan=plan, version=listed, key_basis=key_basis, report=report
            )
    plan.sync_state = SyncState.SYNCED
    plan.save(update_fields=["provider_product_id", "sync_state", "updated_at"])


def _version_create(
    *,
    plan: Plan,
    number: int,
    base: dict[str, Any] | None,
    metered: list[MeteredInput],
    metrics: dict[str, Metric],
) -> PlanVersion:
    version = PlanVersion.objects.create(
        app=plan.app,
        plan=plan,
        version=number,
        base_amount=base["amount"] if base else None,
        interval=(base or {}).get("interval", "month"),
        interval_count=(base or {}).get("interval_count", 1),
    )
    for component in metered:
        PlanMeteredComponent.objects.create(
            app=plan.app,
            plan_version=version,
            metric=metrics[component.metric],
            unit_amount=component.unit_amount,
            unit_amount_decimal=component.unit_amount_decimal,
            tiers=_tiers_stored(component.tiers) if component.tiers is not None else None,
            included_quantity=component.included_quantity,
        )
    return version


# Plans: writes


def plan_create(
    *,
    app: App,
    actor: Actor,
    code: str,
    name: str,
    currency: str,
    base: dict[str, Any] | None = None,
    metered: list[dict[str, Any]] | None = None,
    quotas: dict[str, int] | None = None,
    features: dict[str, Any] | None = None,
    trial_period_days: int = 0,
    grace_period_days: int = 7,
    description: str = "",
    metadata: dict[str, str] | None = None,
    request_key: str | None = None,
) -> Plan:
    """Creates the plan, its first version and their provider product and prices in one step:
    if the provider fails, nothing is left behind. Like customers (and unlike payments and
    subscriptions, `billing/providers/pending.py`), a plan moves no money and is useless until
    the provider has its prices, so an outage answers 502 and the app's retry (its
    Idempotency-Key derives the provider keys) makes each provider object once."""
    currency_supported_check(app=app, currency=currency)
    plan_capabilities_check(app=app, base=bool(base), metered=bool(metered))
    metered_inputs = [MeteredInput(**component) for component in metered or []]
    quotas = quotas or {}
    grants, metered_quotas = plan_features_split(app=app, features=features or {}, quotas=quotas)
    quotas = {**quotas, **metered_quotas}
    _validate_prices(base=base, metered=metered_inputs, quotas=quotas)
    metrics = _metrics_by_code(
        app=app, codes=[component.metric for component in metered_inputs], param="metered"
    )
    _metrics_by_code(app=app, codes=list(quotas), param="quotas")
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                app=app,
                code=code,
                name=name,
                description=description,
                currency=currency,
                trial_period_days=trial_period_days,
                grace_period_days=grace_period_days,
                quotas=quotas,
                features=grants,
                metadata=metadata or {},
            )
            plan.current_version = _version_create(
                plan=plan, number=1, base=base, metered=metered_inputs, metrics=metrics
            )
            plan.save(update_fields=["current_version"])
            _plan_sync(plan=plan, key_basis=request_key, report=SyncReport())
            audit_event_record(
                app=app,
                actor=actor,
                action_type=CatalogAuditAction.CREATE_PLAN,
                target_type="plan",
                target_id=plan.pk,
                payload_snapshot=plan_snapshot(plan),
            )
    except IntegrityError:
        raise ConflictError(
            f"A plan with code {code!r} already exists.",
            code=CatalogErrorCode.PLAN_CODE_TAKEN,
            param="code",
        ) from None
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    return plan_get(app=app, plan_id=plan.pk)


def plan_update(
    *, app: App, actor: Actor, plan_id: str, request_key: str | None = None, **changes: Any
) -> Plan:
    """Name, description, trial, grace, quotas, features and metadata change in place (for
    every subscription on the plan, as quotas do); a change of `base`
    or `metered` makes a new version (with new provider prices) that new subscriptions get."""
    plan = plan_get(app=app, plan_id=plan_id)
    if not plan.is_active:
        raise ConflictError("An archived plan cannot change.", code=CatalogErrorCode.PLAN_ARCHIVED)
    quotas = changes.get("quotas")
    if "features" in changes:
        grants, metered_quotas = plan_features_split(
            app=app, features=changes["features"] or {}, quotas=quotas
        )
        changes["features"] = grants
        if metered_quotas:
            quotas = changes["quotas"] = {
                **(plan.quotas if quotas is None else quotas),
                **metered_quotas,
            }
    if quotas is not None:
        _metrics_by_code(app=app, codes=list(quotas), param="quotas")
    price_change = any(key in changes for key in PRICE_FIELDS)
    metrics: dict[str, Metric] = {}
    metered_inputs: list[MeteredInput] = []
    base = None
    if price_change:
        current = plan.current_version
        base = changes.pop("base", None) if "base" in changes else _current_base(current)
        metered_raw = (
            changes.pop("metered", None) if "metered" in changes else _current_metered(current)
        )
        metered_inputs = [MeteredInput(**component) for component in metered_raw or []]
        _validate_prices(base=base, metered=metered_inputs, quotas=quotas or plan.quotas)
        metrics = _metrics_by_code(
            app=app, codes=[component.metric for component in metered_inputs], param="metered"
        )
    try:
        with transaction.atomic():
            plan = Plan.objects.for_app(app).select_for_update().get(pk=plan.pk)
            for key, value in changes.items():
                setattr(plan, key, value)
            plan.save()
            provider = provider_for(app=app)
            if "name" in changes and plan.provider_product_id:
                provider.product_upsert(
                    _product_request(
                        plan,
                        provider_idempotency_key(
                            app_id=app.pk,
                            request_key=request_key,
                            object_id=f"{plan.pk}:{plan.updated_at.timestamp()}",
                            operation="product_update",
                        ),
                    ),
                    provider_reference=plan.provider_product_id,
                )
            if price_change:
                previous = plan.current_version
                number = (
                    plan.versions.order_by("-version").values_list("version", flat=True).first()
                    or 0
                ) + 1
                plan.current_version = _version_create(
                    plan=plan, number=number, base=base, metered=metered_inputs, metrics=metrics
                )
                plan.save(update_fields=["current_version", "updated_at"])
                _plan_sync(plan=plan, key_basis=request_key, report=SyncReport())
                _version_prices_deactivate(provider=provider, version=previous)
            audit_event_record(
                app=app,
                actor=actor,
                action_type=CatalogAuditAction.UPDATE_PLAN,
                target_type="plan",
                target_id=plan.pk,
                payload_snapshot={
                    "changes": sorted(changes) + (["prices"] if price_change else []),
                    "plan": plan_snapshot(plan),
                },
            )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    return plan_get(app=app, plan_id=plan.pk)


def _current_base(version: PlanVersion | None) -> dict[str, Any] | None:
    if version is None or version.base_amount is None:
        return None
    return {
        "amount": version.base_amount,
        "interval": version.interval,
        "interval_count": version.interval_count,
    }


def _current_metered(version: PlanVersion | None) -> list[dict[str, Any]]:
    if version is None:
        return []
    return [
        {
            "metric": component.metric.code,
            "unit_amount": component.unit_amount,
            "unit_amount_decimal": component.unit_amount_decimal,
            "tiers": component.tiers,
            "included_quantity": component.included_quantity,
        }
        for component in version.metered.select_related("metric")
    ]


def _version_prices_deactivate(*, provider: PaymentProvider, version: PlanVersion | None) -> None:
    """Old prices stop being offered; subscriptions already on them keep them."""
    if version is None:
        return
    references = [version.provider_base_price_id] + [
        c.provider_price_id for c in version.metered.all()
    ]
    for reference in filter(None, references):
        provider.price_deactivate(provider_reference=reference)


def plan_archive(*, app: App, actor: Actor, plan_id: str, request_key: str | None = None) -> Plan:
    plan = plan_get(app=app, plan_id=plan_id)
    try:
        with transaction.atomic():
            plan = Plan.objects.for_app(app).select_for_update().get(pk=plan.pk)
            if not plan.is_active:
                return plan_get(app=app, plan_id=plan.pk)
            plan.is_active = False
            plan.save(update_fields=["is_active", "updated_at"])
            provider = provider_for(app=app)
            if plan.provider_product_id:
                provider.product_upsert(
                    _product_request(
                        plan,
                        provider_idempotency_key(
                            app_id=app.pk,
                            request_key=request_key,
                            object_id=plan.pk,
                            operation="product_archive",
                        ),
                    ),
                    provider_reference=plan.provider_product_id,
                )
            _version_prices_deactivate(provider=provider, version=plan.current_version)
            audit_event_record(
                app=app,
                actor=actor,
                action_type=CatalogAuditAction.ARCHIVE_PLAN,
                target_type="plan",
                target_id=plan.pk,
                payload_snapshot=plan_snapshot(plan),
            )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    return plan_get(app=app, plan_id=plan.pk)


def catalog_sync(
    *, app: App, actor: Actor, dry_run: bool = False, pull: bool = False
) -> SyncReport:
    """Pushes the app's catalog to the provider: makes what is missing there (a second run makes
    nothing), reports drift, and with `pull` imports provider prices that carry the app's
    metadata but that we do not know. With `dry_run` the provider is only read."""
    report = SyncReport()
    provider = provider_for(app=app)
    remote = provider.catalog_list(app_id=app.pk)
    known = {item.provider_reference for item in remote}
    plans = list(
        Plan.objects.for_app(app).filter(is_active=True).select_related("current_version", "app")
    )
    ours: set[str] = set()
    for plan in plans:
        ours.add(plan.provider_product_id)
        for version in plan.versions.all():
            ours.add(version.provider_base_price_id)
            ours.update(component.provider_price_id for component in version.metered.all())
    ours.update(Metric.objects.for_app(app).values_list("provider_meter_id", flat=True))
    for item in remote:
        if item.provider_reference not in ours and item.kind in ("product", "price"):
            if pull and item.kind == "price":
                imported = _price_import(app=app, actor=actor, item=item.raw, dry_run=dry_run)
                if imported:
                    report.imported.append(imported)
                    continue
            report.drift.append(
                f"{item.kind} {item.provider_reference} at provider is unknown here"
            )
    for plan in plans:
        if dry_run:
            missing = [reference for reference in _plan_references(plan) if reference not in known]
            report.created.extend(
                f"would create {reference or 'object'} for {plan.code}" for reference in missing
            )
            continue
        with transaction.atomic():
            _plan_sync(plan=plan, key_basis=None, report=report, known=known)
    if report.created and not dry_run:
        with transaction.atomic():
            audit_event_record(
                app=app,
                actor=actor,
                action_type=CatalogAuditAction.SYNC_PLANS,
                target_type="app",
                target_id=app.pk,
                payload_snapshot={
                    "created": report.created,
                    "drift": report.drift,
                    "imported": report.imported,
                },
            )
    return report


def catalog_sync_run(*, app: App, actor: Actor) -> SyncReport:
    """An operator's "sync now" for an app whose plans or meters are stuck at the provider:
    the meters still pending are asked for again, then the catalog is pushed as `sync_plans`
    does; the run is audited whatever it found."""
    metrics = Metric.objects.for_app(app).filter(sync_state=SyncState.PENDING).select_related("app")
    meters = [metric_provider_sync(metric=metric) for metric in metrics]
    report = catalog_sync(app=app, actor=actor)
    with transaction.atomic():
        audit_event_record(
            app=app,
            actor=actor,
            action_type=CatalogAuditAction.RUN_CATALOG_SYNC,
            target_type="app",
            target_id=app.pk,
            payload_snapshot={
                "created": report.created,
                "drift": report.drift,
                "meters_synced": [m.pk for m in meters if m.sync_state == SyncState.SYNCED],
            },
        )
    return report


def _plan_references(plan: Plan) -> list[str]:
    references = [plan.provider_product_id]
    for version in plan.versions.all():
        if version.base_amount is not None:
            references.append(version.provider_base_price_id)
        references.extend(component.provider_price_id for component in version.metered.all())
    return references


def _price_import(*, app: App, actor: Actor, item: Mapping[str, Any], dry_run: bool) -> str:
    """A licensed recurring price made in the provider's dashboard with our app's metadata
    becomes a plan here (its code from the metadata, else the price id)."""
    recurring = item.get("recurring") or {}
    if recurring.get("usage_type", "licensed") != "licensed" or item.get("unit_amount") is None:
        return ""
    metadata = item.get("metadata") or {}
    code = metadata.get("plan_code") or item["id"]
    if Plan.objects.for_app(app).filter(code=code).exists():
        return ""
    if dry_run:
        return f"would import price {item['id']} as plan {code}"
    with transaction.atomic():
        plan = Plan.objects.create(
            app=app,
            code=code,
            name=metadata.get("plan_name") or item.get("nickname") or code,
            currency=item["currency"],
            provider_product_id=item["product"]
            if isinstance(item["product"], str)
            else item["product"]["id"],
            sync_state=SyncState.SYNCED,
        )
        version = PlanVersion.objects.create(
            app=app,
            plan=plan,
            version=1,
            base_amount=item["unit_amount"],
            interval=recurring.get("interval", "month"),
            interval_count=recurring.get("interval_count", 1),
            provider_base_price_id=item["id"],
        )
        plan.current_version = version
        plan.save(update_fields=["current_version"])
        audit_event_record(
            app=app,
            actor=actor,
            action_type=CatalogAuditAction.IMPORT_PLAN,
            target_type="plan",
            target_id=plan.pk,
            payload_snapshot=plan_snapshot(plan),
        )
    return f"imported price {item['id']} as plan {code} ({plan.pk})"
