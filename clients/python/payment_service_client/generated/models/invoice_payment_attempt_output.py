from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invoice_payment_attempt_output_status_enum import (
    InvoicePaymentAttemptOutputStatusEnum,
)

T = TypeVar("T", bound="InvoicePaymentAttemptOutput")


@_attrs_define
class InvoicePaymentAttemptOutput:
    """
    Attributes:
        amount (int):
        attempted_at (datetime.datetime):
        currency (str):
        decline_code (str): The card issuer's reason for a decline.
        failure_code (str):
        failure_message (str):
        id (str):
        payment_method (str):
        provider_charge_id (str):
        status (InvoicePaymentAttemptOutputStatusEnum): * `succeeded` - succeeded
            * `failed` - failed
            * `pending` - pending
    """

    amount: int
    attempted_at: datetime.datetime
    currency: str
    decline_code: str
    failure_code: str
    failure_message: str
    id: str
    payment_method: str
    provider_charge_id: str
    status: InvoicePaymentAttemptOutputStatusEnum
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        attempted_at = self.attempted_at.isoformat()

        currency = self.currency

        decline_code = self.decline_code

        failure_code = self.failure_code

        failure_message = self.failure_message

        id = self.id

        payment_method = self.payment_method

        provider_charge_id = self.provider_charge_id

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "attempted_at": attempted_at,
                "currency": currency,
                "decline_code": decline_code,
                "failure_code": failure_code,
                "failure_message": failure_message,
                "id": id,
                "payment_method": payment_method,
                "provider_charge_id": provider_charge_id,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        attempted_at = datetime.datetime.fromisoformat(d.pop("attempted_at"))

        currency = d.pop("currency")

        decline_code = d.pop("decline_code")

        failure_code = d.pop("failure_code")

        failure_message = d.pop("failure_message")

        id = d.pop("id")

        payment_method = d.pop("payment_method")

        provider_charge_id = d.pop("provider_charge_id")

        status = InvoicePaymentAttemptOutputStatusEnum(d.pop("status"))

        invoice_payment_attempt_output = cls(
            amount=amount,
            attempted_at=attempted_at,
            currency=currency,
            decline_code=decline_code,
            failure_code=failure_code,
            failure_message=failure_message,
            id=id,
            payment_method=payment_method,
            provider_charge_id=provider_charge_id,
            status=status,
        )

        invoice_payment_attempt_output.additional_properties = d
        return invoice_payment_attempt_output

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
