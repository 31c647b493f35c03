"""Coupons, promotion codes and the discounts they are redeemed into.

A coupon (`cpn_…`) is made at the provider too (Stripe's coupon, with our `app_id` and
`coupon_id` in its metadata); a promotion code (`pcode_…`) is a customer-facing code for one
coupon, also held there. Both are checked here before the provider is asked: a deleted coupon,
one past `redeem_by` or its `max_redemptions`, one for other plans; an inactive or expired
code, one past its limits in all or per customer, or kept for another customer — each answers
400 with its own code, and nothing is redeemed. Every redemption is a `Discount` row, written
with its subscription (or checkout session, or customer) in one transaction, so the limits
count what was really redeemed.
"""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from api.errors import ConflictError, InvalidRequestError, NotFoundError
from audit.services import audit_event_record
from billing.audit_actions import BillingAuditAction
from billing.errors import BillingErrorCode
from billing.models import (
    CheckoutSession,
    Coupon,
    CouponDuration,
    Customer,
    Discount,
    DiscountTarget,
    Invoice,
    InvoiceStatus,
    PromotionCode,
    Subscription,
)
from billing.providers.base import (
    Capability,
    CouponRequest,
    DiscountRequest,
    DiscountResult,
    PromotionCodeRequest,
    ProviderError,
)
from billing.providers.capabilities import capability_supported_check
from billing.providers.currencies import currency_supported_check
from billing.providers.errors import api_error_from_provider
from billing.providers.keys import provider_idempotency_key
from billing.providers.registry import provider_for
from billing.selectors import customer_get
from catalog.models import Plan
from tenants.actors import STRIPE, Actor
from tenants.models import App

COUPON_TARGET = "coupon"
PROMOTION_CODE_TARGET = "promotion_code"
DISCOUNT_TARGET = "discount"


# Snapshots ------------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def coupon_snapshot(coupon: Coupon) -> dict[str, Any]:
    return {
        "id": coupon.pk,
        "name": coupon.name,
        "percent_off": str(coupon.percent_off) if coupon.percent_off is not None else None,
        "amount_off": coupon.amount_off,
        "currency": coupon.currency,
        "duration": coupon.duration,
        "duration_in_months": coupon.duration_in_months,
        "max_redemptions": coupon.max_redemptions,
        "redeem_by": _iso(coupon.redeem_by),
        "plans": sorted(coupon.plans.values_list("pk", flat=True)),
        "times_redeemed": coupon.times_redeemed,
        "provider_coupon_id": coupon.provider_coupon_id,
        "deleted_at": _iso(coupon.deleted_at),
    }


def promotion_code_snapshot(promotion_code: PromotionCode) -> dict[str, Any]:
    return {
        "id": promotion_code.pk,
        "coupon": promotion_code.coupon_id,
        "code": promotion_code.code,
        "active": promotion_code.active,
        "max_redemptions": promotion_code.max_redemptions,
        "max_redemptions_per_customer": promotion_code.max_redemptions_per_customer,
        "expires_at": _iso(promotion_code.expires_at),
        "customer": promotion_code.customer_id,
        "first_time_transaction": promotion_code.first_time_transaction,
        "times_redeemed": promotion_code.times_redeemed,
        "provider_promotion_code_id": promotion_code.provider_promotion_code_id,
    }


def discount_snapshot(discount: Discount) -> dict[str, Any]:
    return {
        "id": discount.pk,
        "coupon": discount.coupon_id,
        "promotion_code": discount.promotion_code_id,
        "customer": discount.customer_id,
        "target": discount.target,
        "subscription": discount.subscription_id,
        "checkout_session": discount.checkout_session_id,
        "inherited": discount.inherited,
        "removed_at": _iso(discount.removed_at),
    }


# Coupons --------------------------------------------------------------------------------------


def coupon_list(*, app: App) -> QuerySet[Coupon]:
    return Coupon.objects.for_app(app).prefetch_related("plans").order_by("-created_at", "-pk")


def coupon_get(*, app: App, coupon_id: str, param: str = "id") -> Coupon:
    coupon = Coupon.objects.for_app(app).prefetch_related("plans").filter(pk=coupon_id).first()
    if coupon is None:
        raise NotFoundError("coupon", param=param)
    return coupon


