from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.payment_output_metadata import PaymentOutputMetadata


T = TypeVar("T", bound="PaymentOutput")


@_attrs_define
class PaymentOutput:
    """
    Attributes:
        amount (int):
        amount_refunded (int):
        client_secret (None | str):
        created_at (datetime.datetime):
        currency (str):
        customer (str):
        decline_code (str):
        description (str):
        failure_code (str):
        failure_message (str):
        id (str):
        metadata (PaymentOutputMetadata):
        object_ (str):
        off_session (bool):
        payment_method (str):
        provider_payment_id (str):
        redirect_url (None | str): While `requires_action` after a `return_url` was given: the page to send the customer
            to (3-D Secure); they come back to `return_url`. Null otherwise.
        return_url (str):
        status (str):
        updated_at (datetime.datetime):
    """

    amount: int
    amount_refunded: int
    client_secret: None | str
    created_at: datetime.datetime
    currency: str
    customer: str
    decline_code: str
    description: str
    failure_code: str
    failure_message: str
    id: str
    metadata: PaymentOutputMetadata
    object_: str
    off_session: bool
    payment_method: str
    provider_payment_id: str
    redirect_url: None | str
    return_url: str
    status: str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        amount_refunded = self.amount_refunded

        client_secret: None | str
        client_secret = self.client_secret

        created_at = self.created_at.isoformat()

        currency = self.currency

        customer = self.customer

        decline_code = self.decline_code

        description = self.description

        failure_code = self.failure_code

        failure_message = self.failure_message

        id = self.id

        metadata = self.metadata.to_dict()

        object_ = self.object_

        off_session = self.off_session

        payment_method = self.payment_method

        provider_payment_id = self.provider_payment_id

        redirect_url: None | str
        redirect_url = self.redirect_url

        return_url = self.return_url

        status = self.status

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "amount_refunded": amount_refunded,
                "client_secret": client_secret,
                "created_at": created_at,
                "currency": currency,
                "customer": customer,
                "decline_code": decline_code,
                "description": description,
                "failure_code": failure_code,
                "failure_message": failure_message,
                "id": id,
                "metadata": metadata,
                "object": object_,
                "off_session": off_session,
                "payment_method": payment_method,
                "provider_payment_id": provider_payment_id,
                "redirect_url": redirect_url,
                "return_url": return_url,
                "status": status,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payment_output_metadata import PaymentOutputMetadata  # noqa: PLC0415

        d = dict(src_dict)
        amount = d.pop("amount")

        amount_refunded = d.pop("amount_refunded")

        def _parse_client_secret(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        client_secret = _parse_client_secret(d.pop("client_secret"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        currency = d.pop("currency")

        customer = d.pop("customer")

        decline_code = d.pop("decline_code")

        description = d.pop("description")

        failure_code = d.pop("failure_code")

        failure_message = d.pop("failure_message")

        id = d.pop("id")

        metadata = PaymentOutputMetadata.from_dict(d.pop("metadata"))

        object_ = d.pop("object")

        off_session = d.pop("off_session")

        payment_method = d.pop("payment_method")

        provider_payment_id = d.pop("provider_payment_id")

        def _parse_redirect_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        redirect_url = _parse_redirect_url(d.pop("redirect_url"))

        return_url = d.pop("return_url")

        status = d.pop("status")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        payment_output = cls(
            amount=amount,
            amount_refunded=amount_refunded,
            client_secret=client_secret,
            created_at=created_at,
            currency=currency,
            customer=customer,
            decline_code=decline_code,
            description=description,
            failure_code=failure_code,
            failure_message=failure_message,
            id=id,
            metadata=metadata,
            object_=object_,
            off_session=off_session,
            payment_method=payment_method,
            provider_payment_id=provider_payment_id,
            redirect_url=redirect_url,
            return_url=return_url,
            status=status,
            updated_at=updated_at,
        )

        payment_output.additional_properties = d
        return payment_output

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
