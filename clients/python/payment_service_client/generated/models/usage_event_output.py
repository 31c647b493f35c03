from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.usage_event_output_status_enum import UsageEventOutputStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="UsageEventOutput")


@_attrs_define
class UsageEventOutput:
    """
    Attributes:
        customer (str): Our customer id.
        event_id (str):
        metric (str):
        quantity (int):
        status (UsageEventOutputStatusEnum): * `accepted` - accepted
            * `duplicate` - duplicate
        timestamp (datetime.datetime):
        object_ (str | Unset):  Default: 'usage_event'.
    """

    customer: str
    event_id: str
    metric: str
    quantity: int
    status: UsageEventOutputStatusEnum
    timestamp: datetime.datetime
    object_: str | Unset = "usage_event"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        customer = self.customer

        event_id = self.event_id

        metric = self.metric

        quantity = self.quantity

        status = self.status.value

        timestamp = self.timestamp.isoformat()

        object_ = self.object_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customer": customer,
                "event_id": event_id,
                "metric": metric,
                "quantity": quantity,
                "status": status,
                "timestamp": timestamp,
            }
        )
        if object_ is not UNSET:
            field_dict["object"] = object_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        customer = d.pop("customer")

        event_id = d.pop("event_id")

        metric = d.pop("metric")

        quantity = d.pop("quantity")

        status = UsageEventOutputStatusEnum(d.pop("status"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        object_ = d.pop("object", UNSET)

        usage_event_output = cls(
            customer=customer,
            event_id=event_id,
            metric=metric,
            quantity=quantity,
            status=status,
            timestamp=timestamp,
            object_=object_,
        )

        usage_event_output.additional_properties = d
        return usage_event_output

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
