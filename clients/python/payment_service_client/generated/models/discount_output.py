from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.target_enum import TargetEnum

if TYPE_CHECKING:
    from ..models.coupon_output import CouponOutput


T = TypeVar("T", bound="DiscountOutput")


@_attrs_define
class DiscountOutput:
    """
    Attributes:
        checkout_session (None | str):
        coupon (CouponOutput):
        created_at (datetime.datetime):
        customer (str):
        id (str):
        object_ (str):
        promotion_code (None | str):
        removed_at (datetime.datetime | None):
        subscription (None | str):
        target (TargetEnum): * `customer` - customer
            * `subscription` - subscription
            * `checkout_session` - checkout_session
    """

    checkout_session: None | str
    coupon: CouponOutput
    created_at: datetime.datetime
    customer: str
    id: str
    object_: str
    promotion_code: None | str
    removed_at: datetime.datetime | None
    subscription: None | str
    target: TargetEnum
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        checkout_session: None | str
        checkout_session = self.checkout_session

        coupon = self.coupon.to_dict()

        created_at = self.created_at.isoformat()

        customer = self.customer

        id = self.id

        object_ = self.object_

        promotion_code: None | str
        promotion_code = self.promotion_code

        removed_at: None | str
        if isinstance(self.removed_at, datetime.datetime):
            removed_at = self.removed_at.isoformat()
        else:
            removed_at = self.removed_at

        subscription: None | str
        subscription = self.subscription

        target = self.target.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "checkout_session": checkout_session,
                "coupon": coupon,
                "created_at": created_at,
                "customer": customer,
                "id": id,
                "object": object_,
                "promotion_code": promotion_code,
                "removed_at": removed_at,
                "subscription": subscription,
                "target": target,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.coupon_output import CouponOutput  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_checkout_session(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        checkout_session = _parse_checkout_session(d.pop("checkout_session"))

        coupon = CouponOutput.from_dict(d.pop("coupon"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        customer = d.pop("customer")

        id = d.pop("id")

        object_ = d.pop("object")

        def _parse_promotion_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        promotion_code = _parse_promotion_code(d.pop("promotion_code"))

        def _parse_removed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                removed_at_type_0 = datetime.datetime.fromisoformat(data)

                return removed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        removed_at = _parse_removed_at(d.pop("removed_at"))

        def _parse_subscription(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        subscription = _parse_subscription(d.pop("subscription"))

        target = TargetEnum(d.pop("target"))

        discount_output = cls(
            checkout_session=checkout_session,
            coupon=coupon,
            created_at=created_at,
            customer=customer,
            id=id,
            object_=object_,
            promotion_code=promotion_code,
            removed_at=removed_at,
            subscription=subscription,
            target=target,
        )

        discount_output.additional_properties = d
        return discount_output

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
