"""What the operator pages show over time (the MRR chart and its table) and the finance
exports (CSV), all read from our own tables: the MRR ledger and the payments."""

import csv
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

from api.money import Money
from backoffice.activity import (
    Activity,
    grace_period_activity,
    payment_recovery,
    subscription_activity,
    usage_activity,
    webhook_failure_activity,
)
from backoffice.charts import Bars, Line, Point, bar_chart, line_chart
from backoffice.mrr import PERIODS, mrr_by_app_and_month, mrr_series
from billing.models import Payment, PaymentStatus
from tenants.models import App

PERIOD_CHOICES = (("30d", "30 days"), ("12m", "12 months"))
EXPORT_BATCH = 2000


def _label(period: str, start: datetime) -> str:
    return start.strftime("%Y-%m-%d" if PERIODS[period] == "day" else "%Y-%m")


def mrr_context(*, app: App | None, period: str) -> dict[str, Any]:
    """The MRR chart (one line per currency), its table, and the period selector."""
    period = period if period in PERIODS else "12m"
    series = mrr_series(app=app, period=period)
    lines = [
        Line(
            name=one.currency.upper(),
            currency=one.currency,
            points=[
                Point(label=_label(period, item.start), value=item.mrr_minor)
                for item in one.periods
            ],
        )
        for one in series
    ]
    rows = [
        {
            "label": _label(period, item.start),
            "currency": one.currency,
            "new": Money(currency=one.currency, amount_minor=item.new_minor).display,
            "expansion": Money(currency=one.currency, amount_minor=item.expansion_minor).display,
            "contraction": Money(
                currency=one.currency, amount_minor=item.contraction_minor
            ).display,
            "churn": Money(currency=one.currency, amount_minor=item.churn_minor).display,
            "mrr": Money(currency=one.currency, amount_minor=item.mrr_minor).display,
            "mrr_minor": item.mrr_minor,
        }
        for one in series
        for item in one.periods
    ]
    return {
        "mrr_period": period,
        "mrr_periods": PERIOD_CHOICES,
        "mrr_chart": line_chart(title="MRR", lines=lines),
        "mrr_rows": rows,
    }


def _activity_chart(
    *, key: str, title: str, activity: Activity, charted: tuple[str, ...], names: dict[str, str]
) -> dict[str, Any]:
    labels = [bucket.label for bucket in activity.buckets]
    return {
        "key": key,
        "title": title,
        "chart": bar_chart(
            title=title,
            labels=labels,
            bars=[Bars(name=names[name], values=activity.counts[name]) for name in charted],
        ),
        "columns": [names[name] for name in activity.counts],
        "rows": [
            [row["label"], *(row[name] for name in activity.counts)] for row in activity.rows()
        ],
    }


def _usage_charts(*, app: App, period: str) -> list[dict[str, Any]]:
    charts = []
    for metric in usage_activity(app=app, period=period):
        activity = metric.activity
        labels = [bucket.label for bucket in activity.buckets]
        title = f"Usage of {metric.code}"
        names = {"usage": "Usage", "quota": "Quota line"}
        charts.append(
            {
                "key": f"usage-{metric.code}",
                "title": title,
                "chart": line_chart(
                    title=title,
                    lines=[
                        Line(
                            name=names[name],
                            currency="",
                            points=[
                                Point(label=label, value=value)
                                for label, value in zip(labels, activity.counts[name], strict=True)
                            ],
                        )
                        for name in ("usage", "quota")
                    ],
                ),
                "columns": [names[name] for name in activity.counts],
                "rows": [
                    [row["label"], *(row[name] for name in activity.counts)]
                    for row in activity.rows()
                ],
            }
        )
    return charts


def activity_context(*, app: App | None, period: str) -> dict[str, Any]:
    """The other charts of the overview pages, each with its table, over the same period (an
    app's page adds its usage per metric with the quota line)."""
    period = period if period in PERIODS else "12m"
    usage_charts = _usage_charts(app=app, period=period) if app is not None else []
    return {
        "activity_charts": usage_charts
        + [
            _activity_chart(
                key="subscriptions",
                title="Subscriptions and trials running",
                activity=subscription_activity(app=app, period=period),
                charted=("subscriptions", "trials"),
                names={"subscriptions": "Subscriptions", "trials": "Trials"},
            ),
            _activity_chart(
                key="payments",
                title="Failed and recovered payments",
                activity=payment_recovery(app=app, period=period),
                charted=("failed_payments", "failed_renewals", "recovered"),
                names={
                    "failed_payments": "Failed payments",
                    "failed_renewals": "Failed renewals (grace opened)",
                    "recovered": "Recovered",
                    "recovery_rate_percent": "Recovery rate %",
                },
            ),
            _activity_chart(
                key="grace",
                title="Grace periods",
                activity=grace_period_activity(app=app, period=period),
                charted=("opened", "resolved", "expired"),
                names={"opened": "Opened", "resolved": "Resolved", "expired": "Expired"},
            ),
            _activity_chart(
                key="webhooks",
                title="Webhook delivery failures",
                activity=webhook_failure_activity(app=app, period=period),
                charted=("failed_deliveries",),
                names={"failed_deliveries": "Failed deliveries"},
            ),
        ]
    }


class _Echo:
    """csv.writer's file: hands each row back for streaming."""

    def write(self, value: str) -> str:
        return value


def _major(amount_minor: int, currency: str) -> str:
    return Money(currency=currency, amount_minor=amount_minor).plain


def mrr_csv() -> HttpResponse:
    """MRR by app and month (the last 12), with each month's movements, for finance."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(
            [
                "app_id",
                "app_name",
                "month",
                "currency",
                "new_mrr",
                "expansion_mrr",
                "contraction_mrr",
                "churned_mrr",
                "net_change",
                "mrr_at_month_end",
            ]
        )
        for row in mrr_by_app_and_month():
            period = row["period"]
            yield writer.writerow(
                [
                    row["app_id"],
                    row["app_name"],
                    period.start.strftime("%Y-%m"),
                    period.currency,
                    *(
                        _major(amount, period.currency)
                        for amount in (
                            period.new_minor,
                            period.expansion_minor,
                            period.contraction_minor,
                            period.churn_minor,
                            period.change_minor,
                            period.mrr_minor,
                        )
                    ),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mrr-by-app-and-month.csv"'
    return response  # type: ignore[return-value]  # a streaming response is an HttpResponseBase


def failed_payments_csv() -> HttpResponse:
    """Every failed payment of every app, newest first, read in batches."""
    writer = csv.writer(_Echo())
    payments = (
        Payment.objects.all_tenants()
        .filter(status=PaymentStatus.FAILED)
        .select_related("app", "customer")
        .order_by("-created_at", "pk")
    )

    def lines() -> Iterator[str]:
        yield writer.writerow(
            [
                "app_id",
                "app_name",
                "payment_id",
                "customer_id",
                "customer_external_id",
                "amount",
                "currency",
                "failure_code",
                "decline_code",
                "failure_message",
                "created_at",
            ]
        )
        for payment in payments.iterator(chunk_size=EXPORT_BATCH):
            yield writer.writerow(
                [
                    payment.app_id,
                    payment.app.name,
                    payment.pk,
                    payment.customer_id,
                    payment.customer.external_id,
                    _major(payment.amount, payment.currency),
                    payment.currency,
                    payment.failure_code,
                    payment.decline_code,
                    payment.failure_message,
                    payment.created_at.isoformat(),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="failed-payments.csv"'
    return response  # type: ignore[return-value]  # a streaming response is an HttpResponseBase
