from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.customer_output_metadata import CustomerOutputMetadata


T = TypeVar("T", bound="CustomerOutput")


@_attrs_define
class CustomerOutput:
    """
    Attributes:
        created_at (datetime.datetime):
        default_payment_method (str):
        description (str):
        email (str):
        external_id (None | str):
        id (str):
        metadata (CustomerOutputMetadata):
        name (str):
        object_ (str):
        provider_customer_id (str):
        test_clock (None | str):
        updated_at (datetime.datetime):
    """

    created_at: datetime.datetime
    default_payment_method: str
    description: str
    email: str
    external_id: None | str
    id: str
    metadata: CustomerOutputMetadata
    name: str
    object_: str
    provider_customer_id: str
    test_clock: None | str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        default_payment_method = self.default_payment_method

        description = self.description

        email = self.email

        external_id: None | str
        external_id = self.external_id

        id = self.id

        metadata = self.metadata.to_dict()

        name = self.name

        object_ = self.object_

        provider_customer_id = self.provider_customer_id

        test_clock: None | str
        test_clock = self.test_clock

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "default_payment_method": default_payment_method,
                "description": description,
                "email": email,
                "external_id": external_id,
                "id": id,
                "metadata": metadata,
                "name": name,
                "object": object_,
                "provider_customer_id": provider_customer_id,
                "test_clock": test_clock,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.customer_output_metadata import CustomerOutputMetadata  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        default_payment_method = d.pop("default_payment_method")

        description = d.pop("description")

        email = d.pop("email")

        def _parse_external_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_id = _parse_external_id(d.pop("external_id"))

        id = d.pop("id")

        metadata = CustomerOutputMetadata.from_dict(d.pop("metadata"))

        name = d.pop("name")

        object_ = d.pop("object")

        provider_customer_id = d.pop("provider_customer_id")

        def _parse_test_clock(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        test_clock = _parse_test_clock(d.pop("test_clock"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        customer_output = cls(
            created_at=created_at,
            default_payment_method=default_payment_method,
            description=description,
            email=email,
            external_id=external_id,
            id=id,
            metadata=metadata,
            name=name,
            object_=object_,
            provider_customer_id=provider_customer_id,
            test_clock=test_clock,
            updated_at=updated_at,
        )

        customer_output.additional_properties = d
        return customer_output

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
