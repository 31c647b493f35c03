from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SubscriptionPendingChangeOutput")


@_attrs_define
class SubscriptionPendingChangeOutput:
    """
    Attributes:
        at (datetime.datetime): When the change applies: the period's end.
        plan (str):
        plan_version (int):
        schedule (str): The provider's schedule that applies it.
    """

    at: datetime.datetime
    plan: str
    plan_version: int
    schedule: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        plan = self.plan

        plan_version = self.plan_version

        schedule = self.schedule

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "plan": plan,
                "plan_version": plan_version,
                "schedule": schedule,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        plan = d.pop("plan")

        plan_version = d.pop("plan_version")

        schedule = d.pop("schedule")

        subscription_pending_change_output = cls(
            at=at,
            plan=plan,
            plan_version=plan_version,
            schedule=schedule,
        )

        subscription_pending_change_output.additional_properties = d
        return subscription_pending_change_output

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
