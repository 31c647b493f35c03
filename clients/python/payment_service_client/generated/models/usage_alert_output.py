from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.usage_alert_threshold_output import UsageAlertThresholdOutput


T = TypeVar("T", bound="UsageAlertOutput")


@_attrs_define
class UsageAlertOutput:
    """
    Attributes:
        created_at (datetime.datetime):
        id (str):
        metric (str):
        object_ (str):
        threshold (UsageAlertThresholdOutput):
    """

    created_at: datetime.datetime
    id: str
    metric: str
    object_: str
    threshold: UsageAlertThresholdOutput
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        id = self.id

        metric = self.metric

        object_ = self.object_

        threshold = self.threshold.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "id": id,
                "metric": metric,
                "object": object_,
                "threshold": threshold,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.usage_alert_threshold_output import UsageAlertThresholdOutput  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        metric = d.pop("metric")

        object_ = d.pop("object")

        threshold = UsageAlertThresholdOutput.from_dict(d.pop("threshold"))

        usage_alert_output = cls(
            created_at=created_at,
            id=id,
            metric=metric,
            object_=object_,
            threshold=threshold,
        )

        usage_alert_output.additional_properties = d
        return usage_alert_output

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