def _coupon_terms_check(
    *,
    percent_off: Decimal | None,
    amount_off: int | None,
    currency: str,
    duration: str,
    duration_in_months: int | None,
    redeem_by: datetime | None,
) -> None:
    if (percent_off is None) == (amount_off is None):
        raise InvalidRequestError(
            "Give exactly one of percent_off and amount_off.",
            code=BillingErrorCode.COUPON_TERMS_INVALID,
            param="percent_off" if percent_off is None else "amount_off",
        )
    if amount_off is not None and not currency:
        raise InvalidRequestError(
            "An amount_off coupon needs its currency.",
            code=BillingErrorCode.COUPON_TERMS_INVALID,
            param="currency",
        )
    if percent_off is not None and currency:
        raise InvalidRequestError(
            "A percent_off coupon applies in every currency; give no currency.",
            code=BillingErrorCode.COUPON_TERMS_INVALID,
            param="currency",
        )
    if (duration == CouponDuration.REPEATING) != (duration_in_months is not None):
        raise InvalidRequestError(
            "duration_in_months is given with duration `repeating`, and only then.",
            code=BillingErrorCode.COUPON_TERMS_INVALID,
            param="duration_in_months",
        )
    if redeem_by is not None and redeem_by <= timezone.now():
        raise InvalidRequestError(
            "redeem_by must be in the future.",
            code=BillingErrorCode.COUPON_TERMS_INVALID,
            param="redeem_by",
        )


@transaction.atomic
def coupon_create(
    *,
    app: App,
    actor: Actor,
    duration: str,
    percent_off: Decimal | None = None,
    amount_off: int | None = None,
    currency: str = "",
    duration_in_months: int | None = None,
    max_redemptions: int | None = None,
    redeem_by: datetime | None = None,
    plans: list[str] | None = None,
    name: str = "",
    metadata: dict[str, str] | None = None,
    request_key: str | None = None,
) -> Coupon:
    capability_supported_check(app=app, capability=Capability.COUPONS, param=None)
    currency = currency.lower()
    _coupon_terms_check(
        percent_off=percent_off,
        amount_off=amount_off,
        currency=currency,
        duration=duration,
        duration_in_months=duration_in_months,
        redeem_by=redeem_by,
    )
    if currency:
        currency_supported_check(app=app, currency=currency, param="currency")
    plan_rows = []
    for position, plan_id in enumerate(plans or []):
        plan = Plan.objects.for_app(app).filter(pk=plan_id).first()
        if plan is None:
            raise NotFoundError("plan", param=f"plans[{position}]")
        if not plan.provider_product_id:
            raise ConflictError(
                "The plan is not at the provider yet; retry shortly.",
                code=BillingErrorCode.PLAN_NOT_SYNCED,
                param=f"plans[{position}]",
            )
        plan_rows.append(plan)
    coupon = Coupon.objects.create(
        app=app,
        name=name,
        percent_off=percent_off,
        amount_off=amount_off,
        currency=currency,
        duration=duration,
        duration_in_months=duration_in_months,
        max_redemptions=max_redemptions,
        redeem_by=redeem_by,
        metadata=metadata or {},
    )
    coupon.plans.set(plan_rows)
    try:
        result = provider_for(app=app).coupon_create(
            CouponRequest(
                idempotency_key=provider_idempotency_key(
                    app_id=app.pk, request_key=None, object_id=coupon.pk, operation="coupon"
                ),
                app_id=app.pk,
                coupon_id=coupon.pk,
                name=name,
                duration=duration,
                percent_off=percent_off,
                amount_off=amount_off,
                currency=currency,
                duration_in_months=duration_in_months,
                max_redemptions=max_redemptions,
                redeem_by=redeem_by,
                product_references=[plan.provider_product_id for plan in plan_rows],
            )
        )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    coupon.provider_coupon_id = result.provider_reference
    coupon.save(update_fields=["provider_coupon_id", "updated_at"])
    audit_event_record(
        app=app,
        actor=actor,
        action_type=BillingAuditAction.CREATE_COUPON,
        target_type=COUPON_TARGET,
        target_id=coupon.pk,
        payload_snapshot=coupon_snapshot(coupon),
    )
    return coupon


