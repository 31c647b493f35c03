from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.webhook_endpoint_output_metadata import WebhookEndpointOutputMetadata


T = TypeVar("T", bound="WebhookEndpointOutput")


@_attrs_define
class WebhookEndpointOutput:
    """
    Attributes:
        created_at (datetime.datetime):
        description (str):
        enabled_events (list[str]):
        id (str):
        metadata (WebhookEndpointOutputMetadata):
        object_ (str):
        status (str):
        url (str):
    """

    created_at: datetime.datetime
    description: str
    enabled_events: list[str]
    id: str
    metadata: WebhookEndpointOutputMetadata
    object_: str
    status: str
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        description = self.description

        enabled_events = self.enabled_events

        id = self.id

        metadata = self.metadata.to_dict()

        object_ = self.object_

        status = self.status

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "description": description,
                "enabled_events": enabled_events,
                "id": id,
                "metadata": metadata,
                "object": object_,
                "status": status,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.webhook_endpoint_output_metadata import WebhookEndpointOutputMetadata  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        description = d.pop("description")

        enabled_events = cast(list[str], d.pop("enabled_events"))

        id = d.pop("id")

        metadata = WebhookEndpointOutputMetadata.from_dict(d.pop("metadata"))

        object_ = d.pop("object")

        status = d.pop("status")

        url = d.pop("url")

        webhook_endpoint_output = cls(
            created_at=created_at,
            description=description,
            enabled_events=enabled_events,
            id=id,
            metadata=metadata,
            object_=object_,
            status=status,
            url=url,
        )

        webhook_endpoint_output.additional_properties = d
        return webhook_endpoint_output

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
