"""The billing models in the operator dashboard, read-only: customers, subscriptions, payments
and refunds change only through the API's services (and their audit
events), and dj-stripe's mirror tables only through Stripe's webhooks."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern

from api.errors import ServiceError
from api.read_only_admin import ReadOnlyAdminMixin, ReadOnlyModelAdmin, money_display
from billing.invoices import invoice_pay
from billing.models import (
    Customer,
    Invoice,
    InvoicePaymentAttempt,
    InvoiceStatus,
    Payment,
    Refund,
    Subscription,
)
from billing.subscription_provider_sync import subscription_provider_retry
from tenants.actors import Actor


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
    actions = ["retry_sync_selected"]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("billing.change_subscription")

    @admin.action(
        description="Retry the provider sync now (subscriptions still pending)",
        permissions=["retry"],
    )
    def retry_sync_selected(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        actor = Actor.staff(request.user.get_username())
        for subscription in queryset.select_related("app", "customer", "plan", "plan_version"):
            try:
                synced = subscription_provider_retry(subscription=subscription, actor=actor)
            except ServiceError as error:
                messages.error(request, f"{subscription.pk}: {error.message}")
                continue
            messages.success(
                request, f"{subscription.pk} is {synced.status} ({synced.sync_state})."
            )

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


class InvoicePaymentAttemptInline(
    ReadOnlyAdminMixin, admin.TabularInline[InvoicePaymentAttempt, Invoice]
):
    model = InvoicePaymentAttempt
    fields = (
        "id",
        "status",
        "amount",
        "currency",
        "decline_code",
        "failure_code",
        "failure_message",
        "payment_method",
        "attempted_at",
    )
    readonly_fields = fields
    extra = 0


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyModelAdmin):
    """The provider's invoices as its webhooks mirrored them. The one thing an operator does here
    is ask the provider to charge an open one again now (audited as the API's pay is)."""

    list_display = (
        "id",
        "app",
        "customer",
        "number",
        "status",
        "amount_due_display",
        "amount_remaining",
        "attempt_count",
        "next_payment_attempt",
        "provider_created_at",
    )
    list_filter = ("status", "billing_reason", ("app", admin.RelatedOnlyFieldListFilter))
    search_fields = ("id", "number", "provider_invoice_id", "customer__id", "customer__email")
    list_select_related = ("app", "customer")
    inlines = [InvoicePaymentAttemptInline]
    actions = ["retry_payment_selected"]

    @admin.display(description="Amount due", ordering="amount_due")
    def amount_due_display(self, invoice: Invoice) -> str:
        return money_display(invoice.amount_due, invoice.currency)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("billing.change_invoice")

    @admin.action(
        description="Retry the payment now (the invoice's default card)", permissions=["retry"]
    )
    def retry_payment_selected(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        actor = Actor.staff(request.user.get_username())
        for invoice in queryset.select_related("app"):
            if invoice.status != InvoiceStatus.OPEN:
                messages.warning(request, f"{invoice.pk} is {invoice.status}: nothing to retry.")
                continue
            try:
                paid = invoice_pay(app=invoice.app, actor=actor, invoice_id=invoice.pk)
            except ServiceError as error:
                messages.error(request, f"{invoice.pk}: {error.message}")
                continue
            messages.success(request, f"{invoice.pk} is {paid.status}.")


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
