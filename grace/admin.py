from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from api.errors import ServiceError
from grace.models import GracePeriod, GraceStatus
from grace.services import grace_period_extend, grace_period_resolve
from tenants.actors import Actor

NOTE_MAX_LENGTH = GracePeriod._meta.get_field("note").max_length


def staff_actor(request: HttpRequest) -> Actor:
    return Actor.staff(request.user.get_username())


class GracePeriodResolveForm(forms.Form):
    note = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Why they are resolved; kept on each grace period and in the audit trail.",
    )


class GracePeriodExtendForm(forms.Form):
    days = forms.IntegerField(
        min_value=1,
        max_value=365,
        help_text="Days added to each end (counted from now for one whose end has passed).",
    )
    note = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Why they are extended; kept on each grace period and in the audit trail.",
    )


@admin.register(GracePeriod)
class GracePeriodAdmin(admin.ModelAdmin[GracePeriod]):
    """Read-only rows: grace periods change only through the services, here through the two
    actions, each audited under the staff user's name."""

    list_display = (
        "id",
        "app",
        "customer",
        "reason",
        "metric",
        "status",
        "starts_at",
        "ends_at",
        "resolved_at",
        "resolved_by",
    )
    list_filter = ("status", "reason", ("app", admin.RelatedOnlyFieldListFilter))
    search_fields = (
        "id",
        "customer__id",
        "customer__external_id",
        "customer__email",
        "subscription__id",
        "source_reference",
        "note",
    )
    date_hierarchy = "starts_at"
    list_select_related = ("app", "customer", "metric")
    readonly_fields = [field.name for field in GracePeriod._meta.fields]
    actions = ["resolve_selected", "extend_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The change page is a read-only view; changes go through the actions.
        return False

    def has_manage_permission(self, request: HttpRequest) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def _form_page(
        self,
        request: HttpRequest,
        queryset: QuerySet[GracePeriod],
        *,
        form: forms.Form,
        action: str,
        title: str,
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            "admin/grace/graceperiod/action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.opts,
                "form": form,
                "action": action,
                "grace_periods": queryset,
                "active_count": queryset.filter(status=GraceStatus.ACTIVE).count(),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "select_across": request.POST.get("select_across", "0"),
            },
        )

    def _apply(
        self,
        request: HttpRequest,
        queryset: QuerySet[GracePeriod],
        *,
        verb: str,
        change: Any,
    ) -> None:
        done, failed = 0, 0
        for grace_period in queryset.order_by("pk"):
            if grace_period.status != GraceStatus.ACTIVE:
                failed += 1
                continue
            try:
                change(grace_period)
                done += 1
            except ServiceError as error:
                failed += 1
                messages.error(request, f"{grace_period.pk}: {error.message}")
        if done:
            messages.success(request, f"{verb} {done} grace period(s).")
        if failed:
            messages.warning(request, f"Skipped {failed} that were not active.")

    @admin.action(description="Resolve selected (with a note)", permissions=["manage"])
    def resolve_selected(
        self, request: HttpRequest, queryset: QuerySet[GracePeriod]
    ) -> HttpResponse | None:
        form = GracePeriodResolveForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._form_page(
                request,
                queryset,
                form=form,
                action="resolve_selected",
                title="Resolve grace periods",
            )
        actor = staff_actor(request)
        self._apply(
            request,
            queryset,
            verb="Resolved",
            change=lambda grace_period: grace_period_resolve(
                app=grace_period.app,
                actor=actor,
                grace_period_id=grace_period.pk,
                note=form.cleaned_data["note"],
            ),
        )
        return None

    @admin.action(description="Extend selected by N days", permissions=["manage"])
    def extend_selected(
        self, request: HttpRequest, queryset: QuerySet[GracePeriod]
    ) -> HttpResponse | None:
        form = GracePeriodExtendForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._form_page(
                request,
                queryset,
                form=form,
                action="extend_selected",
                title="Extend grace periods",
            )
        actor = staff_actor(request)
        self._apply(
            request,
            queryset,
            verb="Extended",
            change=lambda grace_period: grace_period_extend(
                app=grace_period.app,
                actor=actor,
                grace_period_id=grace_period.pk,
                days=form.cleaned_data["days"],
                note=form.cleaned_data["note"],
            ),
        )
        return None
