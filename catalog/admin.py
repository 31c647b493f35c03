"""The catalog in the operator dashboard, read-only: plans with their versions and metered prices
change only through the API's services."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from api.read_only_admin import ReadOnlyAdminMixin, ReadOnlyModelAdmin, money_display
from catalog.models import Plan, PlanMeteredComponent, PlanVersion, decimal_text


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
        return f"{money_display(version.base_amount, version.plan.currency)} / {every}"

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
                    _unit_price_display(component, version.plan.currency),
                    component.included_quantity,
                    f" {component.tiers}" if component.tiers else "",
                )
                for component in components
            ),
        )


def _unit_price_display(component: PlanMeteredComponent, currency: str) -> str:
    if component.unit_amount_decimal is not None:
        # A sub-cent price: shown in the minor unit, as it is stored and sent to Stripe.
        return (
            f"{decimal_text(component.unit_amount_decimal)} {currency.upper()} minor units per unit"
        )
    if component.unit_amount is not None:
        return f"{money_display(component.unit_amount, currency)} per unit"
    return "tiers"


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
        return f"{money_display(version.base_amount, plan.currency)} / {version.interval}"
