from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.subscription_create_input_request_metadata import (
        SubscriptionCreateInputRequestMetadata,
    )


T = TypeVar("T", bound="SubscriptionCreateInputRequest")


@_attrs_define
class SubscriptionCreateInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        customer (str):
        plan (str):
        coupon (str | Unset): A coupon (`cpn_…`) to redeem on the subscription. Without `coupon` or `promotion_code`,
            the customer's own discount applies, if they have one.
        metadata (SubscriptionCreateInputRequestMetadata | Unset):
        payment_method (str | Unset):
        promotion_code (str | Unset): A promotion code to redeem: its id (`pcode_…`) or the code the customer typed (any
            case). Not with `coupon`.
        return_url (str | Unset): Where the provider sends the customer back after approving the subscription on its
            page. Required on a PayPal app (else 400 `provider_capability_unsupported` naming
            `subscriptions_without_approval`): the subscription answers `incomplete` with `approval_url`, PayPal's approval
            page.
        trial_period_days (int | None | Unset):
    """

    customer: str
    plan: str
    coupon: str | Unset = UNSET
    metadata: SubscriptionCreateInputRequestMetadata | Unset = UNSET
    payment_method: str | Unset = UNSET
    promotion_code: str | Unset = UNSET
    return_url: str | Unset = UNSET
    trial_period_days: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        customer = self.customer

        plan = self.plan

        coupon = self.coupon

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        payment_method = self.payment_method

        promotion_code = self.promotion_code

        return_url = self.return_url

        trial_period_days: int | None | Unset
        if isinstance(self.trial_period_days, Unset):
            trial_period_days = UNSET
        else:
            trial_period_days = self.trial_period_days

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customer": customer,
                "plan": plan,
            }
        )
        if coupon is not UNSET:
            field_dict["coupon"] = coupon
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if payment_method is not UNSET:
            field_dict["payment_method"] = payment_method
        if promotion_code is not UNSET:
            field_dict["promotion_code"] = promotion_code
        if return_url is not UNSET:
            field_dict["return_url"] = return_url
        if trial_period_days is not UNSET:
            field_dict["trial_period_days"] = trial_period_days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.subscription_create_input_request_metadata import (
            SubscriptionCreateInputRequestMetadata,  # noqa: PLC0415
        )

        d = dict(src_dict)
        customer = d.pop("customer")

        plan = d.pop("plan")

        coupon = d.pop("coupon", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: SubscriptionCreateInputRequestMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = SubscriptionCreateInputRequestMetadata.from_dict(_metadata)

        payment_method = d.pop("payment_method", UNSET)

        promotion_code = d.pop("promotion_code", UNSET)

        return_url = d.pop("return_url", UNSET)

        def _parse_trial_period_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        trial_period_days = _parse_trial_period_days(d.pop("trial_period_days", UNSET))

        subscription_create_input_request = cls(
            customer=customer,
            plan=plan,
            coupon=coupon,
            metadata=metadata,
            payment_method=payment_method,
            promotion_code=promotion_code,
            return_url=return_url,
            trial_period_days=trial_period_days,
        )

        subscription_create_input_request.additional_properties = d
        return subscription_create_input_request

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
