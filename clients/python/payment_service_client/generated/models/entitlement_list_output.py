from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.entitlement_list_output_object_enum import EntitlementListOutputObjectEnum

if TYPE_CHECKING:
    from ..models.entitlement_output import EntitlementOutput
    from ..models.feature_entitlement_output import FeatureEntitlementOutput


T = TypeVar("T", bound="EntitlementListOutput")


@_attrs_define
class EntitlementListOutput:
    """
    Attributes:
        data (list[EntitlementOutput]): One per metric of the plan.
        features (list[FeatureEntitlementOutput]): One per live feature of the app.
        has_more (bool):
        object_ (EntitlementListOutputObjectEnum): * `list` - list
    """

    data: list[EntitlementOutput]
    features: list[FeatureEntitlementOutput]
    has_more: bool
    object_: EntitlementListOutputObjectEnum
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        features = []
        for features_item_data in self.features:
            features_item = features_item_data.to_dict()
            features.append(features_item)

        has_more = self.has_more

        object_ = self.object_.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "features": features,
                "has_more": has_more,
                "object": object_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.entitlement_output import EntitlementOutput  # noqa: PLC0415
        from ..models.feature_entitlement_output import FeatureEntitlementOutput  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = EntitlementOutput.from_dict(data_item_data)

            data.append(data_item)

        features = []
        _features = d.pop("features")
        for features_item_data in _features:
            features_item = FeatureEntitlementOutput.from_dict(features_item_data)

            features.append(features_item)

        has_more = d.pop("has_more")

        object_ = EntitlementListOutputObjectEnum(d.pop("object"))

        entitlement_list_output = cls(
            data=data,
            features=features,
            has_more=has_more,
            object_=object_,
        )

        entitlement_list_output.additional_properties = d
        return entitlement_list_output

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
