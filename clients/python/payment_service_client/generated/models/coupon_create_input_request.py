from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.duration_enum import DurationEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.coupon_create_input_request_metadata import CouponCreateInputRequestMetadata


T = TypeVar("T", bound="CouponCreateInputRequest")


@_attrs_define
class CouponCreateInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        duration (DurationEnum): * `once` - once
            * `repeating` - repeating
            * `forever` - forever
        amount_off (int | Unset): Minor units off.
        currency (str | Unset): Of `amount_off`. Example: usd.
        duration_in_months (int | Unset):
        max_redemptions (int | Unset): In all, by anyone.
        metadata (CouponCreateInputRequestMetadata | Unset):
        name (str | Unset):
        percent_off (str | Unset): A percentage off (0.01-100); or `amount_off` with `currency`.
        plans (list[str] | Unset): The plans it applies to (`plan_…`); every plan when left out.
        redeem_by (datetime.datetime | Unset): The last moment it can be redeemed.
    """

    duration: DurationEnum
    amount_off: int | Unset = UNSET
    currency: str | Unset = UNSET
    duration_in_months: int | Unset = UNSET
    max_redemptions: int | Unset = UNSET
    metadata: CouponCreateInputRequestMetadata | Unset = UNSET
    name: str | Unset = UNSET
    percent_off: str | Unset = UNSET
    plans: list[str] | Unset = UNSET
    redeem_by: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        duration = self.duration.value

        amount_off = self.amount_off

        currency = self.currency

        duration_in_months = self.duration_in_months

        max_redemptions = self.max_redemptions

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        name = self.name

        percent_off = self.percent_off

        plans: list[str] | Unset = UNSET
        if not isinstance(self.plans, Unset):
            plans = self.plans

        redeem_by: str | Unset = UNSET
        if not isinstance(self.redeem_by, Unset):
            redeem_by = self.redeem_by.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "duration": duration,
            }
        )
        if amount_off is not UNSET:
            field_dict["amount_off"] = amount_off
        if currency is not UNSET:
            field_dict["currency"] = currency
        if duration_in_months is not UNSET:
            field_dict["duration_in_months"] = duration_in_months
        if max_redemptions is not UNSET:
            field_dict["max_redemptions"] = max_redemptions
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if name is not UNSET:
            field_dict["name"] = name
        if percent_off is not UNSET:
            field_dict["percent_off"] = percent_off
        if plans is not UNSET:
            field_dict["plans"] = plans
        if redeem_by is not UNSET:
            field_dict["redeem_by"] = redeem_by

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.coupon_create_input_request_metadata import CouponCreateInputRequestMetadata  # noqa: PLC0415

        d = dict(src_dict)
        duration = DurationEnum(d.pop("duration"))

        amount_off = d.pop("amount_off", UNSET)

        currency = d.pop("currency", UNSET)

        duration_in_months = d.pop("duration_in_months", UNSET)

        max_redemptions = d.pop("max_redemptions", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: CouponCreateInputRequestMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = CouponCreateInputRequestMetadata.from_dict(_metadata)

        name = d.pop("name", UNSET)

        percent_off = d.pop("percent_off", UNSET)

        plans = cast(list[str], d.pop("plans", UNSET))

        _redeem_by = d.pop("redeem_by", UNSET)
        redeem_by: datetime.datetime | Unset
        if isinstance(_redeem_by, Unset):
            redeem_by = UNSET
        else:
            redeem_by = datetime.datetime.fromisoformat(_redeem_by)

        coupon_create_input_request = cls(
            duration=duration,
            amount_off=amount_off,
            currency=currency,
            duration_in_months=duration_in_months,
            max_redemptions=max_redemptions,
            metadata=metadata,
            name=name,
            percent_off=percent_off,
            plans=plans,
            redeem_by=redeem_by,
        )

        coupon_create_input_request.additional_properties = d
        return coupon_create_input_request

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
