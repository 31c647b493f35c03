from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.duration_enum import DurationEnum

if TYPE_CHECKING:
    from ..models.coupon_output_metadata import CouponOutputMetadata


T = TypeVar("T", bound="CouponOutput")


@_attrs_define
class CouponOutput:
    """
    Attributes:
        amount_off (int | None):
        created_at (datetime.datetime):
        currency (str):
        deleted_at (datetime.datetime | None):
        duration (DurationEnum): * `once` - once
            * `repeating` - repeating
            * `forever` - forever
        duration_in_months (int | None):
        id (str):
        max_redemptions (int | None):
        metadata (CouponOutputMetadata):
        name (str):
        object_ (str):
        percent_off (None | str):
        plans (list[str]):
        provider_coupon_id (str):
        redeem_by (datetime.datetime | None):
        times_redeemed (int):
        valid (bool): Whether it can be redeemed now (not deleted, before `redeem_by`, under `max_redemptions`).
    """

    amount_off: int | None
    created_at: datetime.datetime
    currency: str
    deleted_at: datetime.datetime | None
    duration: DurationEnum
    duration_in_months: int | None
    id: str
    max_redemptions: int | None
    metadata: CouponOutputMetadata
    name: str
    object_: str
    percent_off: None | str
    plans: list[str]
    provider_coupon_id: str
    redeem_by: datetime.datetime | None
    times_redeemed: int
    valid: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_off: int | None
        amount_off = self.amount_off

        created_at = self.created_at.isoformat()

        currency = self.currency

        deleted_at: None | str
        if isinstance(self.deleted_at, datetime.datetime):
            deleted_at = self.deleted_at.isoformat()
        else:
            deleted_at = self.deleted_at

        duration = self.duration.value

        duration_in_months: int | None
        duration_in_months = self.duration_in_months

        id = self.id

        max_redemptions: int | None
        max_redemptions = self.max_redemptions

        metadata = self.metadata.to_dict()

        name = self.name

        object_ = self.object_

        percent_off: None | str
        percent_off = self.percent_off

        plans = self.plans

        provider_coupon_id = self.provider_coupon_id

        redeem_by: None | str
        if isinstance(self.redeem_by, datetime.datetime):
            redeem_by = self.redeem_by.isoformat()
        else:
            redeem_by = self.redeem_by

        times_redeemed = self.times_redeemed

        valid = self.valid

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_off": amount_off,
                "created_at": created_at,
                "currency": currency,
                "deleted_at": deleted_at,
                "duration": duration,
                "duration_in_months": duration_in_months,
                "id": id,
                "max_redemptions": max_redemptions,
                "metadata": metadata,
                "name": name,
                "object": object_,
                "percent_off": percent_off,
                "plans": plans,
                "provider_coupon_id": provider_coupon_id,
                "redeem_by": redeem_by,
                "times_redeemed": times_redeemed,
                "valid": valid,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.coupon_output_metadata import CouponOutputMetadata  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_amount_off(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        amount_off = _parse_amount_off(d.pop("amount_off"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        currency = d.pop("currency")

        def _parse_deleted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deleted_at_type_0 = datetime.datetime.fromisoformat(data)

                return deleted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        deleted_at = _parse_deleted_at(d.pop("deleted_at"))

        duration = DurationEnum(d.pop("duration"))

        def _parse_duration_in_months(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        duration_in_months = _parse_duration_in_months(d.pop("duration_in_months"))

        id = d.pop("id")

        def _parse_max_redemptions(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_redemptions = _parse_max_redemptions(d.pop("max_redemptions"))

        metadata = CouponOutputMetadata.from_dict(d.pop("metadata"))

        name = d.pop("name")

        object_ = d.pop("object")

        def _parse_percent_off(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        percent_off = _parse_percent_off(d.pop("percent_off"))

        plans = cast(list[str], d.pop("plans"))

        provider_coupon_id = d.pop("provider_coupon_id")

        def _parse_redeem_by(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                redeem_by_type_0 = datetime.datetime.fromisoformat(data)

                return redeem_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        redeem_by = _parse_redeem_by(d.pop("redeem_by"))

        times_redeemed = d.pop("times_redeemed")

        valid = d.pop("valid")

        coupon_output = cls(
            amount_off=amount_off,
            created_at=created_at,
            currency=currency,
            deleted_at=deleted_at,
            duration=duration,
            duration_in_months=duration_in_months,
            id=id,
            max_redemptions=max_redemptions,
            metadata=metadata,
            name=name,
            object_=object_,
            percent_off=percent_off,
            plans=plans,
            provider_coupon_id=provider_coupon_id,
            redeem_by=redeem_by,
            times_redeemed=times_redeemed,
            valid=valid,
        )

        coupon_output.additional_properties = d
        return coupon_output

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
