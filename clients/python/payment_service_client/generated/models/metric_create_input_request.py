from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.aggregation_enum import AggregationEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="MetricCreateInputRequest")


@_attrs_define
class MetricCreateInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        code (str):
        name (str):
        aggregation (AggregationEnum | Unset): * `sum` - sum
            * `count` - count
            * `last` - last Default: AggregationEnum.SUM.
        unit (str | Unset):
    """

    code: str
    name: str
    aggregation: AggregationEnum | Unset = AggregationEnum.SUM
    unit: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        name = self.name

        aggregation: str | Unset = UNSET
        if not isinstance(self.aggregation, Unset):
            aggregation = self.aggregation.value

        unit = self.unit

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "name": name,
            }
        )
        if aggregation is not UNSET:
            field_dict["aggregation"] = aggregation
        if unit is not UNSET:
            field_dict["unit"] = unit

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        name = d.pop("name")

        _aggregation = d.pop("aggregation", UNSET)
        aggregation: AggregationEnum | Unset
        if isinstance(_aggregation, Unset):
            aggregation = UNSET
        else:
            aggregation = AggregationEnum(_aggregation)

        unit = d.pop("unit", UNSET)

        metric_create_input_request = cls(
            code=code,
            name=name,
            aggregation=aggregation,
            unit=unit,
        )

        metric_create_input_request.additional_properties = d
        return metric_create_input_request

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
