from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PlanTierOutput")


@_attrs_define
class PlanTierOutput:
    """
    Attributes:
        flat_amount (int):
        unit_amount (int | None): null when the tier is priced with unit_amount_decimal.
        unit_amount_decimal (str): The tier's unit price in the minor unit as a decimal string, always set (e.g. "0.2",
            or "3" for a unit_amount of 3), as Stripe shows it.
        up_to (int | None): null: the last, unbounded tier.
    """

    flat_amount: int
    unit_amount: int | None
    unit_amount_decimal: str
    up_to: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        flat_amount = self.flat_amount

        unit_amount: int | None
        unit_amount = self.unit_amount

        unit_amount_decimal = self.unit_amount_decimal

        up_to: int | None
        up_to = self.up_to

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "flat_amount": flat_amount,
                "unit_amount": unit_amount,
                "unit_amount_decimal": unit_amount_decimal,
                "up_to": up_to,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        flat_amount = d.pop("flat_amount")

        def _parse_unit_amount(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        unit_amount = _parse_unit_amount(d.pop("unit_amount"))

        unit_amount_decimal = d.pop("unit_amount_decimal")

        def _parse_up_to(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        up_to = _parse_up_to(d.pop("up_to"))

        plan_tier_output = cls(
            flat_amount=flat_amount,
            unit_amount=unit_amount,
            unit_amount_decimal=unit_amount_decimal,
            up_to=up_to,
        )

        plan_tier_output.additional_properties = d
        return plan_tier_output

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
