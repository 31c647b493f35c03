from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.type_enum import TypeEnum

T = TypeVar("T", bound="FeatureOutput")


@_attrs_define
class FeatureOutput:
    """
    Attributes:
        archived (bool):
        code (str):
        created_at (datetime.datetime):
        id (str):
        metric (None | str): A metered feature's metric code.
        name (str):
        object_ (str):
        type_ (TypeEnum): * `boolean` - boolean
            * `static` - static
            * `metered` - metered
        updated_at (datetime.datetime):
    """

    archived: bool
    code: str
    created_at: datetime.datetime
    id: str
    metric: None | str
    name: str
    object_: str
    type_: TypeEnum
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        archived = self.archived

        code = self.code

        created_at = self.created_at.isoformat()

        id = self.id

        metric: None | str
        metric = self.metric

        name = self.name

        object_ = self.object_

        type_ = self.type_.value

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "archived": archived,
                "code": code,
                "created_at": created_at,
                "id": id,
                "metric": metric,
                "name": name,
                "object": object_,
                "type": type_,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        archived = d.pop("archived")

        code = d.pop("code")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        def _parse_metric(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        metric = _parse_metric(d.pop("metric"))

        name = d.pop("name")

        object_ = d.pop("object")

        type_ = TypeEnum(d.pop("type"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        feature_output = cls(
            archived=archived,
            code=code,
            created_at=created_at,
            id=id,
            metric=metric,
            name=name,
            object_=object_,
            type_=type_,
            updated_at=updated_at,
        )

        feature_output.additional_properties = d
        return feature_output

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
