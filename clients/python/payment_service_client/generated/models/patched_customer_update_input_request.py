from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.patched_customer_update_input_request_metadata import (
        PatchedCustomerUpdateInputRequestMetadata,
    )


T = TypeVar("T", bound="PatchedCustomerUpdateInputRequest")


@_attrs_define
class PatchedCustomerUpdateInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        description (str | Unset):
        email (str | Unset):
        external_id (None | str | Unset):
        metadata (PatchedCustomerUpdateInputRequestMetadata | Unset):
        name (str | Unset):
        payment_method (str | Unset):
    """

    description: str | Unset = UNSET
    email: str | Unset = UNSET
    external_id: None | str | Unset = UNSET
    metadata: PatchedCustomerUpdateInputRequestMetadata | Unset = UNSET
    name: str | Unset = UNSET
    payment_method: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        email: str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        external_id: None | str | Unset
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        name = self.name

        payment_method = self.payment_method

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if description is not UNSET:
            field_dict["description"] = description
        if email is not UNSET:
            field_dict["email"] = email
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if name is not UNSET:
            field_dict["name"] = name
        if payment_method is not UNSET:
            field_dict["payment_method"] = payment_method

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.patched_customer_update_input_request_metadata import (
            PatchedCustomerUpdateInputRequestMetadata,  # noqa: PLC0415
        )

        d = dict(src_dict)
        description = d.pop("description", UNSET)

        def _parse_email(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_external_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        _metadata = d.pop("metadata", UNSET)
        metadata: PatchedCustomerUpdateInputRequestMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = PatchedCustomerUpdateInputRequestMetadata.from_dict(_metadata)

        name = d.pop("name", UNSET)

        payment_method = d.pop("payment_method", UNSET)

        patched_customer_update_input_request = cls(
            description=description,
            email=email,
            external_id=external_id,
            metadata=metadata,
            name=name,
            payment_method=payment_method,
        )

        patched_customer_update_input_request.additional_properties = d
        return patched_customer_update_input_request

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
