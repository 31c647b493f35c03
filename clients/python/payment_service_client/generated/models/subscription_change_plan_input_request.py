from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.at_enum import AtEnum
from ..models.proration_enum import ProrationEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="SubscriptionChangePlanInputRequest")


@_attrs_define
class SubscriptionChangePlanInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        plan (str):
        at (AtEnum | Unset): * `now` - now
            * `period_end` - period_end
        coupon (str | Unset): A coupon (`cpn_…`) replacing the subscription's discount with the change (a change `now`
            only).
        promotion_code (str | Unset): A promotion code (id or code) instead of `coupon`.
        proration (ProrationEnum | Unset): * `create_prorations` - create_prorations
            * `none` - none
            * `always_invoice` - always_invoice Default: ProrationEnum.CREATE_PRORATIONS.
    """

    plan: str
    at: AtEnum | Unset = UNSET
    coupon: str | Unset = UNSET
    promotion_code: str | Unset = UNSET
    proration: ProrationEnum | Unset = ProrationEnum.CREATE_PRORATIONS
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        plan = self.plan

        at: str | Unset = UNSET
        if not isinstance(self.at, Unset):
            at = self.at.value

        coupon = self.coupon

        promotion_code = self.promotion_code

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
        if at is not UNSET:
            field_dict["at"] = at
        if coupon is not UNSET:
            field_dict["coupon"] = coupon
        if promotion_code is not UNSET:
            field_dict["promotion_code"] = promotion_code
        if proration is not UNSET:
            field_dict["proration"] = proration

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        plan = d.pop("plan")

        _at = d.pop("at", UNSET)
        at: AtEnum | Unset
        if isinstance(_at, Unset):
            at = UNSET
        else:
            at = AtEnum(_at)

        coupon = d.pop("coupon", UNSET)

        promotion_code = d.pop("promotion_code", UNSET)

        _proration = d.pop("proration", UNSET)
        proration: ProrationEnum | Unset
        if isinstance(_proration, Unset):
            proration = UNSET
        else:
            proration = ProrationEnum(_proration)

        subscription_change_plan_input_request = cls(
            plan=plan,
            at=at,
            coupon=coupon,
            promotion_code=promotion_code,
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
