"""The billing models in the operator dashboard, read-only: customers, subscriptions, payments
and refunds change only through the API's services (and their audit
events), and dj-stripe's mirror tables only through Stripe's webhooks."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import URLPattern

from api.read_only_admin import ReadOnlyAdminMixin, ReadOnlyModelAdmin, money_display
from billing.models import Customer, Payment, Refund, Subscription


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
        return money_display(payment.amount, payment.currency)


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
        return money_display(refund.amount, refund.currency)


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
