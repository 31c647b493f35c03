"""The billing models in the operator dashboard, read-only: customers, plans with their versions,
subscriptions, payments and refunds change only through the API's services (and their audit
events), and dj-stripe's mirror tables only through Stripe's webhooks."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern
from django.utils.html import format_html_join

from api.money import Money
from billing.models import Customer, Payment, Refund, Subscription
from catalog.models import Plan, PlanMeteredComponent, PlanVersion


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyModelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Any]):
    """Without the change permission Django shows every field read-only."""


def _money(amount: int | None, currency: str) -> str:
    if amount is None:
        return "—"
    return Money(currency=currency, amount_minor=amount).display


@admin.register(Customer)
class CustomerAdmin(ReadOnlyModelAdmin):
    list_display = (
        "id",
        "app",
        "external_id",
        "email",
        "name",
        "provider_customer_id",
        "created_at",
    )
    list_filter = (("app", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("id", "external_id", "email", "name", "provider_customer_id")
    date_hierarchy = "created_at"
    list_select_related = ("app",)
    fields = (
        "id",
        "app",
        "external_id",
        "email",
        "name",
        "description",
        "metadata",
        "provider_customer_id",
        "default_payment_method",
        "created_at",
        "updated_at",
    )


class PlanVersionInline(ReadOnlyAdminMixin, admin.TabularInline[PlanVersion, Plan]):
    model = PlanVersion
    fields = ("version", "base", "metered_prices", "provider_base_price_id", "created_at")
    readonly_fields = fields
    extra = 0
    ordering = ("-version",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[PlanVersion]:
        return (
            super().get_queryset(request).select_related("plan").prefetch_related("metered__metric")
        )

    @admin.display(description="Base price")
    def base(self, version: PlanVersion) -> str:
        if version.base_amount is None:
            return "none"
        every = (
            version.interval
            if version.interval_count == 1
            else f"{version.interval_count} {version.interval}s"
        )
        return f"{_money(version.base_amount, version.plan.currency)} / {every}"

    @admin.display(description="Metered prices")
    def metered_prices(self, version: PlanVersion) -> str:
        components: list[PlanMeteredComponent] = list(version.metered.all())
        if not components:
            return "none"
        return format_html_join(
            "",
            "<div>{}: {} ({} included){}</div>",
            (
                (
                    component.metric.code,
                    (
                        f"{_money(component.unit_amount, version.plan.currency)} per unit"
                        if component.unit_amount is not None
                        else "tiers"
                    ),
                    component.included_quantity,
                    f" {component.tiers}" if component.tiers else "",
                )
                for component in components
            ),
        )


@admin.register(Plan)
class PlanAdmin(ReadOnlyModelAdmin):
    list_display = (
        "code",
        "name",
        "app",
        "current_price",
        "currency",
        "is_active",
        "sync_state",
        "created_at",
    )
    list_filter = (
        "is_active",
        "sync_state",
        "currency",
        ("app", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("id", "code", "name", "provider_product_id")
    list_select_related = ("app", "current_version")
    fields = (
        "id",
        "app",
        "code",
        "name",
        "description",
        "currency",
        "current_version",
        "trial_period_days",
        "grace_period_days",
        "quotas",
        "metadata",
        "is_active",
        "provider_product_id",
        "sync_state",
        "created_at",
        "updated_at",
    )
    inlines = [PlanVersionInline]

    @admin.display(description="Current base price")
    def current_price(self, plan: Plan) -> str:
        version = plan.current_version
        if version is None or version.base_amount is None:
            return "—"
        return f"{_money(version.base_amount, plan.currency)} / {version.interval}"


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyModelAdmin):
    list_display = (
        "id",
        "app",
        "customer",
        "plan",
        "status",
        "current_period_end",
        "cancel_at_period_end",
        "sync_state",
        "created_at",
    )
    list_filter = (
        "status",
        "sync_state",
        "cancel_at_period_end",
        ("app", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "id",
        "customer__id",
        "customer__external_id",
        "customer__email",
        "plan__code",
        "provider_subscription_id",
    )
    date_hierarchy = "created_at"
    list_select_related = ("app", "customer", "plan")
    fields = (
        "id",
        "app",
        "customer",
        "plan",
        "plan_version",
        "status",
        "trial_end",
        "current_period_start",
        "current_period_end",
        "cancel_at_period_end",
        "canceled_at",
        "metadata",
        "provider_subscription_id",
        "provider_state_at",
        "sync_state",
        "created_at",
        "updated_at",
    )


class RefundInline(ReadOnlyAdminMixin, admin.TabularInline[Refund, Payment]):
    model = Refund
    fields = ("id", "amount", "currency", "status", "reason", "created_at")
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(Payment)
class PaymentAdmin(ReadOnlyModelAdmin):
    list_display = (
        "id",
        "app",
        "customer",
        "amount_display",
        "status",
        "amount_refunded",
        "decline_code",
        "created_at",
    )
    list_filter = ("status", "currency", ("app", admin.RelatedOnlyFieldListFilter))
    search_fields = (
        "id",
        "customer__id",
        "customer__external_id",
        "customer__email",
        "provider_payment_id",
        "provider_charge_id",
        "description",
    )
    date_hierarchy = "created_at"
    list_select_related = ("app", "customer")
    # Never the client secret: it lets a browser confirm the payment.
    fields = (
        "id",
        "app",
        "customer",
        "amount",
        "currency",
        "description",
        "status",
        "amount_refunded",
        "payment_method",
        "failure_code",
        "failure_message",
        "decline_code",
        "metadata",
        "provider_payment_id",
        "provider_charge_id",
        "request_key",
        "created_at",
        "updated_at",
    )
    inlines = [RefundInline]

    @admin.display(description="Amount", ordering="amount")
    def amount_display(self, payment: Payment) -> str:
        return _money(payment.amount, payment.currency)


@admin.register(Refund)
class RefundAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "app", "payment", "amount_display", "status", "reason", "created_at")
    list_filter = ("status", ("app", admin.RelatedOnlyFieldListFilter))
    search_fields = ("id", "payment__id", "provider_refund_id", "reason")
    date_hierarchy = "created_at"
    list_select_related = ("app", "payment")
    fields = (
        "id",
        "app",
        "payment",
        "amount",
        "currency",
        "reason",
        "status",
        "failure_reason",
        "metadata",
        "provider_refund_id",
        "request_key",
        "created_at",
        "updated_at",
    )

    @admin.display(description="Amount", ordering="amount")
    def amount_display(self, refund: Refund) -> str:
        return _money(refund.amount, refund.currency)


# dj-stripe's mirrors


class StripeMirrorReadOnlyMixin(ReadOnlyAdminMixin):
    """dj-stripe's admin can add, edit, delete, re-sync and cancel (at Stripe) from the
    dashboard. Its tables mirror Stripe and change only through its webhooks, so here they are
    looked at, never touched: no actions, and no custom action URL that would run them."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def get_urls(self) -> list[URLPattern]:
        return [
            pattern
            for pattern in super().get_urls()  # type: ignore[misc]  # a mixin: ModelAdmin follows in the MRO
            if getattr(pattern, "name", None) != "djstripe_custom_action"
        ]


def stripe_mirror_admins_make_read_only(site: admin.AdminSite = admin.site) -> list[str]:
    """Re-registers every dj-stripe model admin as a read-only subclass of itself. dj-stripe's
    admin module is loaded before ours (it comes first in INSTALLED_APPS)."""
    replaced = []
    for model, model_admin in list(site._registry.items()):
        admin_class = type(model_admin)
        if model._meta.app_label != "djstripe" or issubclass(
            admin_class, StripeMirrorReadOnlyMixin
        ):
            continue
        read_only_class = type(
            f"ReadOnly{admin_class.__name__}", (StripeMirrorReadOnlyMixin, admin_class), {}
        )
        site.unregister(model)
        site.register(model, read_only_class)
        replaced.append(model._meta.label)
    return replaced


stripe_mirror_admins_make_read_only()
