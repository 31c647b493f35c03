from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.promotion_code_output_metadata import PromotionCodeOutputMetadata


T = TypeVar("T", bound="PromotionCodeOutput")


@_attrs_define
class PromotionCodeOutput:
    """
    Attributes:
        active (bool):
        code (str):
        coupon (str):
        created_at (datetime.datetime):
        customer (None | str):
        expires_at (datetime.datetime | None):
        first_time_transaction (bool):
        id (str):
        max_redemptions (int | None):
        max_redemptions_per_customer (int | None):
        metadata (PromotionCodeOutputMetadata):
        object_ (str):
        provider_promotion_code_id (str):
        times_redeemed (int):
    """

    active: bool
    code: str
    coupon: str
    created_at: datetime.datetime
    customer: None | str
    expires_at: datetime.datetime | None
    first_time_transaction: bool
    id: str
    max_redemptions: int | None
    max_redemptions_per_customer: int | None
    metadata: PromotionCodeOutputMetadata
    object_: str
    provider_promotion_code_id: str
    times_redeemed: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        code = self.code

        coupon = self.coupon

        created_at = self.created_at.isoformat()

        customer: None | str
        customer = self.customer

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        first_time_transaction = self.first_time_transaction

        id = self.id

        max_redemptions: int | None
        max_redemptions = self.max_redemptions

        max_redemptions_per_customer: int | None
        max_redemptions_per_customer = self.max_redemptions_per_customer

        metadata = self.metadata.to_dict()

        object_ = self.object_

        provider_promotion_code_id = self.provider_promotion_code_id

        times_redeemed = self.times_redeemed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "code": code,
                "coupon": coupon,
                "created_at": created_at,
                "customer": customer,
                "expires_at": expires_at,
                "first_time_transaction": first_time_transaction,
                "id": id,
                "max_redemptions": max_redemptions,
                "max_redemptions_per_customer": max_redemptions_per_customer,
                "metadata": metadata,
                "object": object_,
                "provider_promotion_code_id": provider_promotion_code_id,
                "times_redeemed": times_redeemed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.promotion_code_output_metadata import PromotionCodeOutputMetadata  # noqa: PLC0415

        d = dict(src_dict)
        active = d.pop("active")

        code = d.pop("code")

        coupon = d.pop("coupon")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_customer(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        customer = _parse_customer(d.pop("customer"))

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        first_time_transaction = d.pop("first_time_transaction")

        id = d.pop("id")

        def _parse_max_redemptions(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_redemptions = _parse_max_redemptions(d.pop("max_redemptions"))

        def _parse_max_redemptions_per_customer(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_redemptions_per_customer = _parse_max_redemptions_per_customer(
            d.pop("max_redemptions_per_customer")
        )

        metadata = PromotionCodeOutputMetadata.from_dict(d.pop("metadata"))

        object_ = d.pop("object")

        provider_promotion_code_id = d.pop("provider_promotion_code_id")

        times_redeemed = d.pop("times_redeemed")

        promotion_code_output = cls(
            active=active,
            code=code,
            coupon=coupon,
            created_at=created_at,
            customer=customer,
            expires_at=expires_at,
            first_time_transaction=first_time_transaction,
            id=id,
            max_redemptions=max_redemptions,
            max_redemptions_per_customer=max_redemptions_per_customer,
            metadata=metadata,
            object_=object_,
            provider_promotion_code_id=provider_promotion_code_id,
            times_redeemed=times_redeemed,
        )

        promotion_code_output.additional_properties = d
        return promotion_code_output

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
