from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.interval_enum import IntervalEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PlanBaseInputRequest")


@_attrs_define
class PlanBaseInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        amount (int):
        interval (IntervalEnum | Unset): * `day` - day
            * `week` - week
            * `month` - month
            * `year` - year Default: IntervalEnum.MONTH.
        interval_count (int | Unset):  Default: 1.
    """

    amount: int
    interval: IntervalEnum | Unset = IntervalEnum.MONTH
    interval_count: int | Unset = 1
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        interval: str | Unset = UNSET
        if not isinstance(self.interval, Unset):
            interval = self.interval.value

        interval_count = self.interval_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
            }
        )
        if interval is not UNSET:
            field_dict["interval"] = interval
        if interval_count is not UNSET:
            field_dict["interval_count"] = interval_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        _interval = d.pop("interval", UNSET)
        interval: IntervalEnum | Unset
        if isinstance(_interval, Unset):
            interval = UNSET
        else:
            interval = IntervalEnum(_interval)

        interval_count = d.pop("interval_count", UNSET)

        plan_base_input_request = cls(
            amount=amount,
            interval=interval,
            interval_count=interval_count,
        )

        plan_base_input_request.additional_properties = d
        return plan_base_input_request

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
