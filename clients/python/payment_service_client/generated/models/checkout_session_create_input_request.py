from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.mode_enum import ModeEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.checkout_session_create_input_request_metadata import (
        CheckoutSessionCreateInputRequestMetadata,
    )


T = TypeVar("T", bound="CheckoutSessionCreateInputRequest")


@_attrs_define
class CheckoutSessionCreateInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        mode (ModeEnum): * `payment` - payment
            * `subscription` - subscription
            * `setup` - setup
        success_url (str): Where the customer is sent after paying; the provider puts its session id in place of
            `{CHECKOUT_SESSION_ID}`.
        allow_promotion_codes (bool | Unset): Subscription mode: the page lets the buyer type a promotion code (the
            provider checks its limits; a per-customer limit of ours cannot apply there). Not with `coupon` or
            `promotion_code`. Default: False.
        amount (int | Unset): Payment mode.
        cancel_url (str | Unset): Where the page's cancel link leads.
        coupon (str | Unset): Subscription mode: a coupon (`cpn_…`) applied on the page. Without one (and without
            `promotion_code`), the customer's own discount applies.
        currency (str | Unset): Payment mode. Example: usd.
        customer (str | Unset): Our customer id; or pass `external_id`.
        description (str | Unset): Payment mode: what is bought, shown on the page.
        email (str | Unset):
        external_id (str | Unset): The app's own user id, instead of `customer`: that customer, created (with `email`)
            if new.
        metadata (CheckoutSessionCreateInputRequestMetadata | Unset):
        plan (str | Unset): Subscription mode: the plan.
        promotion_code (str | Unset): Subscription mode: a promotion code (id or code) applied on the page.
        trial_period_days (int | None | Unset): Subscription mode: overrides the plan's trial; 0 starts without one.
    """

    mode: ModeEnum
    success_url: str
    allow_promotion_codes: bool | Unset = False
    amount: int | Unset = UNSET
    cancel_url: str | Unset = UNSET
    coupon: str | Unset = UNSET
    currency: str | Unset = UNSET
    customer: str | Unset = UNSET
    description: str | Unset = UNSET
    email: str | Unset = UNSET
    external_id: str | Unset = UNSET
    metadata: CheckoutSessionCreateInputRequestMetadata | Unset = UNSET
    plan: str | Unset = UNSET
    promotion_code: str | Unset = UNSET
    trial_period_days: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        mode = self.mode.value

        success_url = self.success_url

        allow_promotion_codes = self.allow_promotion_codes

        amount = self.amount

        cancel_url = self.cancel_url

        coupon = self.coupon

        currency = self.currency

        customer = self.customer

        description = self.description

        email: str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        external_id = self.external_id

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        plan = self.plan

        promotion_code = self.promotion_code

        trial_period_days: int | None | Unset
        if isinstance(self.trial_period_days, Unset):
            trial_period_days = UNSET
        else:
            trial_period_days = self.trial_period_days

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "mode": mode,
                "success_url": success_url,
            }
        )
        if allow_promotion_codes is not UNSET:
            field_dict["allow_promotion_codes"] = allow_promotion_codes
        if amount is not UNSET:
            field_dict["amount"] = amount
        if cancel_url is not UNSET:
            field_dict["cancel_url"] = cancel_url
        if coupon is not UNSET:
            field_dict["coupon"] = coupon
        if currency is not UNSET:
            field_dict["currency"] = currency
        if customer is not UNSET:
            field_dict["customer"] = customer
        if description is not UNSET:
            field_dict["description"] = description
        if email is not UNSET:
            field_dict["email"] = email
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if plan is not UNSET:
            field_dict["plan"] = plan
        if promotion_code is not UNSET:
            field_dict["promotion_code"] = promotion_code
        if trial_period_days is not UNSET:
            field_dict["trial_period_days"] = trial_period_days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.checkout_session_create_input_request_metadata import (
            CheckoutSessionCreateInputRequestMetadata,  # noqa: PLC0415
        )

        d = dict(src_dict)
        mode = ModeEnum(d.pop("mode"))

        success_url = d.pop("success_url")

        allow_promotion_codes = d.pop("allow_promotion_codes", UNSET)

        amount = d.pop("amount", UNSET)

        cancel_url = d.pop("cancel_url", UNSET)

        coupon = d.pop("coupon", UNSET)

        currency = d.pop("currency", UNSET)

        customer = d.pop("customer", UNSET)

        description = d.pop("description", UNSET)

        def _parse_email(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        external_id = d.pop("external_id", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: CheckoutSessionCreateInputRequestMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = CheckoutSessionCreateInputRequestMetadata.from_dict(_metadata)

        plan = d.pop("plan", UNSET)

        promotion_code = d.pop("promotion_code", UNSET)

        def _parse_trial_period_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        trial_period_days = _parse_trial_period_days(d.pop("trial_period_days", UNSET))

        checkout_session_create_input_request = cls(
            mode=mode,
            success_url=success_url,
            allow_promotion_codes=allow_promotion_codes,
            amount=amount,
            cancel_url=cancel_url,
            coupon=coupon,
            currency=currency,
            customer=customer,
            description=description,
            email=email,
            external_id=external_id,
            metadata=metadata,
            plan=plan,
            promotion_code=promotion_code,
            trial_period_days=trial_period_days,
        )

        checkout_session_create_input_request.additional_properties = d
        return checkout_session_create_input_request

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
