from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UsagePeriodOutput")


@_attrs_define
class UsagePeriodOutput:
    """
    Attributes:
        event_count (int):
        period_end (datetime.datetime):
        period_start (datetime.datetime):
        value (int):
    """

    event_count: int
    period_end: datetime.datetime
    period_start: datetime.datetime
    value: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_count = self.event_count

        period_end = self.period_end.isoformat()

        period_start = self.period_start.isoformat()

        value = self.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_count": event_count,
                "period_end": period_end,
                "period_start": period_start,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_count = d.pop("event_count")

        period_end = datetime.datetime.fromisoformat(d.pop("period_end"))

        period_start = datetime.datetime.fromisoformat(d.pop("period_start"))

        value = d.pop("value")

        usage_period_output = cls(
            event_count=event_count,
            period_end=period_end,
            period_start=period_start,
            value=value,
        )

        usage_period_output.additional_properties = d
        return usage_period_output

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
