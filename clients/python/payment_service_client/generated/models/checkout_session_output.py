from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.checkout_session_output_status_enum import CheckoutSessionOutputStatusEnum
from ..models.mode_enum import ModeEnum
from ..models.payment_status_enum import PaymentStatusEnum

if TYPE_CHECKING:
    from ..models.checkout_session_output_metadata import CheckoutSessionOutputMetadata


T = TypeVar("T", bound="CheckoutSessionOutput")


@_attrs_define
class CheckoutSessionOutput:
    """
    Attributes:
        amount (int | None):
        cancel_url (str):
        completed_at (datetime.datetime | None):
        created_at (datetime.datetime):
        currency (str):
        customer (str):
        description (str):
        expires_at (datetime.datetime):
        id (str):
        metadata (CheckoutSessionOutputMetadata):
        mode (ModeEnum): * `payment` - payment
            * `subscription` - subscription
            * `setup` - setup
        object_ (str):
        payment (None | str): Payment mode, once complete.
        payment_method (str): The card the customer gave, once complete.
        payment_status (PaymentStatusEnum): * `unpaid` - unpaid
            * `paid` - paid
            * `no_payment_required` - no_payment_required
        plan (None | str):
        provider_session_id (str):
        status (CheckoutSessionOutputStatusEnum): * `open` - open
            * `complete` - complete
            * `expired` - expired
        subscription (None | str): Subscription mode, once complete.
        success_url (str):
        trial_period_days (int):
        updated_at (datetime.datetime):
        url (None | str): The provider's hosted page to send the customer to, while `open`; null after.
    """

    amount: int | None
    cancel_url: str
    completed_at: datetime.datetime | None
    created_at: datetime.datetime
    currency: str
    customer: str
    description: str
    expires_at: datetime.datetime
    id: str
    metadata: CheckoutSessionOutputMetadata
    mode: ModeEnum
    object_: str
    payment: None | str
    payment_method: str
    payment_status: PaymentStatusEnum
    plan: None | str
    provider_session_id: str
    status: CheckoutSessionOutputStatusEnum
    subscription: None | str
    success_url: str
    trial_period_days: int
    updated_at: datetime.datetime
    url: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount: int | None
        amount = self.amount

        cancel_url = self.cancel_url

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        created_at = self.created_at.isoformat()

        currency = self.currency

        customer = self.customer

        description = self.description

        expires_at = self.expires_at.isoformat()

        id = self.id

        metadata = self.metadata.to_dict()

        mode = self.mode.value

        object_ = self.object_

        payment: None | str
        payment = self.payment

        payment_method = self.payment_method

        payment_status = self.payment_status.value

        plan: None | str
        plan = self.plan

        provider_session_id = self.provider_session_id

        status = self.status.value

        subscription: None | str
        subscription = self.subscription

        success_url = self.success_url

        trial_period_days = self.trial_period_days

        updated_at = self.updated_at.isoformat()

        url: None | str
        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "cancel_url": cancel_url,
                "completed_at": completed_at,
                "created_at": created_at,
                "currency": currency,
                "customer": customer,
                "description": description,
                "expires_at": expires_at,
                "id": id,
                "metadata": metadata,
                "mode": mode,
                "object": object_,
                "payment": payment,
                "payment_method": payment_method,
                "payment_status": payment_status,
                "plan": plan,
                "provider_session_id": provider_session_id,
                "status": status,
                "subscription": subscription,
                "success_url": success_url,
                "trial_period_days": trial_period_days,
                "updated_at": updated_at,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.checkout_session_output_metadata import CheckoutSessionOutputMetadata  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_amount(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        amount = _parse_amount(d.pop("amount"))

        cancel_url = d.pop("cancel_url")

        def _parse_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        completed_at = _parse_completed_at(d.pop("completed_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        currency = d.pop("currency")

        customer = d.pop("customer")

        description = d.pop("description")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        id = d.pop("id")

        metadata = CheckoutSessionOutputMetadata.from_dict(d.pop("metadata"))

        mode = ModeEnum(d.pop("mode"))

        object_ = d.pop("object")

        def _parse_payment(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        payment = _parse_payment(d.pop("payment"))

        payment_method = d.pop("payment_method")

        payment_status = PaymentStatusEnum(d.pop("payment_status"))

        def _parse_plan(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        plan = _parse_plan(d.pop("plan"))

        provider_session_id = d.pop("provider_session_id")

        status = CheckoutSessionOutputStatusEnum(d.pop("status"))

        def _parse_subscription(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        subscription = _parse_subscription(d.pop("subscription"))

        success_url = d.pop("success_url")

        trial_period_days = d.pop("trial_period_days")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        url = _parse_url(d.pop("url"))

        checkout_session_output = cls(
            amount=amount,
            cancel_url=cancel_url,
            completed_at=completed_at,
            created_at=created_at,
            currency=currency,
            customer=customer,
            description=description,
            expires_at=expires_at,
            id=id,
            metadata=metadata,
            mode=mode,
            object_=object_,
            payment=payment,
            payment_method=payment_method,
            payment_status=payment_status,
            plan=plan,
            provider_session_id=provider_session_id,
            status=status,
            subscription=subscription,
            success_url=success_url,
            trial_period_days=trial_period_days,
            updated_at=updated_at,
            url=url,
        )

        checkout_session_output.additional_properties = d
        return checkout_session_output

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
