from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metric_usage_output import MetricUsageOutput


T = TypeVar("T", bound="CustomerUsageOutput")


@_attrs_define
class CustomerUsageOutput:
    """
    Attributes:
        current_period_end (datetime.datetime):
        current_period_start (datetime.datetime):
        customer (str):
        data (list[MetricUsageOutput]):
        object_ (str | Unset):  Default: 'customer_usage'.
    """

    current_period_end: datetime.datetime
    current_period_start: datetime.datetime
    customer: str
    data: list[MetricUsageOutput]
    object_: str | Unset = "customer_usage"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        current_period_end = self.current_period_end.isoformat()

        current_period_start = self.current_period_start.isoformat()

        customer = self.customer

        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        object_ = self.object_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "current_period_end": current_period_end,
                "current_period_start": current_period_start,
                "customer": customer,
                "data": data,
            }
        )
        if object_ is not UNSET:
            field_dict["object"] = object_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metric_usage_output import MetricUsageOutput  # noqa: PLC0415

        d = dict(src_dict)
        current_period_end = datetime.datetime.fromisoformat(d.pop("current_period_end"))

        current_period_start = datetime.datetime.fromisoformat(d.pop("current_period_start"))

        customer = d.pop("customer")

        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = MetricUsageOutput.from_dict(data_item_data)

            data.append(data_item)

        object_ = d.pop("object", UNSET)

        customer_usage_output = cls(
            current_period_end=current_period_end,
            current_period_start=current_period_start,
            customer=customer,
            data=data,
            object_=object_,
        )

        customer_usage_output.additional_properties = d
        return customer_usage_output

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
