from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EntitlementOverrideOutput")


@_attrs_define
class EntitlementOverrideOutput:
    """
    Attributes:
        created_at (datetime.datetime):
        customer (str):
        expires_at (datetime.datetime | None):
        feature (str):
        id (str):
        in_force (bool): Not expired at the customer's time (a test clock's, for one on a clock).
        object_ (str):
        value (Any):
    """

    created_at: datetime.datetime
    customer: str
    expires_at: datetime.datetime | None
    feature: str
    id: str
    in_force: bool
    object_: str
    value: Any
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        customer = self.customer

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        feature = self.feature

        id = self.id

        in_force = self.in_force

        object_ = self.object_

        value = self.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "customer": customer,
                "expires_at": expires_at,
                "feature": feature,
                "id": id,
                "in_force": in_force,
                "object": object_,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        customer = d.pop("customer")

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        feature = d.pop("feature")

        id = d.pop("id")

        in_force = d.pop("in_force")

        object_ = d.pop("object")

        value = d.pop("value")

        entitlement_override_output = cls(
            created_at=created_at,
            customer=customer,
            expires_at=expires_at,
            feature=feature,
            id=id,
            in_force=in_force,
            object_=object_,
            value=value,
        )

        entitlement_override_output.additional_properties = d
        return entitlement_override_output

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
