from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.usage_period_output import UsagePeriodOutput


T = TypeVar("T", bound="MetricUsageOutput")


@_attrs_define
class MetricUsageOutput:
    """
    Attributes:
        aggregation (str):
        metric (str):
        periods (list[UsagePeriodOutput]):
        total (int): sum and count: the periods' values added up; last: the latest period's.
        unit (str):
    """

    aggregation: str
    metric: str
    periods: list[UsagePeriodOutput]
    total: int
    unit: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        aggregation = self.aggregation

        metric = self.metric

        periods = []
        for periods_item_data in self.periods:
            periods_item = periods_item_data.to_dict()
            periods.append(periods_item)

        total = self.total

        unit = self.unit

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "aggregation": aggregation,
                "metric": metric,
                "periods": periods,
                "total": total,
                "unit": unit,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.usage_period_output import UsagePeriodOutput  # noqa: PLC0415

        d = dict(src_dict)
        aggregation = d.pop("aggregation")

        metric = d.pop("metric")

        periods = []
        _periods = d.pop("periods")
        for periods_item_data in _periods:
            periods_item = UsagePeriodOutput.from_dict(periods_item_data)

            periods.append(periods_item)

        total = d.pop("total")

        unit = d.pop("unit")

        metric_usage_output = cls(
            aggregation=aggregation,
            metric=metric,
            periods=periods,
            total=total,
            unit=unit,
        )

        metric_usage_output.additional_properties = d
        return metric_usage_output

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
