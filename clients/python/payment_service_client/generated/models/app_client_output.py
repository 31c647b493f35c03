from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AppClientOutput")


@_attrs_define
class AppClientOutput:
    """What the app's own front end needs to talk to the provider from the customer's browser.

    Attributes:
        publishable_key (None | str): The provider's publishable key, for Stripe.js / Elements: the app's card form
            confirms a setup intent's `client_secret` with it. Null when none is configured.
    """

    publishable_key: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        publishable_key: None | str
        publishable_key = self.publishable_key

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "publishable_key": publishable_key,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_publishable_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        publishable_key = _parse_publishable_key(d.pop("publishable_key"))

        app_client_output = cls(
            publishable_key=publishable_key,
        )

        app_client_output.additional_properties = d
        return app_client_output

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
