from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AuditEventOutput")


@_attrs_define
class AuditEventOutput:
    """
    Attributes:
        action_type (str):
        actor_id (str):
        actor_type (str):
        app_id (str):
        created_at (datetime.datetime):
        id (str):
        object_ (str):
        payload_snapshot (Any):
        request_id (str):
        target_id (str):
        target_type (str):
    """

    action_type: str
    actor_id: str
    actor_type: str
    app_id: str
    created_at: datetime.datetime
    id: str
    object_: str
    payload_snapshot: Any
    request_id: str
    target_id: str
    target_type: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action_type = self.action_type

        actor_id = self.actor_id

        actor_type = self.actor_type

        app_id = self.app_id

        created_at = self.created_at.isoformat()

        id = self.id

        object_ = self.object_

        payload_snapshot = self.payload_snapshot

        request_id = self.request_id

        target_id = self.target_id

        target_type = self.target_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action_type": action_type,
                "actor_id": actor_id,
                "actor_type": actor_type,
                "app_id": app_id,
                "created_at": created_at,
                "id": id,
                "object": object_,
                "payload_snapshot": payload_snapshot,
                "request_id": request_id,
                "target_id": target_id,
                "target_type": target_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action_type = d.pop("action_type")

        actor_id = d.pop("actor_id")

        actor_type = d.pop("actor_type")

        app_id = d.pop("app_id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        object_ = d.pop("object")

        payload_snapshot = d.pop("payload_snapshot")

        request_id = d.pop("request_id")

        target_id = d.pop("target_id")

        target_type = d.pop("target_type")

        audit_event_output = cls(
            action_type=action_type,
            actor_id=actor_id,
            actor_type=actor_type,
            app_id=app_id,
            created_at=created_at,
            id=id,
            object_=object_,
            payload_snapshot=payload_snapshot,
            request_id=request_id,
            target_id=target_id,
            target_type=target_type,
        )

        audit_event_output.additional_properties = d
        return audit_event_output

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
