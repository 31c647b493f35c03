from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.app_client_output import AppClientOutput


T = TypeVar("T", bound="AppOutput")


@_attrs_define
class AppOutput:
    """
    Attributes:
        allow_multiple_subscriptions (bool): Whether a customer may hold more than one live subscription; when false
            (the default), `POST /v1/subscriptions` for a customer who has one answers 409 `customer_has_subscription`.
            Operators set it in the admin.
        client (AppClientOutput): What the app's own front end needs to talk to the provider from the customer's
            browser.
        created_at (datetime.datetime):
        id (str):
        livemode (bool):
        mode (str):
        name (str):
        object_ (str):
        provider (str):
    """

    allow_multiple_subscriptions: bool
    client: AppClientOutput
    created_at: datetime.datetime
    id: str
    livemode: bool
    mode: str
    name: str
    object_: str
    provider: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allow_multiple_subscriptions = self.allow_multiple_subscriptions

        client = self.client.to_dict()

        created_at = self.created_at.isoformat()

        id = self.id

        livemode = self.livemode

        mode = self.mode

        name = self.name

        object_ = self.object_

        provider = self.provider

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allow_multiple_subscriptions": allow_multiple_subscriptions,
                "client": client,
                "created_at": created_at,
                "id": id,
                "livemode": livemode,
                "mode": mode,
                "name": name,
                "object": object_,
                "provider": provider,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.app_client_output import AppClientOutput  # noqa: PLC0415

        d = dict(src_dict)
        allow_multiple_subscriptions = d.pop("allow_multiple_subscriptions")

        client = AppClientOutput.from_dict(d.pop("client"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        livemode = d.pop("livemode")

        mode = d.pop("mode")

        name = d.pop("name")

        object_ = d.pop("object")

        provider = d.pop("provider")

        app_output = cls(
            allow_multiple_subscriptions=allow_multiple_subscriptions,
            client=client,
            created_at=created_at,
            id=id,
            livemode=livemode,
            mode=mode,
            name=name,
            object_=object_,
            provider=provider,
        )

        app_output.additional_properties = d
        return app_output

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
