from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MetricOutput")


@_attrs_define
class MetricOutput:
    """
    Attributes:
        aggregation (str):
        code (str):
        created_at (datetime.datetime):
        id (str):
        meter_event_name (str): The event name of the provider meter this metric is reported to.
        name (str):
        object_ (str):
        provider_meter_id (str):
        sync_state (str): pending until the provider meter exists; a retry job completes it.
        unit (str):
    """

    aggregation: str
    code: str
    created_at: datetime.datetime
    id: str
    meter_event_name: str
    name: str
    object_: str
    provider_meter_id: str
    sync_state: str
    unit: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        aggregation = self.aggregation

        code = self.code

        created_at = self.created_at.isoformat()

        id = self.id

        meter_event_name = self.meter_event_name

        name = self.name

        object_ = self.object_

        provider_meter_id = self.provider_meter_id

        sync_state = self.sync_state

        unit = self.unit

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "aggregation": aggregation,
                "code": code,
                "created_at": created_at,
                "id": id,
                "meter_event_name": meter_event_name,
                "name": name,
                "object": object_,
                "provider_meter_id": provider_meter_id,
                "sync_state": sync_state,
                "unit": unit,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        aggregation = d.pop("aggregation")

        code = d.pop("code")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        meter_event_name = d.pop("meter_event_name")

        name = d.pop("name")

        object_ = d.pop("object")

        provider_meter_id = d.pop("provider_meter_id")

        sync_state = d.pop("sync_state")

        unit = d.pop("unit")

        metric_output = cls(
            aggregation=aggregation,
            code=code,
            created_at=created_at,
            id=id,
            meter_event_name=meter_event_name,
            name=name,
            object_=object_,
            provider_meter_id=provider_meter_id,
            sync_state=sync_state,
            unit=unit,
        )

        metric_output.additional_properties = d
        return metric_output

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
