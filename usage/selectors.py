"""Reads of the usage app. Every function takes the app first and sees only that app's rows."""

from api.errors import NotFoundError
from tenants.models import App
from tenants.scoping import TenantScopedQuerySet
from usage.models import Metric


def metric_get(*, app: App, metric_id: str) -> Metric:
    try:
        return Metric.objects.for_app(app).get(pk=metric_id)
    except Metric.DoesNotExist:
        raise NotFoundError("metric") from None


def metric_get_by_code(*, app: App, code: str, param: str = "metric") -> Metric:
    try:
        return Metric.objects.for_app(app).get(code=code)
    except Metric.DoesNotExist:
        raise NotFoundError("metric", param=param) from None


def metric_list(*, app: App, code: str | None = None) -> TenantScopedQuerySet:
    metrics = Metric.objects.for_app(app)
    if code is not None:
        metrics = metrics.filter(code=code)
    return metrics
