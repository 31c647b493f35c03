"""The catalog's features: what plans grant. A `boolean` feature is on or off per plan, a
`static` one has a number or text per plan (e.g. seats = 10), and a `metered` one is a metric's
quota: its limit per period is the plan's `quotas` entry for that metric, so a metered feature
granted in a plan's `features` is written to its `quotas`."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from api.errors import ConflictError, ErrorCode, InvalidRequestError, NotFoundError
from audit.services import audit_event_record
from catalog.audit_actions import CatalogAuditAction
from catalog.errors import CatalogErrorCode
from catalog.models import Feature, FeatureType, Metric
from tenants.actors import Actor
from tenants.models import App
from tenants.scoping import TenantScopedQuerySet

STATIC_TEXT_MAX_LENGTH = 200
TARGET_TYPE = "feature"


def feature_snapshot(feature: Feature) -> dict[str, Any]:
    return {
        "id": feature.pk,
        "code": feature.code,
        "name": feature.name,
        "type": feature.type,
        "metric": feature.metric.code if feature.metric else None,
        "archived": feature.archived_at is not None,
    }


# Reads


def feature_list(
    *, app: App, code: str | None = None, archived: bool | None = None
) -> TenantScopedQuerySet[Feature]:
    features = Feature.objects.for_app(app).select_related("metric").order_by("-created_at", "-id")
    if code is not None:
        features = features.filter(code=code)
    if archived is not None:
        features = features.filter(archived_at__isnull=not archived)
    return features


def feature_get(*, app: App, feature_id: str) -> Feature:
    feature = feature_list(app=app).filter(pk=feature_id).first()
    if feature is None:
        raise NotFoundError("feature")
    return feature


# Writes


def feature_create(
    *, app: App, actor: Actor, code: str, name: str, type: str, metric: str | None = None
) -> Feature:
    measured = None
    if type == FeatureType.METERED:
        if not metric:
            raise InvalidRequestError("A metered feature names its metric.", param="metric")
        measured = Metric.objects.for_app(app).filter(code=metric).first()
        if measured is None:
            raise InvalidRequestError(
                f"No such metric: {metric!r}.", code=ErrorCode.RESOURCE_MISSING, param="metric"
            )
    elif metric:
        raise InvalidRequestError("Only a metered feature has a metric.", param="metric")
    try:
        with transaction.atomic():
            feature = Feature.objects.create(
                app=app, code=code, name=name, type=type, metric=measured
            )
            audit_event_record(
                app=app,
                actor=actor,
                action_type=CatalogAuditAction.CREATE_FEATURE,
                target_type=TARGET_TYPE,
                target_id=feature.pk,
                payload_snapshot=feature_snapshot(feature),
            )
    except IntegrityError:
        raise ConflictError(
            f"A feature with code {code!r} already exists.",
            code=CatalogErrorCode.FEATURE_CODE_TAKEN,
            param="code",
        ) from None
    return feature


def feature_update(*, app: App, actor: Actor, feature_id: str, name: str) -> Feature:
    with transaction.atomic():
        feature = (
            Feature.objects.for_app(app)
            .select_for_update(of=("self",))
            .select_related("metric")
            .filter(pk=feature_id)
            .first()
        )
        if feature is None:
            raise NotFoundError("feature")
        feature.name = name
        feature.save(update_fields=["name", "updated_at"])
        audit_event_record(
            app=app,
            actor=actor,
            action_type=CatalogAuditAction.UPDATE_FEATURE,
            target_type=TARGET_TYPE,
            target_id=feature.pk,
            payload_snapshot=feature_snapshot(feature),
        )
    return feature


def feature_archive(*, app: App, actor: Actor, feature_id: str) -> Feature:
    """An archived feature is left out of entitlements and cannot be granted anew; plans keep
    their grants of it, so unarchiving is not needed to undo a mistake: create it again."""
    with transaction.atomic():
        feature = (
            Feature.objects.for_app(app)
            .select_for_update(of=("self",))
            .select_related("metric")
            .filter(pk=feature_id)
            .first()
        )
        if feature is None:
            raise NotFoundError("feature")
        if feature.archived_at is None:
            feature.archived_at = timezone.now()
            feature.save(update_fields=["archived_at", "updated_at"])
            audit_event_record(
                app=app,
                actor=actor,
                action_type=CatalogAuditAction.ARCHIVE_FEATURE,
                target_type=TARGET_TYPE,
                target_id=feature.pk,
                payload_snapshot=feature_snapshot(feature),
            )
    return feature


# Grants


def feature_value_check(*, feature: Feature, value: Any, param: str) -> Any:
    """A value of `feature` as a plan grant or an override holds it; raises a 400 naming
    `param` when it is of the wrong type."""
    if feature.type == FeatureType.BOOLEAN:
        if not isinstance(value, bool):
            raise InvalidRequestError(
                f"The feature {feature.code!r} is boolean: use true or false.", param=param
            )
        return value
    if feature.type == FeatureType.STATIC:
        if isinstance(value, str):
            if len(value) > STATIC_TEXT_MAX_LENGTH:
                raise InvalidRequestError(
                    f"Use at most {STATIC_TEXT_MAX_LENGTH} characters.", param=param
                )
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            if isinstance(value, float) and value != value or abs(value) > 10**15:
                raise InvalidRequestError("The number is out of range.", param=param)
            return value
        raise InvalidRequestError(
            f"The feature {feature.code!r} is static: use a number or a string.", param=param
        )
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**15:
        raise InvalidRequestError(
            f"The feature {feature.code!r} is metered: use its limit per period, an integer "
            "of at least 0.",
            param=param,
        )
    return value


def plan_features_split(
    *, app: App, features: dict[str, Any], quotas: dict[str, int] | None
) -> tuple[dict[str, Any], dict[str, int]]:
    """A plan's `features` input as (boolean and static grants, quotas of the metered ones).
    Raises a 400 naming `features.<code>` for an unknown or archived feature or a wrong value,
    and for a metered one whose metric `quotas` also limits, differently."""
    known = {
        feature.code: feature
        for feature in Feature.objects.for_app(app)
        .filter(code__in=list(features), archived_at__isnull=True)
        .select_related("metric")
    }
    grants: dict[str, Any] = {}
    metered: dict[str, int] = {}
    for code, value in features.items():
        param = f"features.{code}"
        feature = known.get(code)
        if feature is None:
            raise InvalidRequestError(
                f"No such feature: {code!r}.", code=ErrorCode.RESOURCE_MISSING, param=param
            )
        checked = feature_value_check(feature=feature, value=value, param=param)
        if feature.type == FeatureType.METERED:
            metric_code = feature.metric.code  # type: ignore[union-attr]  # a metered feature has one
            if quotas is not None and quotas.get(metric_code, checked) != checked:
                raise InvalidRequestError(
                    f"quotas.{metric_code} and features.{code} disagree: a metered feature's "
                    "limit is the plan's quota.",
                    param=param,
                )
            metered[metric_code] = checked
        else:
            grants[code] = checked
    return grants, metered
