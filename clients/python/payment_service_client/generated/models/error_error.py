from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.error_error_type import ErrorErrorType
from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorError")


@_attrs_define
class ErrorError:
    """
    Attributes:
        code (str):
        message (str):
        param (None | str):
        type_ (ErrorErrorType):
        decline_code (str | Unset):
        subscription (str | Unset): With `customer_has_subscription`: the id of the customer's live subscription.
    """

    code: str
    message: str
    param: None | str
    type_: ErrorErrorType
    decline_code: str | Unset = UNSET
    subscription: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        param: None | str
        param = self.param

        type_ = self.type_.value

        decline_code = self.decline_code

        subscription = self.subscription

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
                "param": param,
                "type": type_,
            }
        )
        if decline_code is not UNSET:
            field_dict["decline_code"] = decline_code
        if subscription is not UNSET:
            field_dict["subscription"] = subscription

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        def _parse_param(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        param = _parse_param(d.pop("param"))

        type_ = ErrorErrorType(d.pop("type"))

        decline_code = d.pop("decline_code", UNSET)

        subscription = d.pop("subscription", UNSET)

        error_error = cls(
            code=code,
            message=message,
            param=param,
            type_=type_,
            decline_code=decline_code,
            subscription=subscription,
        )

        error_error.additional_properties = d
        return error_error

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
