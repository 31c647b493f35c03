from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.proration_enum import ProrationEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="SubscriptionChangePlanInputRequest")


@_attrs_define
class SubscriptionChangePlanInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        plan (str):
        proration (ProrationEnum | Unset): * `create_prorations` - create_prorations
            * `none` - none
            * `always_invoice` - always_invoice Default: ProrationEnum.CREATE_PRORATIONS.
    """

    plan: str
    proration: ProrationEnum | Unset = ProrationEnum.CREATE_PRORATIONS
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        plan = self.plan

        proration: str | Unset = UNSET
        if not isinstance(self.proration, Unset):
            proration = self.proration.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "plan": plan,
            }
        )
        if proration is not UNSET:
            field_dict["proration"] = proration

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        plan = d.pop("plan")

        _proration = d.pop("proration", UNSET)
        proration: ProrationEnum | Unset
        if isinstance(_proration, Unset):
            proration = UNSET
        else:
            proration = ProrationEnum(_proration)

        subscription_change_plan_input_request = cls(
            plan=plan,
            proration=proration,
        )

        subscription_change_plan_input_request.additional_properties = d
        return subscription_change_plan_input_request

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
