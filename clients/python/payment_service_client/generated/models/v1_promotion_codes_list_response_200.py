from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.v1_promotion_codes_list_response_200_object import (
    V1PromotionCodesListResponse200Object,
)

if TYPE_CHECKING:
    from ..models.promotion_code_output import PromotionCodeOutput


T = TypeVar("T", bound="V1PromotionCodesListResponse200")


@_attrs_define
class V1PromotionCodesListResponse200:
    """
    Attributes:
        data (list[PromotionCodeOutput]):
        has_more (bool):
        object_ (V1PromotionCodesListResponse200Object):
    """

    data: list[PromotionCodeOutput]
    has_more: bool
    object_: V1PromotionCodesListResponse200Object
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        has_more = self.has_more

        object_ = self.object_.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "has_more": has_more,
                "object": object_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.promotion_code_output import PromotionCodeOutput  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = PromotionCodeOutput.from_dict(data_item_data)

            data.append(data_item)

        has_more = d.pop("has_more")

        object_ = V1PromotionCodesListResponse200Object(d.pop("object"))

        v1_promotion_codes_list_response_200 = cls(
            data=data,
            has_more=has_more,
            object_=object_,
        )

        v1_promotion_codes_list_response_200.additional_properties = d
        return v1_promotion_codes_list_response_200

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
