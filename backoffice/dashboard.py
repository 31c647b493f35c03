"""The operator dashboard: one overview page per app and a portfolio page over every app, in
Django's admin (`/admin/tenants/app/<id>/overview/` and `/admin/tenants/app/portfolio/`).

Everything here only reads, across apps by design, so it goes through `all_tenants()` (the
portfolio) or `for_app(app)` (one app's overview). Each figure costs one grouped query, never
one query per app or per row."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, models, transaction
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html

from api.errors import ServiceError
from api.money import Money
from backoffice.mrr import MRR_STATUSES, monthly_amount
from backoffice.reports import activity_context, failed_payments_csv, mrr_context, mrr_csv
from billing.models import (
    Customer,
    Invoice,
    InvoicePaymentAttempt,
    InvoicePaymentAttemptStatus,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    Subscription,
    SubscriptionStatus,
)
from billing.providers.base import ProviderError
from billing.providers.pending import SyncState
from catalog.models import Metric, Plan
from catalog.services import catalog_sync_run
from grace.models import GracePeriod, GraceStatus
from notifications.models import WebhookDelivery, WebhookDeliveryStatus
from tenants.actors import Actor
from tenants.models import App
from usage.sync import usage_backlog, usage_sync_run

# The subscriptions a customer is currently on (trials included), for the headline figure.
CURRENT_STATUSES = (
    SubscriptionStatus.TRIALING,
    SubscriptionStatus.ACTIVE,
    SubscriptionStatus.PAST_DUE,
)
# A provider sync still pending after this has missed its request and at least one retry run.
SYNC_PENDING_TOO_LONG = timedelta(minutes=15)
# What "recent" means for the failure counts of the portfolio.
RECENT_FAILURES_WINDOW = timedelta(days=7)
RECENT_ROWS = 10
OPEN_GRACE_ROWS = 50


@dataclass(frozen=True, kw_only=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True, kw_only=True)
class MetricUsageFigure:
    metric: Metric
    total: int | None
    event_count: int | None
    customer_count: int | None
    admin_url: str = ""


@dataclass(frozen=True, kw_only=True)
class Failure:
    kind: str
    object_id: str
    status: str
    detail: str
    at: datetime | None
    admin_url: str = ""
    # The admin action that fixes it (its changelist, the action's name, the button's label).
    action_url: str = ""
    action: str = ""
    action_label: str = ""
    action_object_id: str = ""


@dataclass(kw_only=True)
class AppOverview:
    app: App
    customer_count: int
    subscriptions_by_status: list[StatusCount]
    mrr: list[Money]
    usage: list[MetricUsageFigure]
    usage_available: bool
    open_grace_periods: list[GracePeriod]
    open_grace_period_count: int
    failed_payments: list[Failure]
    failed_deliveries: list[Failure]
    failed_syncs: list[Failure]
    generated_at: datetime

    @property
    def failure_count(self) -> int:
        return len(self.failed_payments) + len(self.failed_deliveries) + len(self.failed_syncs)


@dataclass(kw_only=True)
class PortfolioRow:
    app: App
    customer_count: int = 0
    current_subscription_count: int = 0
    mrr: list[Money] = field(default_factory=list)
    open_grace_period_count: int = 0
    recent_failure_count: int = 0


def admin_change_url(instance: models.Model) -> str:
    """The object's admin page, or "" when its model has no admin (yet)."""
    if not admin.site.is_registered(type(instance)):
        return ""
    opts = instance._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
    except NoReverseMatch:
        return ""


def admin_changelist_url(model: type[models.Model], **filters: str) -> str:
    opts = model._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    except NoReverseMatch:
        return ""
    if filters:
        url += "?" + "&".join(f"{key}={value}" for key, value in filters.items())
    return url


# Figures


def _mrr_from_rows(rows: Iterable[dict[str, Any]]) -> list[Money]:
    """Rows of (currency, interval, interval_count, summed base amount) → monthly totals per
    currency, rounded once at the end so many small yearly plans do not lose cents."""
    totals: dict[str, Fraction] = defaultdict(Fraction)
    for row in rows:
        totals[row["currency"]] += monthly_amount(
            amount_minor=row["amount"] or 0,
            interval=row["interval"],
            interval_count=row["interval_count"],
        )
    return [
        Money(currency=currency, amount_minor=round(total))
        for currency, total in sorted(totals.items())
    ]


