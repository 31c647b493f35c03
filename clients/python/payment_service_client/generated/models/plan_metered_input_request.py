from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.plan_tier_input_request import PlanTierInputRequest


T = TypeVar("T", bound="PlanMeteredInputRequest")


@_attrs_define
class PlanMeteredInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        metric (str):
        included_quantity (int | Unset):  Default: 0.
        tiers (list[PlanTierInputRequest] | None | Unset):
        unit_amount (int | None | Unset):
        unit_amount_decimal (None | str | Unset): A price per unit in the currency's minor unit, as a decimal string
            with at most 12 decimal places (`0.2` is a fifth of a cent). Example: 0.2.
    """

    metric: str
    included_quantity: int | Unset = 0
    tiers: list[PlanTierInputRequest] | None | Unset = UNSET
    unit_amount: int | None | Unset = UNSET
    unit_amount_decimal: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        metric = self.metric

        included_quantity = self.included_quantity

        tiers: list[dict[str, Any]] | None | Unset
        if isinstance(self.tiers, Unset):
            tiers = UNSET
        elif isinstance(self.tiers, list):
            tiers = []
            for tiers_type_0_item_data in self.tiers:
                tiers_type_0_item = tiers_type_0_item_data.to_dict()
                tiers.append(tiers_type_0_item)

        else:
            tiers = self.tiers

        unit_amount: int | None | Unset
        if isinstance(self.unit_amount, Unset):
            unit_amount = UNSET
        else:
            unit_amount = self.unit_amount

        unit_amount_decimal: None | str | Unset
        if isinstance(self.unit_amount_decimal, Unset):
            unit_amount_decimal = UNSET
        else:
            unit_amount_decimal = self.unit_amount_decimal

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "metric": metric,
            }
        )
        if included_quantity is not UNSET:
            field_dict["included_quantity"] = included_quantity
        if tiers is not UNSET:
            field_dict["tiers"] = tiers
        if unit_amount is not UNSET:
            field_dict["unit_amount"] = unit_amount
        if unit_amount_decimal is not UNSET:
            field_dict["unit_amount_decimal"] = unit_amount_decimal

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.plan_tier_input_request import PlanTierInputRequest  # noqa: PLC0415

        d = dict(src_dict)
        metric = d.pop("metric")

        included_quantity = d.pop("included_quantity", UNSET)

        def _parse_tiers(data: object) -> list[PlanTierInputRequest] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                tiers_type_0 = []
                _tiers_type_0 = data
                for tiers_type_0_item_data in _tiers_type_0:
                    tiers_type_0_item = PlanTierInputRequest.from_dict(tiers_type_0_item_data)

                    tiers_type_0.append(tiers_type_0_item)

                return tiers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[PlanTierInputRequest] | None | Unset, data)

        tiers = _parse_tiers(d.pop("tiers", UNSET))

        def _parse_unit_amount(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        unit_amount = _parse_unit_amount(d.pop("unit_amount", UNSET))

        def _parse_unit_amount_decimal(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        unit_amount_decimal = _parse_unit_amount_decimal(d.pop("unit_amount_decimal", UNSET))

        plan_metered_input_request = cls(
            metric=metric,
            included_quantity=included_quantity,
            tiers=tiers,
            unit_amount=unit_amount,
            unit_amount_decimal=unit_amount_decimal,
        )

        plan_metered_input_request.additional_properties = d
        return plan_metered_input_request

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
