from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.subscription_output_status_enum import SubscriptionOutputStatusEnum

if TYPE_CHECKING:
    from ..models.subscription_discount_output import SubscriptionDiscountOutput
    from ..models.subscription_output_metadata import SubscriptionOutputMetadata
    from ..models.subscription_pending_change_output import SubscriptionPendingChangeOutput


T = TypeVar("T", bound="SubscriptionOutput")


@_attrs_define
class SubscriptionOutput:
    """
    Attributes:
        approval_url (None | str): While the subscription awaits the customer's approval at the provider's page (PayPal:
            a new subscription, `incomplete`, or a plan change, which applies once approved): the page to send them to. Null
            otherwise.
        cancel_at_period_end (bool):
        canceled_at (datetime.datetime | None):
        client_secret (None | str): While the subscription is incomplete because its first payment needs the customer's
            authentication (3-D Secure): the secret the app's front end confirms that payment with (Stripe.js
            confirmPayment). Null otherwise.
        created_at (datetime.datetime):
        current_period_end (datetime.datetime | None):
        current_period_start (datetime.datetime | None):
        customer (str):
        discount (None | SubscriptionDiscountOutput): The discount redeemed on it (`coupon`, `promotion_code`), or null.
        id (str):
        metadata (SubscriptionOutputMetadata):
        object_ (str):
        payment_method (str):
        pending_change (None | SubscriptionPendingChangeOutput): A plan change scheduled for the period's end (`change-
            plan` with `at=period_end`), until the renewal applies it; null when none is.
        plan (str):
        plan_version (int):
        provider_subscription_id (str):
        return_url (None | str):
        status (SubscriptionOutputStatusEnum): * `incomplete` - incomplete
            * `incomplete_expired` - incomplete_expired
            * `trialing` - trialing
            * `active` - active
            * `past_due` - past_due
            * `canceled` - canceled
            * `unpaid` - unpaid
            * `paused` - paused
        sync_state (str):
        trial_end (datetime.datetime | None):
        trial_period_days (int):
        updated_at (datetime.datetime):
    """

    approval_url: None | str
    cancel_at_period_end: bool
    canceled_at: datetime.datetime | None
    client_secret: None | str
    created_at: datetime.datetime
    current_period_end: datetime.datetime | None
    current_period_start: datetime.datetime | None
    customer: str
    discount: None | SubscriptionDiscountOutput
    id: str
    metadata: SubscriptionOutputMetadata
    object_: str
    payment_method: str
    pending_change: None | SubscriptionPendingChangeOutput
    plan: str
    plan_version: int
    provider_subscription_id: str
    return_url: None | str
    status: SubscriptionOutputStatusEnum
    sync_state: str
    trial_end: datetime.datetime | None
    trial_period_days: int
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.subscription_discount_output import SubscriptionDiscountOutput  # noqa: PLC0415
        from ..models.subscription_pending_change_output import SubscriptionPendingChangeOutput  # noqa: PLC0415

        approval_url: None | str
        approval_url = self.approval_url

        cancel_at_period_end = self.cancel_at_period_end

        canceled_at: None | str
        if isinstance(self.canceled_at, datetime.datetime):
            canceled_at = self.canceled_at.isoformat()
        else:
            canceled_at = self.canceled_at

        client_secret: None | str
        client_secret = self.client_secret

        created_at = self.created_at.isoformat()

        current_period_end: None | str
        if isinstance(self.current_period_end, datetime.datetime):
            current_period_end = self.current_period_end.isoformat()
        else:
            current_period_end = self.current_period_end

        current_period_start: None | str
        if isinstance(self.current_period_start, datetime.datetime):
            current_period_start = self.current_period_start.isoformat()
        else:
            current_period_start = self.current_period_start

        customer = self.customer

        discount: dict[str, Any] | None
        if isinstance(self.discount, SubscriptionDiscountOutput):
            discount = self.discount.to_dict()
        else:
            discount = self.discount

        id = self.id

        metadata = self.metadata.to_dict()

        object_ = self.object_

        payment_method = self.payment_method

        pending_change: dict[str, Any] | None
        if isinstance(self.pending_change, SubscriptionPendingChangeOutput):
            pending_change = self.pending_change.to_dict()
        else:
            pending_change = self.pending_change

        plan = self.plan

        plan_version = self.plan_version

        provider_subscription_id = self.provider_subscription_id

        return_url: None | str
        return_url = self.return_url

        status = self.status.value

        sync_state = self.sync_state

        trial_end: None | str
        if isinstance(self.trial_end, datetime.datetime):
            trial_end = self.trial_end.isoformat()
        else:
            trial_end = self.trial_end

        trial_period_days = self.trial_period_days

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "approval_url": approval_url,
                "cancel_at_period_end": cancel_at_period_end,
                "canceled_at": canceled_at,
                "client_secret": client_secret,
                "created_at": created_at,
                "current_period_end": current_period_end,
                "current_period_start": current_period_start,
                "customer": customer,
                "discount": discount,
                "id": id,
                "metadata": metadata,
                "object": object_,
                "payment_method": payment_method,
                "pending_change": pending_change,
                "plan": plan,
                "plan_version": plan_version,
                "provider_subscription_id": provider_subscription_id,
                "return_url": return_url,
                "status": status,
                "sync_state": sync_state,
                "trial_end": trial_end,
                "trial_period_days": trial_period_days,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.subscription_discount_output import SubscriptionDiscountOutput  # noqa: PLC0415
        from ..models.subscription_output_metadata import SubscriptionOutputMetadata  # noqa: PLC0415
        from ..models.subscription_pending_change_output import SubscriptionPendingChangeOutput  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_approval_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        approval_url = _parse_approval_url(d.pop("approval_url"))

        cancel_at_period_end = d.pop("cancel_at_period_end")

        def _parse_canceled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                canceled_at_type_0 = datetime.datetime.fromisoformat(data)

                return canceled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        canceled_at = _parse_canceled_at(d.pop("canceled_at"))

        def _parse_client_secret(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        client_secret = _parse_client_secret(d.pop("client_secret"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_current_period_end(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                current_period_end_type_0 = datetime.datetime.fromisoformat(data)

                return current_period_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        current_period_end = _parse_current_period_end(d.pop("current_period_end"))

        def _parse_current_period_start(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                current_period_start_type_0 = datetime.datetime.fromisoformat(data)

                return current_period_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        current_period_start = _parse_current_period_start(d.pop("current_period_start"))

        customer = d.pop("customer")

        def _parse_discount(data: object) -> None | SubscriptionDiscountOutput:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                discount_type_1 = SubscriptionDiscountOutput.from_dict(data)

                return discount_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SubscriptionDiscountOutput, data)

        discount = _parse_discount(d.pop("discount"))

        id = d.pop("id")

        metadata = SubscriptionOutputMetadata.from_dict(d.pop("metadata"))

        object_ = d.pop("object")

        payment_method = d.pop("payment_method")

        def _parse_pending_change(data: object) -> None | SubscriptionPendingChangeOutput:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                pending_change_type_1 = SubscriptionPendingChangeOutput.from_dict(data)

                return pending_change_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SubscriptionPendingChangeOutput, data)

        pending_change = _parse_pending_change(d.pop("pending_change"))

        plan = d.pop("plan")

        plan_version = d.pop("plan_version")

        provider_subscription_id = d.pop("provider_subscription_id")

        def _parse_return_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        return_url = _parse_return_url(d.pop("return_url"))

        status = SubscriptionOutputStatusEnum(d.pop("status"))

        sync_state = d.pop("sync_state")

        def _parse_trial_end(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                trial_end_type_0 = datetime.datetime.fromisoformat(data)

                return trial_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        trial_end = _parse_trial_end(d.pop("trial_end"))

        trial_period_days = d.pop("trial_period_days")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        subscription_output = cls(
            approval_url=approval_url,
            cancel_at_period_end=cancel_at_period_end,
            canceled_at=canceled_at,
            client_secret=client_secret,
            created_at=created_at,
            current_period_end=current_period_end,
            current_period_start=current_period_start,
            customer=customer,
            discount=discount,
            id=id,
            metadata=metadata,
            object_=object_,
            payment_method=payment_method,
            pending_change=pending_change,
            plan=plan,
            plan_version=plan_version,
            provider_subscription_id=provider_subscription_id,
            return_url=return_url,
            status=status,
            sync_state=sync_state,
            trial_end=trial_end,
            trial_period_days=trial_period_days,
            updated_at=updated_at,
        )

        subscription_output.additional_properties = d
        return subscription_output

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