def _mrr_rows(
    subscriptions: models.QuerySet[Subscription],
) -> models.QuerySet[Subscription, Any]:
    return (
        subscriptions.filter(status__in=MRR_STATUSES, plan_version__base_amount__isnull=False)
        .values(
            "app_id",
            currency=models.F("plan__currency"),
            interval=models.F("plan_version__interval"),
            interval_count=models.F("plan_version__interval_count"),
        )
        .annotate(amount=Sum("plan_version__base_amount"))
        .order_by()
    )


def _subscriptions_by_status(app: App) -> list[StatusCount]:
    counts = dict(
        Subscription.objects.for_app(app)
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    labels = dict(SubscriptionStatus.choices)
    ordered = [status for status in SubscriptionStatus.values if status in counts]
    ordered += sorted(status for status in counts if status not in labels)
    return [
        StatusCount(status=status, label=labels.get(status, status), count=counts[status])
        for status in ordered
    ]


def _usage_rollup_model() -> type[Any] | None:
    """The usage app's per-period rollups, when that app has them (looked up by name, so
    its fields are unknown to mypy)."""
    try:
        return apps.get_model("usage", "UsageRollup")
    except LookupError:
        return None


def _usage_this_period(app: App, *, now: datetime) -> tuple[list[MetricUsageFigure], bool]:
    """Per metric, the usage of the billing periods running now (each customer's own period),
    summed over customers. Without rollups (or if reading them fails) the metrics are listed
    with no figures, so the rest of the page still renders."""
    metrics = list(Metric.objects.for_app(app).order_by("code"))
    rollup_model = _usage_rollup_model()
    figures: dict[str, dict[str, int]] = {}
    available = False
    if rollup_model is not None:
        try:
            # A savepoint: a failed read must not break the page's (or a test's) transaction.
            with transaction.atomic():
                figures = {
                    row["metric_id"]: row
                    for row in rollup_model.objects.for_app(app)
                    .filter(period_start__lte=now, period_end__gt=now)
                    .values("metric_id")
                    .annotate(
                        total=Sum("value"),
                        event_count=Sum("event_count"),
                        customer_count=Count("customer_id", distinct=True),
                    )
                    .order_by()
                }
            available = True
        except DatabaseError:
            figures = {}
    return [
        MetricUsageFigure(
            metric=metric,
            total=figures.get(metric.pk, {}).get("total", 0) if available else None,
            event_count=figures.get(metric.pk, {}).get("event_count", 0) if available else None,
            customer_count=(
                figures.get(metric.pk, {}).get("customer_count", 0) if available else None
            ),
            admin_url=admin_change_url(metric),
        )
        for metric in metrics
    ], available


def _failed_payments(app: App) -> list[Failure]:
    payments = (
        Payment.objects.for_app(app)
        .filter(status=PaymentStatus.FAILED)
        .select_related("customer")
        .order_by("-created_at")[:RECENT_ROWS]
    )
    failures = [
        Failure(
            kind="payment",
            object_id=payment.pk,
            status=payment.status,
            detail=" — ".join(
                part
                for part in (
                    Money(currency=payment.currency, amount_minor=payment.amount).display,
                    str(payment.customer),
                    payment.decline_code or payment.failure_code,
                    payment.failure_message,
                )
                if part
            ),
            at=payment.created_at,
            admin_url=admin_change_url(payment),
        )
        for payment in payments
    ] + _failed_invoice_payments(app)
    failures.sort(key=lambda failure: failure.at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return failures[:RECENT_ROWS]


def _failed_invoice_payments(app: App) -> list[Failure]:
    """Failed charges of invoices: renewals (and their retries) the provider could not collect."""
    attempts = (
        InvoicePaymentAttempt.objects.for_app(app)
        .filter(status=InvoicePaymentAttemptStatus.FAILED)
        .select_related("invoice__customer")
        .order_by("-created_at")[:RECENT_ROWS]
    )
    return [
        Failure(
            kind="renewal" if attempt.invoice.billing_reason == "subscription_cycle" else "invoice",
            object_id=attempt.invoice_id,
            status=attempt.status,
            detail=" — ".join(
                part
                for part in (
                    Money(currency=attempt.currency, amount_minor=attempt.amount).display,
                    str(attempt.invoice.customer),
                    attempt.invoice.number,
                    attempt.decline_code or attempt.failure_code,
                    attempt.failure_message,
                )
                if part
            ),
            at=attempt.created_at,
            admin_url=admin_change_url(attempt.invoice),
            **(
                {
                    "action_url": admin_changelist_url(Invoice),
                    "action": "retry_payment_selected",
                    "action_label": "Retry now",
                    "action_object_id": attempt.invoice_id,
                }
                if attempt.invoice.status == InvoiceStatus.OPEN
                else {}
            ),
        )
        for attempt in attempts
    ]


def _failing_deliveries(app: App) -> list[Failure]:
    deliveries = (
        WebhookDelivery.objects.for_app(app)
        .filter(
            models.Q(status=WebhookDeliveryStatus.FAILED)
            | models.Q(status=WebhookDeliveryStatus.PENDING, attempt_count__gt=0)
        )
        .select_related("endpoint", "event")
        .order_by("-created_at")[:RECENT_ROWS]
    )
    return [
        Failure(
            kind="webhook delivery",
            object_id=delivery.pk,
            status=(
                delivery.status
                if delivery.status == WebhookDeliveryStatus.FAILED
                else f"retrying (attempt {delivery.attempt_count})"
            ),
            detail=" — ".join(
                part
                for part in (
                    delivery.event.event_type,
                    delivery.endpoint.url,
                    str(delivery.last_response_status or ""),
                    delivery.last_error,
                )
                if part
            ),
            at=delivery.created_at,
            admin_url=admin_change_url(delivery),
            action_url=admin_changelist_url(WebhookDelivery),
            action="redeliver_selected",
            action_label="Redeliver",
            action_object_id=str(delivery.pk),
        )
        for delivery in deliveries
    ]


def _stuck_sync_filter(now: datetime) -> models.Q:
    return models.Q(sync_state=SyncState.FAILED) | models.Q(
        sync_state=SyncState.PENDING, updated_at__lt=now - SYNC_PENDING_TOO_LONG
    )


_SYNCED_MODELS: tuple[tuple[str, type[Plan] | type[Metric] | type[Subscription]], ...] = (
    ("plan", Plan),
    ("metric", Metric),
    ("subscription", Subscription),
)


def _sync_retry_action(instance: models.Model) -> dict[str, str]:
    """A subscription still pending at the provider can be asked for again now (a failed one
    was refused: asking again with the same key gets the same answer); a plan or meter is made
    again by the app's catalog sync."""
    if isinstance(instance, Subscription) and instance.sync_state == SyncState.PENDING:
        return {
            "action_url": admin_changelist_url(Subscription),
            "action": "retry_sync_selected",
            "action_label": "Retry now",
            "action_object_id": instance.pk,
        }
    if isinstance(instance, Plan | Metric):
        # The app's catalog sync makes whatever the provider lacks (plans, prices, meters).
        return {
            "action_url": reverse("admin:tenants_app_catalog_sync", args=[instance.app_id]),
            "action": "catalog_sync",
            "action_label": "Sync the catalog",
            "action_object_id": instance.app_id,
        }
    return {}


def _failed_syncs(app: App, *, now: datetime) -> list[Failure]:
    failures = []
    for kind, model in _SYNCED_MODELS:
        for instance in (
            model.objects.for_app(app)
            .filter(_stuck_sync_filter(now))
            .order_by("-updated_at")[:RECENT_ROWS]
        ):
            failures.append(
                Failure(
                    kind=f"{kind} sync",
                    object_id=instance.pk,
                    status=(
                        instance.sync_state
                        if instance.sync_state == SyncState.FAILED
                        else "pending too long"
                    ),
                    detail=str(instance),
                    at=instance.updated_at,
                    admin_url=admin_change_url(instance),
                    **_sync_retry_action(instance),
                )
            )
    failures.sort(key=lambda failure: failure.at or now, reverse=True)
    return failures[:RECENT_ROWS]


def _usage_backlog(app: App, *, now: datetime) -> list[Failure]:
    """Meter reports waiting to reach the provider, with the oldest one's age and the button
    that runs the app's usage sync now."""
    count, oldest = usage_backlog(app=app)
    if not count or oldest is None:
        return []
    age = now - oldest
    return [
        Failure(
            kind="usage sync backlog",
            object_id=app.pk,
            status=f"{count} pending",
            detail=f"the oldest waits since {int(age.total_seconds() // 60)} min",
            at=oldest,
            action_url=reverse("admin:tenants_app_usage_sync", args=[app.pk]),
            action="usage_sync",
            action_label="Sync now",
            action_object_id=app.pk,
        )
    ]


def app_overview(*, app: App, now: datetime | None = None) -> AppOverview:
    now = now or timezone.now()
    usage, usage_available = _usage_this_period(app, now=now)
    open_grace_periods = GracePeriod.objects.for_app(app).filter(status=GraceStatus.ACTIVE)
    return AppOverview(
        app=app,
        customer_count=Customer.objects.for_app(app).count(),
        subscriptions_by_status=_subscriptions_by_status(app),
        mrr=_mrr_from_rows(_mrr_rows(Subscription.objects.for_app(app))),
        usage=usage,
        usage_available=usage_available,
        open_grace_periods=list(
            open_grace_periods.select_related("customer", "subscription", "metric").order_by(
                "ends_at", "pk"
            )[:OPEN_GRACE_ROWS]
        ),
        open_grace_period_count=open_grace_periods.count(),
        failed_payments=_failed_payments(app),
        failed_deliveries=_failing_deliveries(app),
        failed_syncs=_failed_syncs(app, now=now) + _usage_backlog(app, now=now),
        generated_at=now,
    )


def _count_by_app(queryset: models.QuerySet[Any]) -> dict[str, int]:
    return dict(queryset.values_list("app_id").annotate(count=Count("pk")).order_by())


def portfolio_overview(*, now: datetime | None = None) -> list[PortfolioRow]:
    """Every app with its headline figures, in a fixed number of queries."""
    now = now or timezone.now()
    since = now - RECENT_FAILURES_WINDOW
    rows = {app.pk: PortfolioRow(app=app) for app in App.objects.order_by("name", "pk")}

    def add(counts: dict[str, int], attribute: str) -> None:
        for app_id, count in counts.items():
            # An app created since the first query waits for the next page load.
            if app_id in rows:
                setattr(rows[app_id], attribute, getattr(rows[app_id], attribute) + count)

    add(_count_by_app(Customer.objects.all_tenants()), "customer_count")
    add(
        _count_by_app(Subscription.objects.all_tenants().filter(status__in=CURRENT_STATUSES)),
        "current_subscription_count",
    )
    add(
        _count_by_app(GracePeriod.objects.all_tenants().filter(status=GraceStatus.ACTIVE)),
        "open_grace_period_count",
    )
    add(
        _count_by_app(
            Payment.objects.all_tenants().filter(status=PaymentStatus.FAILED, created_at__gte=since)
        ),
        "recent_failure_count",
    )
    add(
        _count_by_app(
            InvoicePaymentAttempt.objects.all_tenants().filter(
                status=InvoicePaymentAttemptStatus.FAILED, created_at__gte=since
            )
        ),
        "recent_failure_count",
    )
    add(
        _count_by_app(
            WebhookDelivery.objects.all_tenants().filter(
                status=WebhookDeliveryStatus.FAILED, created_at__gte=since
            )
        ),
        "recent_failure_count",
    )
    for _, model in _SYNCED_MODELS:
        add(
            _count_by_app(model.objects.all_tenants().filter(_stuck_sync_filter(now))),
            "recent_failure_count",
        )
    mrr_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _mrr_rows(Subscription.objects.all_tenants()):
        mrr_rows[row["app_id"]].append(row)
    for app_id, app_rows in mrr_rows.items():
        if app_id in rows:
            rows[app_id].mrr = _mrr_from_rows(app_rows)
    return list(rows.values())


# The admin pages


class AppOverviewAdminMixin:
    """Adds the overview and portfolio pages to the App admin, behind its view permission."""

    admin_site: admin.AdminSite
    opts: Any

    def get_urls(self) -> list[URLPattern]:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        # Ahead of the defaults: `<path:object_id>/` would otherwise take `portfolio/`.
        return [
            path(
                "portfolio/",
                self.admin_site.admin_view(self.portfolio_view),
                name=f"{prefix}_portfolio",
            ),
            path(
                "portfolio/mrr.csv",
                self.admin_site.admin_view(self.mrr_csv_view),
                name=f"{prefix}_mrr_csv",
            ),
            path(
                "portfolio/failed-payments.csv",
                self.admin_site.admin_view(self.failed_payments_csv_view),
                name=f"{prefix}_failed_payments_csv",
            ),
            path(
                "<path:object_id>/overview/catalog-sync/",
                self.admin_site.admin_view(self.catalog_sync_view),
                name=f"{prefix}_catalog_sync",
            ),
            path(
                "<path:object_id>/overview/usage-sync/",
                self.admin_site.admin_view(self.usage_sync_view),
                name=f"{prefix}_usage_sync",
            ),
            path(
                "<path:object_id>/overview/",
                self.admin_site.admin_view(self.overview_view),
                name=f"{prefix}_overview",
            ),
            *super().get_urls(),  # type: ignore[misc]  # a mixin: ModelAdmin follows in the MRO
        ]

    @admin.display(description="Overview")
    def overview_link(self, app: App) -> str:
        return format_html(
            '<a href="{}">Overview</a>', reverse("admin:tenants_app_overview", args=[app.pk])
        )

    def _context(self, request: HttpRequest, **context: Any) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "opts": self.opts, **context}

    def overview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        app = App.objects.filter(pk=object_id).first()
        if app is None:
            raise Http404("No such app.")
        if not self.has_view_permission(request, app):  # type: ignore[attr-defined]  # a mixin: ModelAdmin provides it
            raise PermissionDenied
        grace_opts = GracePeriod._meta
        return TemplateResponse(
            request,
            "admin/tenants/app/overview.html",
            self._context(
                request,
                title=f"{app.name} — overview",
                original=app,
                overview=app_overview(app=app),
                **mrr_context(app=app, period=request.GET.get("period", "")),
                **activity_context(app=app, period=request.GET.get("period", "")),
                can_resolve_grace_periods=request.user.has_perm(
                    f"{grace_opts.app_label}.change_{grace_opts.model_name}"
                ),
                grace_periods_url=admin_changelist_url(
                    GracePeriod, app__id__exact=app.pk, status__exact=GraceStatus.ACTIVE
                ),
                payments_url=admin_changelist_url(
                    Payment, app__id__exact=app.pk, status__exact=PaymentStatus.FAILED
                ),
                deliveries_url=admin_changelist_url(WebhookDelivery, app__id__exact=app.pk),
                customers_url=admin_changelist_url(Customer, app__id__exact=app.pk),
                subscriptions_url=admin_changelist_url(Subscription, app__id__exact=app.pk),
            ),
        )

    def catalog_sync_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """POST: pushes the app's catalog to its provider now (audited under the operator),
        then back to the overview with what it made."""
        app = self._app_for_action(request, object_id)
        try:
            report = catalog_sync_run(app=app, actor=Actor.staff(request.user.get_username()))
        except (ProviderError, ServiceError) as error:
            messages.error(request, f"The catalog sync failed: {error}")
        else:
            messages.success(
                request,
                f"Catalog sync: {len(report.created)} made at the provider, "
                f"{len(report.drift)} drift reported.",
            )
        return HttpResponseRedirect(reverse("admin:tenants_app_overview", args=[app.pk]))

    def _app_for_action(self, request: HttpRequest, object_id: str) -> App:
        app = App.objects.filter(pk=object_id).first()
        if app is None:
            raise Http404("No such app.")
        if request.method != "POST" or not request.user.has_perm("tenants.change_app"):
            raise PermissionDenied
        return app

    def usage_sync_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """POST: runs the app's usage sync now (audited under the operator), then back to the
        overview with what it did."""
        app = self._app_for_action(request, object_id)
        summary = usage_sync_run(app=app, actor=Actor.staff(request.user.get_username()))
        if summary.skipped:
            messages.warning(request, "Another usage sync is running; try again in a minute.")
        else:
            messages.success(
                request,
                f"Usage sync: {summary.reported} reported, {summary.failed} failed, "
                f"{summary.deferred} waiting for their retry time.",
            )
        return HttpResponseRedirect(reverse("admin:tenants_app_overview", args=[app.pk]))

    def mrr_csv_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):  # type: ignore[attr-defined]  # a mixin: ModelAdmin provides it
            raise PermissionDenied
        return mrr_csv()

    def failed_payments_csv_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):  # type: ignore[attr-defined]  # a mixin: ModelAdmin provides it
            raise PermissionDenied
        return failed_payments_csv()

    def portfolio_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):  # type: ignore[attr-defined]  # a mixin: ModelAdmin provides it
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/tenants/app/portfolio.html",
            self._context(
                request,
                title="Portfolio overview",
                rows=portfolio_overview(),
                **mrr_context(app=None, period=request.GET.get("period", "")),
                **activity_context(app=None, period=request.GET.get("period", "")),
                recent_failures_days=RECENT_FAILURES_WINDOW.days,
            ),
        )
