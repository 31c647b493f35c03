from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.usage_alert_threshold_input_request import UsageAlertThresholdInputRequest


T = TypeVar("T", bound="UsageAlertCreateInputRequest")


@_attrs_define
class UsageAlertCreateInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        metric (str): The metric's code, e.g. `api_calls`.
        threshold (UsageAlertThresholdInputRequest): Base for request bodies: unknown fields are an error, not silently
            dropped.
    """

    metric: str
    threshold: UsageAlertThresholdInputRequest
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        metric = self.metric

        threshold = self.threshold.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "metric": metric,
                "threshold": threshold,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.usage_alert_threshold_input_request import UsageAlertThresholdInputRequest  # noqa: PLC0415

        d = dict(src_dict)
        metric = d.pop("metric")

        threshold = UsageAlertThresholdInputRequest.from_dict(d.pop("threshold"))

        usage_alert_create_input_request = cls(
            metric=metric,
            threshold=threshold,
        )

        usage_alert_create_input_request.additional_properties = d
        return usage_alert_create_input_request

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
