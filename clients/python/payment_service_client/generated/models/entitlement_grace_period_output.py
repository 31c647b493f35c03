from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EntitlementGracePeriodOutput")


@_attrs_define
class EntitlementGracePeriodOutput:
    """
    Attributes:
        ends_at (datetime.datetime):
        id (str):
        starts_at (datetime.datetime):
        status (str):
    """

    ends_at: datetime.datetime
    id: str
    starts_at: datetime.datetime
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ends_at = self.ends_at.isoformat()

        id = self.id

        starts_at = self.starts_at.isoformat()

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ends_at": ends_at,
                "id": id,
                "starts_at": starts_at,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        id = d.pop("id")

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        status = d.pop("status")

        entitlement_grace_period_output = cls(
            ends_at=ends_at,
            id=id,
            starts_at=starts_at,
            status=status,
        )

        entitlement_grace_period_output.additional_properties = d
        return entitlement_grace_period_output

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
