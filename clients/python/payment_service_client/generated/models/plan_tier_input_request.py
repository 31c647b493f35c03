from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PlanTierInputRequest")


@_attrs_define
class PlanTierInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        up_to (int | None):
        flat_amount (int | Unset):  Default: 0.
        unit_amount (int | Unset):
        unit_amount_decimal (str | Unset): A price per unit in the currency's minor unit, as a decimal string with at
            most 12 decimal places (`0.2` is a fifth of a cent). Example: 0.2.
    """

    up_to: int | None
    flat_amount: int | Unset = 0
    unit_amount: int | Unset = UNSET
    unit_amount_decimal: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        up_to: int | None
        up_to = self.up_to

        flat_amount = self.flat_amount

        unit_amount = self.unit_amount

        unit_amount_decimal = self.unit_amount_decimal

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "up_to": up_to,
            }
        )
        if flat_amount is not UNSET:
            field_dict["flat_amount"] = flat_amount
        if unit_amount is not UNSET:
            field_dict["unit_amount"] = unit_amount
        if unit_amount_decimal is not UNSET:
            field_dict["unit_amount_decimal"] = unit_amount_decimal

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_up_to(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        up_to = _parse_up_to(d.pop("up_to"))

        flat_amount = d.pop("flat_amount", UNSET)

        unit_amount = d.pop("unit_amount", UNSET)

        unit_amount_decimal = d.pop("unit_amount_decimal", UNSET)

        plan_tier_input_request = cls(
            up_to=up_to,
            flat_amount=flat_amount,
            unit_amount=unit_amount,
            unit_amount_decimal=unit_amount_decimal,
        )

        plan_tier_input_request.additional_properties = d
        return plan_tier_input_request

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
