from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.plan_tier_output import PlanTierOutput


T = TypeVar("T", bound="PlanMeteredOutput")


@_attrs_define
class PlanMeteredOutput:
    """
    Attributes:
        included_quantity (int):
        metric (str): The metric's code.
        provider_price_id (str):
        tiers (list[PlanTierOutput] | None):
        unit_amount (int | None): null for tiers, or when priced with unit_amount_decimal.
        unit_amount_decimal (None | str): The unit price in the minor unit as a decimal string (a unit_amount of 3 shows
            "3"), as Stripe shows it; null for tiers.
    """

    included_quantity: int
    metric: str
    provider_price_id: str
    tiers: list[PlanTierOutput] | None
    unit_amount: int | None
    unit_amount_decimal: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        included_quantity = self.included_quantity

        metric = self.metric

        provider_price_id = self.provider_price_id

        tiers: list[dict[str, Any]] | None
        if isinstance(self.tiers, list):
            tiers = []
            for tiers_type_0_item_data in self.tiers:
                tiers_type_0_item = tiers_type_0_item_data.to_dict()
                tiers.append(tiers_type_0_item)

        else:
            tiers = self.tiers

        unit_amount: int | None
        unit_amount = self.unit_amount

        unit_amount_decimal: None | str
        unit_amount_decimal = self.unit_amount_decimal

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "included_quantity": included_quantity,
                "metric": metric,
                "provider_price_id": provider_price_id,
                "tiers": tiers,
                "unit_amount": unit_amount,
                "unit_amount_decimal": unit_amount_decimal,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.plan_tier_output import PlanTierOutput  # noqa: PLC0415

        d = dict(src_dict)
        included_quantity = d.pop("included_quantity")

        metric = d.pop("metric")

        provider_price_id = d.pop("provider_price_id")

        def _parse_tiers(data: object) -> list[PlanTierOutput] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                tiers_type_0 = []
                _tiers_type_0 = data
                for tiers_type_0_item_data in _tiers_type_0:
                    tiers_type_0_item = PlanTierOutput.from_dict(tiers_type_0_item_data)

                    tiers_type_0.append(tiers_type_0_item)

                return tiers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[PlanTierOutput] | None, data)

        tiers = _parse_tiers(d.pop("tiers"))

        def _parse_unit_amount(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        unit_amount = _parse_unit_amount(d.pop("unit_amount"))

        def _parse_unit_amount_decimal(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        unit_amount_decimal = _parse_unit_amount_decimal(d.pop("unit_amount_decimal"))

        plan_metered_output = cls(
            included_quantity=included_quantity,
            metric=metric,
            provider_price_id=provider_price_id,
            tiers=tiers,
            unit_amount=unit_amount,
            unit_amount_decimal=unit_amount_decimal,
        )

        plan_metered_output.additional_properties = d
        return plan_metered_output

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
