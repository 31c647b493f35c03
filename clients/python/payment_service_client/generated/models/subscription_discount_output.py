from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SubscriptionDiscountOutput")


@_attrs_define
class SubscriptionDiscountOutput:
    """
    Attributes:
        coupon (str):
        id (str):
        promotion_code (None | str):
    """

    coupon: str
    id: str
    promotion_code: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        coupon = self.coupon

        id = self.id

        promotion_code: None | str
        promotion_code = self.promotion_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "coupon": coupon,
                "id": id,
                "promotion_code": promotion_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        coupon = d.pop("coupon")

        id = d.pop("id")

        def _parse_promotion_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        promotion_code = _parse_promotion_code(d.pop("promotion_code"))

        subscription_discount_output = cls(
            coupon=coupon,
            id=id,
            promotion_code=promotion_code,
        )

        subscription_discount_output.additional_properties = d
        return subscription_discount_output

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
