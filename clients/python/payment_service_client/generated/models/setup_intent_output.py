from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.setup_intent_output_status_enum import SetupIntentOutputStatusEnum
from ..models.usage_enum import UsageEnum

T = TypeVar("T", bound="SetupIntentOutput")


@_attrs_define
class SetupIntentOutput:
    """
    Attributes:
        client_secret (str): What the app's card form confirms with the provider's publishable key
            (`client.publishable_key` of `GET /v1/app`), e.g. Stripe.js `confirmCardSetup`.
        customer (str):
        id (str): The provider's setup intent (`seti_…`).
        object_ (str):
        status (SetupIntentOutputStatusEnum): * `requires_payment_method` - requires_payment_method
            * `requires_confirmation` - requires_confirmation
            * `requires_action` - requires_action
            * `processing` - processing
            * `succeeded` - succeeded
            * `canceled` - canceled
        usage (UsageEnum): * `off_session` - off_session
            * `on_session` - on_session
    """

    client_secret: str
    customer: str
    id: str
    object_: str
    status: SetupIntentOutputStatusEnum
    usage: UsageEnum
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        client_secret = self.client_secret

        customer = self.customer

        id = self.id

        object_ = self.object_

        status = self.status.value

        usage = self.usage.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "client_secret": client_secret,
                "customer": customer,
                "id": id,
                "object": object_,
                "status": status,
                "usage": usage,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        client_secret = d.pop("client_secret")

        customer = d.pop("customer")

        id = d.pop("id")

        object_ = d.pop("object")

        status = SetupIntentOutputStatusEnum(d.pop("status"))

        usage = UsageEnum(d.pop("usage"))

        setup_intent_output = cls(
            client_secret=client_secret,
            customer=customer,
            id=id,
            object_=object_,
            status=status,
            usage=usage,
        )

        setup_intent_output.additional_properties = d
        return setup_intent_output

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