@transaction.atomic
def coupon_delete(*, app: App, actor: Actor, coupon_id: str) -> Coupon:
    """No new redemptions of the coupon or its codes; discounts made from it run their course
    (the provider keeps them too). Deleting a deleted coupon answers it as it is."""
    coupon = Coupon.objects.for_app(app).select_for_update().filter(pk=coupon_id).first()
    if coupon is None:
        raise NotFoundError("coupon")
    if coupon.deleted_at is not None:
        return coupon
    try:
        provider_for(app=app).coupon_delete(provider_reference=coupon.provider_coupon_id)
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    coupon.deleted_at = timezone.now()
    coupon.save(update_fields=["deleted_at", "updated_at"])
    coupon.promotion_codes.filter(active=True).update(active=False, updated_at=timezone.now())
    audit_event_record(
        app=app,
        actor=actor,
        action_type=BillingAuditAction.DELETE_COUPON,
        target_type=COUPON_TARGET,
        target_id=coupon.pk,
        payload_snapshot=coupon_snapshot(coupon),
    )
    return coupon


# Promotion codes ------------------------------------------------------------------------------


def promotion_code_list(
    *, app: App, code: str | None = None, active: bool | None = None, coupon: str | None = None
) -> QuerySet[PromotionCode]:
    codes = PromotionCode.objects.for_app(app)
    if code is not None:
        codes = codes.filter(code__iexact=code)
    if active is not None:
        codes = codes.filter(active=active)
    if coupon is not None:
        codes = codes.filter(coupon_id=coupon)
    return codes.order_by("-created_at", "-pk")


def promotion_code_get(*, app: App, promotion_code_id: str, param: str = "id") -> PromotionCode:
    promotion_code = PromotionCode.objects.for_app(app).filter(pk=promotion_code_id).first()
    if promotion_code is None:
        raise NotFoundError("promotion code", param=param)
    return promotion_code


