from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CustomerDiscountInputRequest")


@_attrs_define
class CustomerDiscountInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        coupon (str | Unset): A coupon (`cpn_…`).
        promotion_code (str | Unset): A promotion code (id or code), not with `coupon`.
    """

    coupon: str | Unset = UNSET
    promotion_code: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        coupon = self.coupon

        promotion_code = self.promotion_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if coupon is not UNSET:
            field_dict["coupon"] = coupon
        if promotion_code is not UNSET:
            field_dict["promotion_code"] = promotion_code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        coupon = d.pop("coupon", UNSET)

        promotion_code = d.pop("promotion_code", UNSET)

        customer_discount_input_request = cls(
            coupon=coupon,
            promotion_code=promotion_code,
        )

        customer_discount_input_request.additional_properties = d
        return customer_discount_input_request

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
