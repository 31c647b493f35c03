from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.feature_entitlement_output_object_enum import FeatureEntitlementOutputObjectEnum
from ..models.source_enum import SourceEnum
from ..models.type_enum import TypeEnum

if TYPE_CHECKING:
    from ..models.feature_entitlement_override_output import FeatureEntitlementOverrideOutput


T = TypeVar("T", bound="FeatureEntitlementOutput")


@_attrs_define
class FeatureEntitlementOutput:
    """
    Attributes:
        allowed (bool): Granted (a boolean one: true); a metered one: as its metric's entitlement.
        feature (str): The feature's code.
        limit (int | None): Metered features only.
        metric (None | str): A metered feature's metric.
        name (str):
        object_ (FeatureEntitlementOutputObjectEnum): * `feature_entitlement` - feature_entitlement
        override (FeatureEntitlementOverrideOutput | None): The override in force, if any.
        reason (str): granted, not_granted, overridden, no_active_subscription, or a metered one's metric entitlement
            reason.
        remaining (int | None): Metered features only.
        source (None | SourceEnum): What grants the value.

            * `plan` - plan
            * `override` - override
        type_ (TypeEnum): * `boolean` - boolean
            * `static` - static
            * `metered` - metered
        used (int | None): Metered features only.
        value (Any): true/false for a boolean feature; the number or text for a static one (null when not granted); the
            limit per period for a metered one (null: unlimited or not granted).
    """

    allowed: bool
    feature: str
    limit: int | None
    metric: None | str
    name: str
    object_: FeatureEntitlementOutputObjectEnum
    override: FeatureEntitlementOverrideOutput | None
    reason: str
    remaining: int | None
    source: None | SourceEnum
    type_: TypeEnum
    used: int | None
    value: Any
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.feature_entitlement_override_output import FeatureEntitlementOverrideOutput  # noqa: PLC0415

        allowed = self.allowed

        feature = self.feature

        limit: int | None
        limit = self.limit

        metric: None | str
        metric = self.metric

        name = self.name

        object_ = self.object_.value

        override: dict[str, Any] | None
        if isinstance(self.override, FeatureEntitlementOverrideOutput):
            override = self.override.to_dict()
        else:
            override = self.override

        reason = self.reason

        remaining: int | None
        remaining = self.remaining

        source: None | str
        if isinstance(self.source, SourceEnum):
            source = self.source.value
        else:
            source = self.source

        type_ = self.type_.value

        used: int | None
        used = self.used

        value = self.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allowed": allowed,
                "feature": feature,
                "limit": limit,
                "metric": metric,
                "name": name,
                "object": object_,
                "override": override,
                "reason": reason,
                "remaining": remaining,
                "source": source,
                "type": type_,
                "used": used,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.feature_entitlement_override_output import FeatureEntitlementOverrideOutput  # noqa: PLC0415

        d = dict(src_dict)
        allowed = d.pop("allowed")

        feature = d.pop("feature")

        def _parse_limit(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        limit = _parse_limit(d.pop("limit"))

        def _parse_metric(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        metric = _parse_metric(d.pop("metric"))

        name = d.pop("name")

        object_ = FeatureEntitlementOutputObjectEnum(d.pop("object"))

        def _parse_override(data: object) -> FeatureEntitlementOverrideOutput | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                override_type_1 = FeatureEntitlementOverrideOutput.from_dict(data)

                return override_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FeatureEntitlementOverrideOutput | None, data)

        override = _parse_override(d.pop("override"))

        reason = d.pop("reason")

        def _parse_remaining(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        remaining = _parse_remaining(d.pop("remaining"))

        def _parse_source(data: object) -> None | SourceEnum:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                source_type_0 = SourceEnum(data)

                return source_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SourceEnum, data)

        source = _parse_source(d.pop("source"))

        type_ = TypeEnum(d.pop("type"))

        def _parse_used(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        used = _parse_used(d.pop("used"))

        value = d.pop("value")

        feature_entitlement_output = cls(
            allowed=allowed,
            feature=feature,
            limit=limit,
            metric=metric,
            name=name,
            object_=object_,
            override=override,
            reason=reason,
            remaining=remaining,
            source=source,
            type_=type_,
            used=used,
            value=value,
        )

        feature_entitlement_output.additional_properties = d
        return feature_entitlement_output

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
