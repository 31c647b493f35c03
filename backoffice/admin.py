from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from api.errors import ServiceError
from audit.models import AuditEvent
from backoffice.customer_story import CustomerStoryAdmin
from backoffice.dashboard import AppOverviewAdminMixin, admin_changelist_url
from backoffice.services import api_key_create, api_key_revoke
from billing.models import Customer, Invoice, Payment, Subscription
from catalog.models import Plan
from grace.models import GracePeriod
from notifications.models import WebhookDelivery
from tenants.actors import Actor
from tenants.models import ApiKey, App


def staff_actor(request: HttpRequest) -> Actor:
    return Actor.staff(request.user.get_username())


class ApiKeyInline(admin.TabularInline[ApiKey, App]):
    model = ApiKey
    fields = ("id", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(App)
class AppAdmin(AppOverviewAdminMixin, admin.ModelAdmin[App]):
    list_display = ("name", "id", "mode", "provider", "is_active", "created_at", "overview_link")
    list_filter = ("mode", "provider", "is_active")
    search_fields = ("name", "id")
    readonly_fields = ("id", "created_at", "updated_at", "records")
    inlines = [ApiKeyInline]

    @admin.display(description="This app's records")
    def records(self, app: App) -> str:
        """Links to each list of the app's rows, filtered to it."""
        if not app.pk:
            return "—"
        lists = [
            ("Customers", Customer),
            ("Subscriptions", Subscription),
            ("Invoices", Invoice),
            ("Payments", Payment),
            ("Plans", Plan),
            ("Grace periods", GracePeriod),
            ("Audit events", AuditEvent),
            ("Webhook deliveries", WebhookDelivery),
        ]
        links = [
            (label, url)
            for label, model in lists
            if (url := admin_changelist_url(model, app__id__exact=app.pk))
        ]
        return format_html_join(
            " · ", '<a href="{}">{}</a>', ((url, label) for label, url in links)
        )


class ApiKeyCreateForm(forms.ModelForm[ApiKey]):
    class Meta:
        model = ApiKey
        fields = ("app", "name")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    """Keys are created here through the service (the key is shown once) and revoked, never
    edited; the hash is never shown."""

    list_display = ("id", "app", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = (("app", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("id", "name", "app__name")
    list_select_related = ("app",)
    actions = ["revoke_selected"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = ApiKeyCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("app", "name")
        return ("id", "app", "name", "created_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return ("id", "app", "name", "created_at", "last_used_at", "revoked_at")

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            return
        api_key, raw_key = api_key_create(app=obj.app, name=obj.name, actor=staff_actor(request))
        obj.pk = api_key.pk
        obj.created_at = api_key.created_at
        messages.warning(
            request,
            f"API key {api_key.pk} created. Copy it now, it will not be shown again: {raw_key}",
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Revoke selected API keys")
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for api_key in queryset.filter(revoked_at__isnull=True):
            try:
                api_key_revoke(key_id=api_key.pk, actor=staff_actor(request))
            except ServiceError as error:
                messages.error(request, f"{api_key.pk}: {error.message}")
        messages.success(request, "Revoked.")


# The customer's page tells its whole story (backoffice reads every app; billing's admin cannot).
admin.site.unregister(Customer)
admin.site.register(Customer, CustomerStoryAdmin)
