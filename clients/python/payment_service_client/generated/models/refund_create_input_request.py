from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.refund_create_input_reason_enum import RefundCreateInputReasonEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.refund_create_input_request_metadata import RefundCreateInputRequestMetadata


T = TypeVar("T", bound="RefundCreateInputRequest")


@_attrs_define
class RefundCreateInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        amount (int | Unset):
        metadata (RefundCreateInputRequestMetadata | Unset):
        reason (RefundCreateInputReasonEnum | Unset): * `duplicate` - duplicate
            * `fraudulent` - fraudulent
            * `requested_by_customer` - requested_by_customer
    """

    amount: int | Unset = UNSET
    metadata: RefundCreateInputRequestMetadata | Unset = UNSET
    reason: RefundCreateInputReasonEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        reason: str | Unset = UNSET
        if not isinstance(self.reason, Unset):
            reason = self.reason.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if amount is not UNSET:
            field_dict["amount"] = amount
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.refund_create_input_request_metadata import RefundCreateInputRequestMetadata  # noqa: PLC0415

        d = dict(src_dict)
        amount = d.pop("amount", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: RefundCreateInputRequestMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = RefundCreateInputRequestMetadata.from_dict(_metadata)

        _reason = d.pop("reason", UNSET)
        reason: RefundCreateInputReasonEnum | Unset
        if isinstance(_reason, Unset):
            reason = UNSET
        else:
            reason = RefundCreateInputReasonEnum(_reason)

        refund_create_input_request = cls(
            amount=amount,
            metadata=metadata,
            reason=reason,
        )

        refund_create_input_request.additional_properties = d
        return refund_create_input_request

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
