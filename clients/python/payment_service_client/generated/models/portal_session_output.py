from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PortalSessionOutput")


@_attrs_define
class PortalSessionOutput:
    """
    Attributes:
        created_at (datetime.datetime):
        customer (str):
        id (str): The provider's portal session (`bps_…`).
        object_ (str):
        return_url (str):
        url (str): The portal page to send the customer to; it signs them in, so hand it to that customer only. Short-
            lived at the provider: create a session per visit.
    """

    created_at: datetime.datetime
    customer: str
    id: str
    object_: str
    return_url: str
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        customer = self.customer

        id = self.id

        object_ = self.object_

        return_url = self.return_url

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "customer": customer,
                "id": id,
                "object": object_,
                "return_url": return_url,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        customer = d.pop("customer")

        id = d.pop("id")

        object_ = d.pop("object")

        return_url = d.pop("return_url")

        url = d.pop("url")

        portal_session_output = cls(
            created_at=created_at,
            customer=customer,
            id=id,
            object_=object_,
            return_url=return_url,
            url=url,
        )

        portal_session_output.additional_properties = d
        return portal_session_output

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
