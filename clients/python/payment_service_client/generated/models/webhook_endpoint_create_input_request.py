from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.webhook_endpoint_create_input_request_metadata import (
        WebhookEndpointCreateInputRequestMetadata,
    )


T = TypeVar("T", bound="WebhookEndpointCreateInputRequest")


@_attrs_define
class WebhookEndpointCreateInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        enabled_events (list[str]): Event types to receive, or ["*"] for all of them.
        url (str): Where to POST events: http or https.
        description (str | Unset):
        metadata (WebhookEndpointCreateInputRequestMetadata | Unset):
    """

    enabled_events: list[str]
    url: str
    description: str | Unset = UNSET
    metadata: WebhookEndpointCreateInputRequestMetadata | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        enabled_events = self.enabled_events

        url = self.url

        description = self.description

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "enabled_events": enabled_events,
                "url": url,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.webhook_endpoint_create_input_request_metadata import (
            WebhookEndpointCreateInputRequestMetadata,  # noqa: PLC0415
        )

        d = dict(src_dict)
        enabled_events = cast(list[str], d.pop("enabled_events"))

        url = d.pop("url")

        description = d.pop("description", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: WebhookEndpointCreateInputRequestMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = WebhookEndpointCreateInputRequestMetadata.from_dict(_metadata)

        webhook_endpoint_create_input_request = cls(
            enabled_events=enabled_events,
            url=url,
            description=description,
            metadata=metadata,
        )

        webhook_endpoint_create_input_request.additional_properties = d
        return webhook_endpoint_create_input_request

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
