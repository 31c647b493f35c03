from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.test_clock_output_status_enum import TestClockOutputStatusEnum

T = TypeVar("T", bound="TestClockOutput")


@_attrs_define
class TestClockOutput:
    """
    Attributes:
        created_at (datetime.datetime):
        frozen_time (datetime.datetime):
        id (str):
        name (str):
        object_ (str):
        provider_test_clock_id (str):
        status (TestClockOutputStatusEnum): * `ready` - ready
            * `advancing` - advancing
            * `internal_failure` - internal_failure
        target_frozen_time (datetime.datetime | None):
    """

    created_at: datetime.datetime
    frozen_time: datetime.datetime
    id: str
    name: str
    object_: str
    provider_test_clock_id: str
    status: TestClockOutputStatusEnum
    target_frozen_time: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        frozen_time = self.frozen_time.isoformat()

        id = self.id

        name = self.name

        object_ = self.object_

        provider_test_clock_id = self.provider_test_clock_id

        status = self.status.value

        target_frozen_time: None | str
        if isinstance(self.target_frozen_time, datetime.datetime):
            target_frozen_time = self.target_frozen_time.isoformat()
        else:
            target_frozen_time = self.target_frozen_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "frozen_time": frozen_time,
                "id": id,
                "name": name,
                "object": object_,
                "provider_test_clock_id": provider_test_clock_id,
                "status": status,
                "target_frozen_time": target_frozen_time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        frozen_time = datetime.datetime.fromisoformat(d.pop("frozen_time"))

        id = d.pop("id")

        name = d.pop("name")

        object_ = d.pop("object")

        provider_test_clock_id = d.pop("provider_test_clock_id")

        status = TestClockOutputStatusEnum(d.pop("status"))

        def _parse_target_frozen_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                target_frozen_time_type_0 = datetime.datetime.fromisoformat(data)

                return target_frozen_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        target_frozen_time = _parse_target_frozen_time(d.pop("target_frozen_time"))

        test_clock_output = cls(
            created_at=created_at,
            frozen_time=frozen_time,
            id=id,
            name=name,
            object_=object_,
            provider_test_clock_id=provider_test_clock_id,
            status=status,
            target_frozen_time=target_frozen_time,
        )

        test_clock_output.additional_properties = d
        return test_clock_output

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
