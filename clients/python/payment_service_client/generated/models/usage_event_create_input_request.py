from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UsageEventCreateInputRequest")


@_attrs_define
class UsageEventCreateInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        customer (str): Our customer id (`cus_…`) or the app's `external_id`.
        event_id (str): Your dedupe key, unique per app: a repeated event_id is accepted and counted once.
        metric (str): The metric's code, e.g. `api_calls`.
        quantity (int): A whole number of the metric's unit (decimals are refused: report 1.5 GB as 1500 MB). Ignored by
            `count` metrics, which count events.
        timestamp (datetime.datetime | Unset): ISO 8601 with a UTC offset; default now. At most 35 days old and 5
            minutes ahead.
    """

    customer: str
    event_id: str
    metric: str
    quantity: int
    timestamp: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        customer = self.customer

        event_id = self.event_id

        metric = self.metric

        quantity = self.quantity

        timestamp: str | Unset = UNSET
        if not isinstance(self.timestamp, Unset):
            timestamp = self.timestamp.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customer": customer,
                "event_id": event_id,
                "metric": metric,
                "quantity": quantity,
            }
        )
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        customer = d.pop("customer")

        event_id = d.pop("event_id")

        metric = d.pop("metric")

        quantity = d.pop("quantity")

        _timestamp = d.pop("timestamp", UNSET)
        timestamp: datetime.datetime | Unset
        if isinstance(_timestamp, Unset):
            timestamp = UNSET
        else:
            timestamp = datetime.datetime.fromisoformat(_timestamp)

        usage_event_create_input_request = cls(
            customer=customer,
            event_id=event_id,
            metric=metric,
            quantity=quantity,
            timestamp=timestamp,
        )

        usage_event_create_input_request.additional_properties = d
        return usage_event_create_input_request

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
