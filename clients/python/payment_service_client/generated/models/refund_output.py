from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.refund_output_metadata import RefundOutputMetadata


T = TypeVar("T", bound="RefundOutput")


@_attrs_define
class RefundOutput:
    """
    Attributes:
        amount (int):
        created_at (datetime.datetime):
        currency (str):
        failure_reason (str):
        id (str):
        metadata (RefundOutputMetadata):
        object_ (str):
        payment (str):
        provider_refund_id (str):
        reason (str):
        status (str):
    """

    amount: int
    created_at: datetime.datetime
    currency: str
    failure_reason: str
    id: str
    metadata: RefundOutputMetadata
    object_: str
    payment: str
    provider_refund_id: str
    reason: str
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        created_at = self.created_at.isoformat()

        currency = self.currency

        failure_reason = self.failure_reason

        id = self.id

        metadata = self.metadata.to_dict()

        object_ = self.object_

        payment = self.payment

        provider_refund_id = self.provider_refund_id

        reason = self.reason

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "created_at": created_at,
                "currency": currency,
                "failure_reason": failure_reason,
                "id": id,
                "metadata": metadata,
                "object": object_,
                "payment": payment,
                "provider_refund_id": provider_refund_id,
                "reason": reason,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.refund_output_metadata import RefundOutputMetadata  # noqa: PLC0415

        d = dict(src_dict)
        amount = d.pop("amount")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        currency = d.pop("currency")

        failure_reason = d.pop("failure_reason")

        id = d.pop("id")

        metadata = RefundOutputMetadata.from_dict(d.pop("metadata"))

        object_ = d.pop("object")

        payment = d.pop("payment")

        provider_refund_id = d.pop("provider_refund_id")

        reason = d.pop("reason")

        status = d.pop("status")

        refund_output = cls(
            amount=amount,
            created_at=created_at,
            currency=currency,
            failure_reason=failure_reason,
            id=id,
            metadata=metadata,
            object_=object_,
            payment=payment,
            provider_refund_id=provider_refund_id,
            reason=reason,
            status=status,
        )

        refund_output.additional_properties = d
        return refund_output

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
