"""Reads of the catalog. Every function takes the app first and sees only that app's rows."""

from api.errors import NotFoundError
from catalog.models import Metric, Plan
from tenants.models import App
from tenants.scoping import TenantScopedQuerySet


def metric_get(*, app: App, metric_id: str) -> Metric:
    try:
        return Metric.objects.for_app(app).get(pk=metric_id)
    except Metric.DoesNotExist:
        raise NotFoundError("metric") from None


def metric_list(*, app: App, code: str | None = None) -> TenantScopedQuerySet[Metric]:
    metrics = Metric.objects.for_app(app)
    if code is not None:
        metrics = metrics.filter(code=code)
    return metrics


def plan_get(*, app: App, plan_id: str) -> Plan:
    plan = (
        Plan.objects.for_app(app)
        .select_related("current_version")
        .prefetch_related("current_version__metered__metric")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise NotFoundError("plan", param="plan")
    return plan


def plan_list(
    *, app: App, active: bool | None = None, code: str | None = None
) -> TenantScopedQuerySet[Plan]:
    plans = (
        Plan.objects.for_app(app)
        .select_related("current_version")
        .prefetch_related("current_version__metered__metric")
    )
    if active is not None:
        plans = plans.filter(is_active=active)
    if code:
        plans = plans.filter(code=code)
    return plans


# SQL over the catalog's tables, for the statements other apps compose (billing's customer and
# plan statements, usage's entitlements).

# Joins `{alias}`, the plan of {plan_id} (for its quotas); NULLs when there is none.
PLAN_JOIN = "LEFT JOIN billing_plan {alias} ON {alias}.id = {plan_id}"

# Joins `component`, the plan version's metered component of a metric (its included_quantity).
PLAN_METERED_COMPONENT_JOIN = """LEFT JOIN billing_planmeteredcomponent component
         ON component.plan_version_id = {plan_version_id} AND component.metric_id = {metric_id}"""

# Joins `feature`, each live (unarchived) feature of %(app)s meeting {feature_condition} (TRUE,
# or e.g. `feature.code = %(feature)s`), and `feature_metric`, a metered one's metric;
# FEATURE_COLUMNS are its id, code, name, type and metric code.
FEATURES_JOIN = """LEFT JOIN catalog_feature feature
         ON feature.app_id = %(app)s AND feature.archived_at IS NULL AND {feature_condition}
  LEFT JOIN usage_metric feature_metric ON feature_metric.id = feature.metric_id"""
FEATURE_COLUMNS = "feature.id, feature.code, feature.name, feature.type, feature_metric.code"

# After FEATURES_JOIN: joins the plan of {plan_id}; PLAN_FEATURE_GRANT is its grant of `feature`
# (a JSON value, NULL when the plan does not grant it).
PLAN_FEATURE_GRANT_JOIN = "LEFT JOIN billing_plan granting_plan ON granting_plan.id = {plan_id}"
PLAN_FEATURE_GRANT = "granting_plan.features -> feature.code"
