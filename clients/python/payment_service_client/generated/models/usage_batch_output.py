from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.usage_event_result_output import UsageEventResultOutput


T = TypeVar("T", bound="UsageBatchOutput")


@_attrs_define
class UsageBatchOutput:
    """
    Attributes:
        accepted (int):
        data (list[UsageEventResultOutput]):
        duplicate (int):
        rejected (int):
        object_ (str | Unset):  Default: 'usage_batch'.
    """

    accepted: int
    data: list[UsageEventResultOutput]
    duplicate: int
    rejected: int
    object_: str | Unset = "usage_batch"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accepted = self.accepted

        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        duplicate = self.duplicate

        rejected = self.rejected

        object_ = self.object_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accepted": accepted,
                "data": data,
                "duplicate": duplicate,
                "rejected": rejected,
            }
        )
        if object_ is not UNSET:
            field_dict["object"] = object_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.usage_event_result_output import UsageEventResultOutput  # noqa: PLC0415

        d = dict(src_dict)
        accepted = d.pop("accepted")

        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = UsageEventResultOutput.from_dict(data_item_data)

            data.append(data_item)

        duplicate = d.pop("duplicate")

        rejected = d.pop("rejected")

        object_ = d.pop("object", UNSET)

        usage_batch_output = cls(
            accepted=accepted,
            data=data,
            duplicate=duplicate,
            rejected=rejected,
            object_=object_,
        )

        usage_batch_output.additional_properties = d
        return usage_batch_output

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
