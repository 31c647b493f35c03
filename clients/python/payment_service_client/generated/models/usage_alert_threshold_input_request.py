from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UsageAlertThresholdInputRequest")


@_attrs_define
class UsageAlertThresholdInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        percent_of_quota (int | Unset): A percentage of each customer's quota for the metric (its plan's `quotas`), e.g.
            80 or 100; customers with no quota for it are not alerted.
        quantity (int | Unset): An absolute quantity of the metric's unit in a billing period.
    """

    percent_of_quota: int | Unset = UNSET
    quantity: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        percent_of_quota = self.percent_of_quota

        quantity = self.quantity

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if percent_of_quota is not UNSET:
            field_dict["percent_of_quota"] = percent_of_quota
        if quantity is not UNSET:
            field_dict["quantity"] = quantity

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        percent_of_quota = d.pop("percent_of_quota", UNSET)

        quantity = d.pop("quantity", UNSET)

        usage_alert_threshold_input_request = cls(
            percent_of_quota=percent_of_quota,
            quantity=quantity,
        )

        usage_alert_threshold_input_request.additional_properties = d
        return usage_alert_threshold_input_request

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
