from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreditGrantCreateInputRequest")


@_attrs_define
class CreditGrantCreateInputRequest:
    """Base for request bodies: unknown fields are an error, not silently dropped.

    Attributes:
        amount (int | Unset): Money, in the currency's minor unit (with `currency`); or use `units`.
        currency (str | Unset): A money grant's currency. Example: usd.
        expires_at (datetime.datetime | None | Unset): From then on (at the customer's time) it is not applied; its rest
            lapses.
        metric (str | Unset): A units grant's metric.
        name (str | Unset):  Default: ''.
        priority (int | Unset): 0 is applied first, 100 last (then the earliest to expire). Default: 50.
        units (int | Unset): Units of `metric` (its metered price's first units of overage).
    """

    amount: int | Unset = UNSET
    currency: str | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    metric: str | Unset = UNSET
    name: str | Unset = ""
    priority: int | Unset = 50
    units: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        currency = self.currency

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        metric = self.metric

        name = self.name

        priority = self.priority

        units = self.units

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if amount is not UNSET:
            field_dict["amount"] = amount
        if currency is not UNSET:
            field_dict["currency"] = currency
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if metric is not UNSET:
            field_dict["metric"] = metric
        if name is not UNSET:
            field_dict["name"] = name
        if priority is not UNSET:
            field_dict["priority"] = priority
        if units is not UNSET:
            field_dict["units"] = units

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount", UNSET)

        currency = d.pop("currency", UNSET)

        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        metric = d.pop("metric", UNSET)

        name = d.pop("name", UNSET)

        priority = d.pop("priority", UNSET)

        units = d.pop("units", UNSET)

        credit_grant_create_input_request = cls(
            amount=amount,
            currency=currency,
            expires_at=expires_at,
            metric=metric,
            name=name,
            priority=priority,
            units=units,
        )

        credit_grant_create_input_request.additional_properties = d
        return credit_grant_create_input_request

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
