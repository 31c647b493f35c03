from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.credit_balance_money_output import CreditBalanceMoneyOutput
    from ..models.credit_balance_units_output import CreditBalanceUnitsOutput
    from ..models.credit_grant_output import CreditGrantOutput


T = TypeVar("T", bound="CreditBalanceOutput")


@_attrs_define
class CreditBalanceOutput:
    """
    Attributes:
        customer (str):
        grants (list[CreditGrantOutput]): The grants in force.
        money (list[CreditBalanceMoneyOutput]): Per currency: the money left of the grants in force.
        object_ (str):
        units (list[CreditBalanceUnitsOutput]): Per metric: the units left of its units grants in force.
    """

    customer: str
    grants: list[CreditGrantOutput]
    money: list[CreditBalanceMoneyOutput]
    object_: str
    units: list[CreditBalanceUnitsOutput]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        customer = self.customer

        grants = []
        for grants_item_data in self.grants:
            grants_item = grants_item_data.to_dict()
            grants.append(grants_item)

        money = []
        for money_item_data in self.money:
            money_item = money_item_data.to_dict()
            money.append(money_item)

        object_ = self.object_

        units = []
        for units_item_data in self.units:
            units_item = units_item_data.to_dict()
            units.append(units_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customer": customer,
                "grants": grants,
                "money": money,
                "object": object_,
                "units": units,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credit_balance_money_output import CreditBalanceMoneyOutput  # noqa: PLC0415
        from ..models.credit_balance_units_output import CreditBalanceUnitsOutput  # noqa: PLC0415
        from ..models.credit_grant_output import CreditGrantOutput  # noqa: PLC0415

        d = dict(src_dict)
        customer = d.pop("customer")

        grants = []
        _grants = d.pop("grants")
        for grants_item_data in _grants:
            grants_item = CreditGrantOutput.from_dict(grants_item_data)

            grants.append(grants_item)

        money = []
        _money = d.pop("money")
        for money_item_data in _money:
            money_item = CreditBalanceMoneyOutput.from_dict(money_item_data)

            money.append(money_item)

        object_ = d.pop("object")

        units = []
        _units = d.pop("units")
        for units_item_data in _units:
            units_item = CreditBalanceUnitsOutput.from_dict(units_item_data)

            units.append(units_item)

        credit_balance_output = cls(
            customer=customer,
            grants=grants,
            money=money,
            object_=object_,
            units=units,
        )

        credit_balance_output.additional_properties = d
        return credit_balance_output

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
