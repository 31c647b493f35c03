from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.patched_plan_update_input_request_features import (
        PatchedPlanUpdateInputRequestFeatures,
    )
    from ..models.patched_plan_update_input_request_metadata import (
        PatchedPlanUpdateInputRequestMetadata,
    )
    from ..models.patched_plan_update_input_request_quotas import (
        PatchedPlanUpdateInputRequestQuotas,
    )
    from ..models.plan_base_input_request import PlanBaseInputRequest
    from ..models.plan_metered_input_request import PlanMeteredInputRequest


T = TypeVar("T", bound="PatchedPlanUpdateInputRequest")


@_attrs_define
class PatchedPlanUpdateInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        base (None | PlanBaseInputRequest | Unset):
        description (str | Unset):
        features (PatchedPlanUpdateInputRequestFeatures | Unset): {feature code: value}: true/false for a boolean
            feature, a number or a string (at most 200 characters) for a static one, the limit per period for a metered one
            (written to `quotas` under its metric's code).
        grace_period_days (int | Unset):
        metadata (PatchedPlanUpdateInputRequestMetadata | Unset):
        metered (list[PlanMeteredInputRequest] | Unset):
        name (str | Unset):
        quotas (PatchedPlanUpdateInputRequestQuotas | Unset):
        trial_period_days (int | Unset):
    """

    base: None | PlanBaseInputRequest | Unset = UNSET
    description: str | Unset = UNSET
    features: PatchedPlanUpdateInputRequestFeatures | Unset = UNSET
    grace_period_days: int | Unset = UNSET
    metadata: PatchedPlanUpdateInputRequestMetadata | Unset = UNSET
    metered: list[PlanMeteredInputRequest] | Unset = UNSET
    name: str | Unset = UNSET
    quotas: PatchedPlanUpdateInputRequestQuotas | Unset = UNSET
    trial_period_days: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.plan_base_input_request import PlanBaseInputRequest  # noqa: PLC0415

        base: dict[str, Any] | None | Unset
        if isinstance(self.base, Unset):
            base = UNSET
        elif isinstance(self.base, PlanBaseInputRequest):
            base = self.base.to_dict()
        else:
            base = self.base

        description = self.description

        features: dict[str, Any] | Unset = UNSET
        if not isinstance(self.features, Unset):
            features = self.features.to_dict()

        grace_period_days = self.grace_period_days

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        metered: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.metered, Unset):
            metered = []
            for metered_item_data in self.metered:
                metered_item = metered_item_data.to_dict()
                metered.append(metered_item)

        name = self.name

        quotas: dict[str, Any] | Unset = UNSET
        if not isinstance(self.quotas, Unset):
            quotas = self.quotas.to_dict()

        trial_period_days = self.trial_period_days

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if base is not UNSET:
            field_dict["base"] = base
        if description is not UNSET:
            field_dict["description"] = description
        if features is not UNSET:
            field_dict["features"] = features
        if grace_period_days is not UNSET:
            field_dict["grace_period_days"] = grace_period_days
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if metered is not UNSET:
            field_dict["metered"] = metered
        if name is not UNSET:
            field_dict["name"] = name
        if quotas is not UNSET:
            field_dict["quotas"] = quotas
        if trial_period_days is not UNSET:
            field_dict["trial_period_days"] = trial_period_days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.patched_plan_update_input_request_features import (
            PatchedPlanUpdateInputRequestFeatures,  # noqa: PLC0415
        )
        from ..models.patched_plan_update_input_request_metadata import (
            PatchedPlanUpdateInputRequestMetadata,  # noqa: PLC0415
        )
        from ..models.patched_plan_update_input_request_quotas import (
            PatchedPlanUpdateInputRequestQuotas,  # noqa: PLC0415
        )
        from ..models.plan_base_input_request import PlanBaseInputRequest  # noqa: PLC0415
        from ..models.plan_metered_input_request import PlanMeteredInputRequest  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_base(data: object) -> None | PlanBaseInputRequest | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                base_type_1 = PlanBaseInputRequest.from_dict(data)

                return base_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PlanBaseInputRequest | Unset, data)

        base = _parse_base(d.pop("base", UNSET))

        description = d.pop("description", UNSET)

        _features = d.pop("features", UNSET)
        features: PatchedPlanUpdateInputRequestFeatures | Unset
        if isinstance(_features, Unset):
            features = UNSET
        else:
            features = PatchedPlanUpdateInputRequestFeatures.from_dict(_features)

        grace_period_days = d.pop("grace_period_days", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: PatchedPlanUpdateInputRequestMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = PatchedPlanUpdateInputRequestMetadata.from_dict(_metadata)

        _metered = d.pop("metered", UNSET)
        metered: list[PlanMeteredInputRequest] | Unset = UNSET
        if _metered is not UNSET:
            metered = []
            for metered_item_data in _metered:
                metered_item = PlanMeteredInputRequest.from_dict(metered_item_data)

                metered.append(metered_item)

        name = d.pop("name", UNSET)

        _quotas = d.pop("quotas", UNSET)
        quotas: PatchedPlanUpdateInputRequestQuotas | Unset
        if isinstance(_quotas, Unset):
            quotas = UNSET
        else:
            quotas = PatchedPlanUpdateInputRequestQuotas.from_dict(_quotas)

        trial_period_days = d.pop("trial_period_days", UNSET)

        patched_plan_update_input_request = cls(
            base=base,
            description=description,
            features=features,
            grace_period_days=grace_period_days,
            metadata=metadata,
            metered=metered,
            name=name,
            quotas=quotas,
            trial_period_days=trial_period_days,
        )

        patched_plan_update_input_request.additional_properties = d
        return patched_plan_update_input_request

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
