from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InvoiceCreditUseOutput")


@_attrs_define
class InvoiceCreditUseOutput:
    """
    Attributes:
        amount (int):
        credit_grant (str):
        units (int | None): A units grant's use, in units.
    """

    amount: int
    credit_grant: str
    units: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        credit_grant = self.credit_grant

        units: int | None
        units = self.units

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "credit_grant": credit_grant,
                "units": units,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        credit_grant = d.pop("credit_grant")

        def _parse_units(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        units = _parse_units(d.pop("units"))

        invoice_credit_use_output = cls(
            amount=amount,
            credit_grant=credit_grant,
            units=units,
        )

        invoice_credit_use_output.additional_properties = d
        return invoice_credit_use_output

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
