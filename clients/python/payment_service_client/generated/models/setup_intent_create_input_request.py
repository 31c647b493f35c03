from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.usage_enum import UsageEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="SetupIntentCreateInputRequest")


@_attrs_define
class SetupIntentCreateInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        usage (UsageEnum | Unset): * `off_session` - off_session
            * `on_session` - on_session Default: UsageEnum.OFF_SESSION.
    """

    usage: UsageEnum | Unset = UsageEnum.OFF_SESSION
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        usage: str | Unset = UNSET
        if not isinstance(self.usage, Unset):
            usage = self.usage.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if usage is not UNSET:
            field_dict["usage"] = usage

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _usage = d.pop("usage", UNSET)
        usage: UsageEnum | Unset
        if isinstance(_usage, Unset):
            usage = UNSET
        else:
            usage = UsageEnum(_usage)

        setup_intent_create_input_request = cls(
            usage=usage,
        )

        setup_intent_create_input_request.additional_properties = d
        return setup_intent_create_input_request

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
