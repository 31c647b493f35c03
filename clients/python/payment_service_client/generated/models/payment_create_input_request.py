from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.payment_create_input_request_metadata import PaymentCreateInputRequestMetadata


T = TypeVar("T", bound="PaymentCreateInputRequest")


@_attrs_define
class PaymentCreateInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        amount (int):
        currency (str):  Example: usd.
        customer (str):
        description (str | Unset):
        metadata (PaymentCreateInputRequestMetadata | Unset):
        off_session (bool | Unset): The customer is not present (a saved card charged by the app): a card that needs
            authentication is declined with 402 `authentication_required`. Not with `return_url`. Default: False.
        payment_method (str | Unset):
        return_url (str | Unset): The customer is present: where the provider sends them back after authenticating (3-D
            Secure). A payment that needs it answers `requires_action` with the `redirect_url` to send the customer to. Not
            with `off_session`.
    """

    amount: int
    currency: str
    customer: str
    description: str | Unset = UNSET
    metadata: PaymentCreateInputRequestMetadata | Unset = UNSET
    off_session: bool | Unset = False
    payment_method: str | Unset = UNSET
    return_url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        currency = self.currency

        customer = self.customer

        description = self.description

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        off_session = self.off_session

        payment_method = self.payment_method

        return_url = self.return_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "currency": currency,
                "customer": customer,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if off_session is not UNSET:
            field_dict["off_session"] = off_session
        if payment_method is not UNSET:
            field_dict["payment_method"] = payment_method
        if return_url is not UNSET:
            field_dict["return_url"] = return_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payment_create_input_request_metadata import PaymentCreateInputRequestMetadata  # noqa: PLC0415

        d = dict(src_dict)
        amount = d.pop("amount")

        currency = d.pop("currency")

        customer = d.pop("customer")

        description = d.pop("description", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: PaymentCreateInputRequestMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = PaymentCreateInputRequestMetadata.from_dict(_metadata)

        off_session = d.pop("off_session", UNSET)

        payment_method = d.pop("payment_method", UNSET)

        return_url = d.pop("return_url", UNSET)

        payment_create_input_request = cls(
            amount=amount,
            currency=currency,
            customer=customer,
            description=description,
            metadata=metadata,
            off_session=off_session,
            payment_method=payment_method,
            return_url=return_url,
        )

        payment_create_input_request.additional_properties = d
        return payment_create_input_request

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
