from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.promotion_code_create_input_request_metadata import (
        PromotionCodeCreateInputRequestMetadata,
    )


T = TypeVar("T", bound="PromotionCodeCreateInputRequest")


@_attrs_define
class PromotionCodeCreateInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        code (str): What the customer types: letters, digits and dashes; unique (any case) among the app's active codes.
        coupon (str): The coupon (`cpn_…`) it redeems.
        customer (str | Unset): Only this customer (`cus_…`) may redeem it.
        expires_at (datetime.datetime | Unset):
        first_time_transaction (bool | Unset): Only customers who have paid nothing yet. Default: False.
        max_redemptions (int | Unset): In all.
        max_redemptions_per_customer (int | Unset): How often one customer may redeem it (1: once per customer).
        metadata (PromotionCodeCreateInputRequestMetadata | Unset):
    """

    code: str
    coupon: str
    customer: str | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET
    first_time_transaction: bool | Unset = False
    max_redemptions: int | Unset = UNSET
    max_redemptions_per_customer: int | Unset = UNSET
    metadata: PromotionCodeCreateInputRequestMetadata | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        coupon = self.coupon

        customer = self.customer

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        first_time_transaction = self.first_time_transaction

        max_redemptions = self.max_redemptions

        max_redemptions_per_customer = self.max_redemptions_per_customer

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "coupon": coupon,
            }
        )
        if customer is not UNSET:
            field_dict["customer"] = customer
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if first_time_transaction is not UNSET:
            field_dict["first_time_transaction"] = first_time_transaction
        if max_redemptions is not UNSET:
            field_dict["max_redemptions"] = max_redemptions
        if max_redemptions_per_customer is not UNSET:
            field_dict["max_redemptions_per_customer"] = max_redemptions_per_customer
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.promotion_code_create_input_request_metadata import (
            PromotionCodeCreateInputRequestMetadata,  # noqa: PLC0415
        )

        d = dict(src_dict)
        code = d.pop("code")

        coupon = d.pop("coupon")

        customer = d.pop("customer", UNSET)

        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        first_time_transaction = d.pop("first_time_transaction", UNSET)

        max_redemptions = d.pop("max_redemptions", UNSET)

        max_redemptions_per_customer = d.pop("max_redemptions_per_customer", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: PromotionCodeCreateInputRequestMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = PromotionCodeCreateInputRequestMetadata.from_dict(_metadata)

        promotion_code_create_input_request = cls(
            code=code,
            coupon=coupon,
            customer=customer,
            expires_at=expires_at,
            first_time_transaction=first_time_transaction,
            max_redemptions=max_redemptions,
            max_redemptions_per_customer=max_redemptions_per_customer,
            metadata=metadata,
        )

        promotion_code_create_input_request.additional_properties = d
        return promotion_code_create_input_request

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
