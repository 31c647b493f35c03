from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InvoiceDiscountOutput")


@_attrs_define
class InvoiceDiscountOutput:
    """
    Attributes:
        amount (int): Minor units it took off the subtotal.
        coupon (None | str): Our coupon (`cpn_…`).
        promotion_code (None | str): The promotion code redeemed for it, if one was.
    """

    amount: int
    coupon: None | str
    promotion_code: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        coupon: None | str
        coupon = self.coupon

        promotion_code: None | str
        promotion_code = self.promotion_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "coupon": coupon,
                "promotion_code": promotion_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        def _parse_coupon(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        coupon = _parse_coupon(d.pop("coupon"))

        def _parse_promotion_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        promotion_code = _parse_promotion_code(d.pop("promotion_code"))

        invoice_discount_output = cls(
            amount=amount,
            coupon=coupon,
            promotion_code=promotion_code,
        )

        invoice_discount_output.additional_properties = d
        return invoice_discount_output

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