@transaction.atomic
def promotion_code_create(
    *,
    app: App,
    actor: Actor,
    coupon: str,
    code: str,
    max_redemptions: int | None = None,
    max_redemptions_per_customer: int | None = None,
    expires_at: datetime | None = None,
    customer: str | None = None,
    first_time_transaction: bool = False,
    metadata: dict[str, str] | None = None,
    request_key: str | None = None,
) -> PromotionCode:
    capability_supported_check(app=app, capability=Capability.COUPONS, param=None)
    promoted = coupon_get(app=app, coupon_id=coupon, param="coupon")
    if promoted.deleted_at is not None:
        raise InvalidRequestError(
            "The coupon is deleted.", code=BillingErrorCode.COUPON_INVALID, param="coupon"
        )
    if (
        max_redemptions is not None
        and promoted.max_redemptions is not None
        and max_redemptions > promoted.max_redemptions
    ):
        raise InvalidRequestError(
            "max_redemptions cannot exceed the coupon's.",
            code=BillingErrorCode.COUPON_TERMS_INVALID,
            param="max_redemptions",
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidRequestError(
            "expires_at must be in the future.",
            code=BillingErrorCode.COUPON_TERMS_INVALID,
            param="expires_at",
        )
    restricted_to = customer_get(app=app, customer_id=customer) if customer else None
    if restricted_to is not None and not restricted_to.provider_customer_id:
        raise ConflictError(
            "The customer is not at the provider yet; retry shortly.",
            code=BillingErrorCode.CUSTOMER_NOT_SYNCED,
            param="customer",
        )
    if PromotionCode.objects.for_app(app).filter(active=True, code__iexact=code).exists():
        raise ConflictError(
            "An active promotion code with this code exists.",
            code=BillingErrorCode.PROMOTION_CODE_TAKEN,
            param="code",
        )
    try:
        with transaction.atomic():
            promotion_code = PromotionCode.objects.create(
                app=app,
                coupon=promoted,
                code=code,
                max_redemptions=max_redemptions,
                max_redemptions_per_customer=max_redemptions_per_customer,
                expires_at=expires_at,
                customer=restricted_to,
                first_time_transaction=first_time_transaction,
                metadata=metadata or {},
            )
    except IntegrityError:
        raise ConflictError(
            "An active promotion code with this code exists.",
            code=BillingErrorCode.PROMOTION_CODE_TAKEN,
            param="code",
        ) from None
    try:
        result = provider_for(app=app).promotion_code_create(
            PromotionCodeRequest(
                idempotency_key=provider_idempotency_key(
                    app_id=app.pk,
                    request_key=None,
                    object_id=promotion_code.pk,
                    operation="promotion_code",
                ),
                app_id=app.pk,
                promotion_code_id=promotion_code.pk,
                coupon_reference=promoted.provider_coupon_id,
                code=code,
                max_redemptions=max_redemptions,
                expires_at=expires_at,
                customer_reference=restricted_to.provider_customer_id if restricted_to else "",
                first_time_transaction=first_time_transaction,
            )
        )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    promotion_code.provider_promotion_code_id = result.provider_reference
    promotion_code.save(update_fields=["provider_promotion_code_id", "updated_at"])
    audit_event_record(
        app=app,
        actor=actor,
        action_type=BillingAuditAction.CREATE_PROMOTION_CODE,
        target_type=PROMOTION_CODE_TARGET,
        target_id=promotion_code.pk,
        payload_snapshot=promotion_code_snapshot(promotion_code),
    )
    return promotion_code


@transaction.atomic
def promotion_code_deactivate(
    *, app: App, actor: Actor, promotion_code_id: str, request_key: str | None = None
) -> PromotionCode:
    promotion_code = (
        PromotionCode.objects.for_app(app).select_for_update().filter(pk=promotion_code_id).first()
    )
    if promotion_code is None:
        raise NotFoundError("promotion code")
    if not promotion_code.active:
        return promotion_code
    try:
        provider_for(app=app).promotion_code_deactivate(
            provider_reference=promotion_code.provider_promotion_code_id,
            idempotency_key=provider_idempotency_key(
                app_id=app.pk,
                request_key=request_key,
                object_id=promotion_code.pk,
                operation="promotion_code_deactivate",
            ),
        )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    promotion_code.active = False
    promotion_code.save(update_fields=["active", "updated_at"])
    audit_event_record(
        app=app,
        actor=actor,
        action_type=BillingAuditAction.DEACTIVATE_PROMOTION_CODE,
        target_type=PROMOTION_CODE_TARGET,
        target_id=promotion_code.pk,
        payload_snapshot=promotion_code_snapshot(promotion_code),
    )
    return promotion_code


# Redemption -----------------------------------------------------------------------------------


def _refuse(message: str, *, code: BillingErrorCode, param: str) -> InvalidRequestError:
    return InvalidRequestError(message, code=code, param=param)


def _promotion_code_by_reference(*, app: App, reference: str, param: str) -> PromotionCode:
    """Our id (`pcode_…`), or the code itself as the customer typed it (any case)."""
    codes = PromotionCode.objects.for_app(app).select_related("coupon")
    found = codes.filter(pk=reference).first() if reference.startswith("pcode_") else None
    if found is None:
        found = codes.filter(code__iexact=reference).order_by("-active", "-created_at").first()
    if found is None:
        raise NotFoundError("promotion code", param=param)
    return found


def _coupon_redeemable_check(
    *, coupon: Coupon, plan: Plan | None, currency: str | None, param: str
) -> None:
    now = timezone.now()
    if coupon.deleted_at is not None:
        raise _refuse("The coupon is deleted.", code=BillingErrorCode.COUPON_INVALID, param=param)
    if coupon.redeem_by is not None and now > coupon.redeem_by:
        raise _refuse(
            "The coupon can no longer be redeemed (past redeem_by).",
            code=BillingErrorCode.COUPON_EXPIRED,
            param=param,
        )
    if coupon.max_redemptions is not None and coupon.times_redeemed >= coupon.max_redemptions:
        raise _refuse(
            "The coupon has reached its max_redemptions.",
            code=BillingErrorCode.COUPON_MAX_REDEMPTIONS_REACHED,
            param=param,
        )
    if plan is not None:
        plan_ids = [item.pk for item in coupon.plans.all()]
        if plan_ids and plan.pk not in plan_ids:
            raise _refuse(
                "The coupon does not apply to this plan.",
                code=BillingErrorCode.COUPON_NOT_APPLICABLE,
                param=param,
            )
    if coupon.currency and currency and coupon.currency != currency:
        raise _refuse(
            f"The coupon takes an amount off in {coupon.currency}; this is billed in {currency}.",
            code=BillingErrorCode.CURRENCY_MISMATCH,
            param=param,
        )


def _promotion_code_redeemable_check(
    *, promotion_code: PromotionCode, customer: Customer, param: str
) -> None:
    if not promotion_code.active:
        raise _refuse(
            "The promotion code is inactive.",
            code=BillingErrorCode.PROMOTION_CODE_INACTIVE,
            param=param,
        )
    if promotion_code.expires_at is not None and timezone.now() >= promotion_code.expires_at:
        raise _refuse(
            "The promotion code has expired.",
            code=BillingErrorCode.PROMOTION_CODE_EXPIRED,
            param=param,
        )
    if (
        promotion_code.max_redemptions is not None
        and promotion_code.times_redeemed >= promotion_code.max_redemptions
    ):
        raise _refuse(
            "The promotion code has reached its max_redemptions.",
            code=BillingErrorCode.PROMOTION_CODE_MAX_REDEMPTIONS_REACHED,
            param=param,
        )
    if promotion_code.customer_id is not None and promotion_code.customer_id != customer.pk:
        raise _refuse(
            "The promotion code is for another customer.",
            code=BillingErrorCode.PROMOTION_CODE_NOT_FOR_CUSTOMER,
            param=param,
        )
    limit = promotion_code.max_redemptions_per_customer
    if limit is not None:
        redeemed = (
            Discount.objects.for_app(customer.app)
            .filter(promotion_code=promotion_code, customer=customer, inherited=False)
            .count()
        )
        if redeemed >= limit:
            raise _refuse(
                f"The customer has redeemed this promotion code {redeemed} time(s), its limit "
                "per customer.",
                code=BillingErrorCode.PROMOTION_CODE_CUSTOMER_LIMIT_REACHED,
                param=param,
            )
    if promotion_code.first_time_transaction and (
        Invoice.objects.for_app(customer.app)
        .filter(customer=customer, status=InvoiceStatus.PAID, amount_paid__gt=0)
        .exists()
    ):
        raise _refuse(
            "The promotion code is for customers who have not paid before.",
            code=BillingErrorCode.PROMOTION_CODE_NOT_FOR_CUSTOMER,
            param=param,
        )


class DiscountChoice:
    """What a request asked to redeem, checked: the coupon, and the promotion code if one."""

    def __init__(
        self, *, coupon: Coupon, promotion_code: PromotionCode | None, inherited: bool = False
    ) -> None:
        self.coupon = coupon
        self.promotion_code = promotion_code
        self.inherited = inherited

    def provider_request(self) -> DiscountRequest:
        # A discount carried over from the customer is the coupon again, not another use of
        # its code.
        if self.promotion_code is not None and not self.inherited:
            return DiscountRequest(
                promotion_code_reference=self.promotion_code.provider_promotion_code_id
            )
        return DiscountRequest(coupon_reference=self.coupon.provider_coupon_id)


def discount_choose(
    *,
    app: App,
    customer: Customer,
    coupon: str | None,
    promotion_code: str | None,
    plan: Plan | None,
    currency: str | None,
    inherit_customer_discount: bool = False,
) -> DiscountChoice | None:
    """The discount a request names (`coupon` or `promotion_code`, not both), checked against
    every limit; without one, the customer's own discount when `inherit_customer_discount`."""
    if coupon and promotion_code:
        raise InvalidRequestError(
            "Give a coupon or a promotion_code, not both.",
            code=BillingErrorCode.COUPON_TERMS_INVALID,
            param="promotion_code",
        )
    if not coupon and not promotion_code:
        if not inherit_customer_discount:
            return None
        own = (
            Discount.objects.for_app(app)
            .select_related("coupon", "promotion_code")
            .filter(customer=customer, target=DiscountTarget.CUSTOMER, removed_at__isnull=True)
            .first()
        )
        if own is None or own.coupon.deleted_at is not None:
            return None
        plan_ids = [item.pk for item in own.coupon.plans.all()]
        if plan is not None and plan_ids and plan.pk not in plan_ids:
            return None
        return DiscountChoice(coupon=own.coupon, promotion_code=own.promotion_code, inherited=True)
    capability_supported_check(app=app, capability=Capability.COUPONS, param=None)
    if promotion_code:
        found_code = _promotion_code_by_reference(
            app=app, reference=promotion_code, param="promotion_code"
        )
        _promotion_code_redeemable_check(
            promotion_code=found_code, customer=customer, param="promotion_code"
        )
        _coupon_redeemable_check(
            coupon=found_code.coupon, plan=plan, currency=currency, param="promotion_code"
        )
        return DiscountChoice(coupon=found_code.coupon, promotion_code=found_code)
    found_coupon = coupon_get(app=app, coupon_id=str(coupon), param="coupon")
    _coupon_redeemable_check(coupon=found_coupon, plan=plan, currency=currency, param="coupon")
    return DiscountChoice(coupon=found_coupon, promotion_code=None)


def discount_record(
    *,
    app: App,
    actor: Actor,
    choice: DiscountChoice,
    customer: Customer,
    target: DiscountTarget,
    subscription: Subscription | None = None,
    checkout_session: CheckoutSession | None = None,
) -> Discount:
    """The redemption, counted (under the coupon's and code's locks, checked once more there so
    two requests cannot both take the last one) and audited. Runs in the caller's transaction."""
    coupon = Coupon.objects.for_app(app).select_for_update().get(pk=choice.coupon.pk)
    promotion_code = None
    if choice.promotion_code is not None:
        promotion_code = (
            PromotionCode.objects.for_app(app).select_for_update().get(pk=choice.promotion_code.pk)
        )
    if not choice.inherited:
        if promotion_code is not None:
            _promotion_code_redeemable_check(
                promotion_code=promotion_code, customer=customer, param="promotion_code"
            )
        _coupon_redeemable_check(
            coupon=coupon,
            plan=None,
            currency=None,
            param="promotion_code" if promotion_code else "coupon",
        )
        coupon.times_redeemed += 1
        coupon.save(update_fields=["times_redeemed", "updated_at"])
        if promotion_code is not None:
            promotion_code.times_redeemed += 1
            promotion_code.save(update_fields=["times_redeemed", "updated_at"])
    discount = Discount.objects.create(
        app=app,
        coupon=coupon,
        promotion_code=promotion_code,
        customer=customer,
        target=target,
        subscription=subscription,
        checkout_session=checkout_session,
        inherited=choice.inherited,
    )
    audit_event_record(
        app=app,
        actor=actor,
        action_type=BillingAuditAction.APPLY_DISCOUNT,
        target_type=DISCOUNT_TARGET,
        target_id=discount.pk,
        payload_snapshot=discount_snapshot(discount),
    )
    return discount


def subscription_discounts_replace(
    *, app: App, actor: Actor, subscription: Subscription, choice: DiscountChoice
) -> Discount:
    """A plan change's new discount ends the subscription's earlier ones (the provider's
    `discounts` replace them too)."""
    now = timezone.now()
    Discount.objects.for_app(app).filter(subscription=subscription, removed_at__isnull=True).update(
        removed_at=now
    )
    return discount_record(
        app=app,
        actor=actor,
        choice=choice,
        customer=subscription.customer,
        target=DiscountTarget.SUBSCRIPTION,
        subscription=subscription,
    )


def subscription_discount(subscription: Subscription) -> Discount | None:
    """The subscription's current discount, if any."""
    return (
        Discount.objects.for_app(subscription.app)
        .select_related("coupon", "promotion_code")
        .filter(subscription=subscription, removed_at__isnull=True)
        .order_by("-created_at")
        .first()
    )


# A customer's own discount -------------------------------------------------------------------


def customer_discount_get(*, app: App, customer_id: str) -> Discount | None:
    customer = customer_get(app=app, customer_id=customer_id)
    return (
        Discount.objects.for_app(app)
        .select_related("coupon", "promotion_code")
        .filter(customer=customer, target=DiscountTarget.CUSTOMER, removed_at__isnull=True)
        .first()
    )


@transaction.atomic
def customer_discount_set(
    *,
    app: App,
    actor: Actor,
    customer_id: str,
    coupon: str | None = None,
    promotion_code: str | None = None,
) -> Discount:
    """The customer's discount (one at a time; a new one replaces it), applied to every
    subscription and checkout they start afterwards that names no discount of its own."""
    customer = customer_get(app=app, customer_id=customer_id)
    Customer.objects.for_app(app).select_for_update().filter(pk=customer.pk).first()
    if not coupon and not promotion_code:
        raise InvalidRequestError(
            "Give a coupon or a promotion_code.",
            code=BillingErrorCode.COUPON_TERMS_INVALID,
            param="coupon",
        )
    choice = discount_choose(
        app=app,
        customer=customer,
        coupon=coupon,
        promotion_code=promotion_code,
        plan=None,
        currency=None,
    )
    if choice is None:  # not reached: a coupon or a code was given
        raise NotFoundError("coupon", param="coupon")
    Discount.objects.for_app(app).filter(
        customer=customer, target=DiscountTarget.CUSTOMER, removed_at__isnull=True
    ).update(removed_at=timezone.now())
    return discount_record(
        app=app, actor=actor, choice=choice, customer=customer, target=DiscountTarget.CUSTOMER
    )


@transaction.atomic
def customer_discount_remove(*, app: App, actor: Actor, customer_id: str) -> Discount:
    customer = customer_get(app=app, customer_id=customer_id)
    discount = (
        Discount.objects.for_app(app)
        .select_for_update()
        .filter(customer=customer, target=DiscountTarget.CUSTOMER, removed_at__isnull=True)
        .first()
    )
    if discount is None:
        raise NotFoundError("discount", message="The customer has no discount.")
    discount.removed_at = timezone.now()
    discount.save(update_fields=["removed_at"])
    audit_event_record(
        app=app,
        actor=actor,
        action_type=BillingAuditAction.REMOVE_DISCOUNT,
        target_type=DISCOUNT_TARGET,
        target_id=discount.pk,
        payload_snapshot=discount_snapshot(discount),
    )
    return discount


# Invoices -------------------------------------------------------------------------------------


def invoice_discounts_describe(
    *, app: App, discounts: list[tuple[str, str, int]]
) -> list[dict[str, Any]]:
    """An invoice's discounts in our words: (provider coupon, provider code, amount) → our
    coupon and promotion code ids (null for one that is not ours) and the amount taken off."""
    coupon_references = {coupon for coupon, _, _ in discounts if coupon}
    code_references = {code for _, code, _ in discounts if code}
    coupons = dict(
        Coupon.objects.for_app(app)
        .filter(provider_coupon_id__in=coupon_references)
        .values_list("provider_coupon_id", "pk")
    )
    codes = dict(
        PromotionCode.objects.for_app(app)
        .filter(provider_promotion_code_id__in=code_references)
        .values_list("provider_promotion_code_id", "pk")
    )
    return [
        {
            "coupon": coupons.get(coupon),
            "promotion_code": codes.get(code),
            "amount": amount,
        }
        for coupon, code, amount in discounts
    ]


def subscription_discounts_adopt(
    *,
    subscription: Subscription,
    discounts: Sequence[DiscountResult],
    checkout_session: CheckoutSession | None = None,
) -> list[Discount]:
    """The provider's discounts on a subscription made there (Checkout), as our redemptions:
    each of our coupons (and codes) counted once, audited under the provider. Discounts of
    coupons that are not this app's are left alone; one adopted already is not again."""
    app = subscription.app
    adopted = []
    for result in discounts:
        if not result.coupon_reference:
            continue
        if (
            Discount.objects.for_app(app)
            .filter(subscription=subscription, provider_discount_id=result.discount_reference)
            .exists()
        ):
            continue
        coupon = (
            Coupon.objects.for_app(app)
            .select_for_update()
            .filter(provider_coupon_id=result.coupon_reference)
            .first()
        )
        if coupon is None:
            continue
        promotion_code = None
        if result.promotion_code_reference:
            promotion_code = (
                PromotionCode.objects.for_app(app)
                .select_for_update()
                .filter(provider_promotion_code_id=result.promotion_code_reference)
                .first()
            )
        coupon.times_redeemed += 1
        coupon.save(update_fields=["times_redeemed", "updated_at"])
        if promotion_code is not None:
            promotion_code.times_redeemed += 1
            promotion_code.save(update_fields=["times_redeemed", "updated_at"])
        discount = Discount.objects.create(
            app=app,
            coupon=coupon,
            promotion_code=promotion_code,
            customer=subscription.customer,
            target=DiscountTarget.SUBSCRIPTION,
            subscription=subscription,
            checkout_session=checkout_session,
            provider_discount_id=result.discount_reference,
        )
        audit_event_record(
            app=app,
            actor=STRIPE,
            action_type=BillingAuditAction.APPLY_DISCOUNT,
            target_type=DISCOUNT_TARGET,
            target_id=discount.pk,
            payload_snapshot=discount_snapshot(discount),
        )
        adopted.append(discount)
    return adopted
