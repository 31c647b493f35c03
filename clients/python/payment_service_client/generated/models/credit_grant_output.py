from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.credit_grant_kind_enum import CreditGrantKindEnum
from ..models.credit_grant_status_enum import CreditGrantStatusEnum

T = TypeVar("T", bound="CreditGrantOutput")


@_attrs_define
class CreditGrantOutput:
    """
    Attributes:
        amount (int): The money held (a units grant's too).
        available (int): Money left to use.
        created_at (datetime.datetime):
        currency (str):
        customer (str):
        ended_at (datetime.datetime | None):
        expires_at (datetime.datetime | None):
        id (str):
        kind (CreditGrantKindEnum): * `monetary` - Money
            * `units` - Units of a metric
        lapsed (int): Money left when it expired or was voided.
        metric (None | str):
        name (str):
        object_ (str):
        priority (int):
        provider_credit_grant_id (str):
        status (CreditGrantStatusEnum): * `active` - Active
            * `expired` - Expired
            * `voided` - Voided
        unit_amount_decimal (None | str): A units grant's price per unit, in minor units (a decimal string).
        units (int | None): A units grant's units.
        units_available (int | None): A units grant's units left.
        units_used (int | None): A units grant's units used.
        used (int): Money used by invoices.
    """

    amount: int
    available: int
    created_at: datetime.datetime
    currency: str
    customer: str
    ended_at: datetime.datetime | None
    expires_at: datetime.datetime | None
    id: str
    kind: CreditGrantKindEnum
    lapsed: int
    metric: None | str
    name: str
    object_: str
    priority: int
    provider_credit_grant_id: str
    status: CreditGrantStatusEnum
    unit_amount_decimal: None | str
    units: int | None
    units_available: int | None
    units_used: int | None
    used: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        available = self.available

        created_at = self.created_at.isoformat()

        currency = self.currency

        customer = self.customer

        ended_at: None | str
        if isinstance(self.ended_at, datetime.datetime):
            ended_at = self.ended_at.isoformat()
        else:
            ended_at = self.ended_at

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        id = self.id

        kind = self.kind.value

        lapsed = self.lapsed

        metric: None | str
        metric = self.metric

        name = self.name

        object_ = self.object_

        priority = self.priority

        provider_credit_grant_id = self.provider_credit_grant_id

        status = self.status.value

        unit_amount_decimal: None | str
        unit_amount_decimal = self.unit_amount_decimal

        units: int | None
        units = self.units

        units_available: int | None
        units_available = self.units_available

        units_used: int | None
        units_used = self.units_used

        used = self.used

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "available": available,
                "created_at": created_at,
                "currency": currency,
                "customer": customer,
                "ended_at": ended_at,
                "expires_at": expires_at,
                "id": id,
                "kind": kind,
                "lapsed": lapsed,
                "metric": metric,
                "name": name,
                "object": object_,
                "priority": priority,
                "provider_credit_grant_id": provider_credit_grant_id,
                "status": status,
                "unit_amount_decimal": unit_amount_decimal,
                "units": units,
                "units_available": units_available,
                "units_used": units_used,
                "used": used,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        available = d.pop("available")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        currency = d.pop("currency")

        customer = d.pop("customer")

        def _parse_ended_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ended_at_type_0 = datetime.datetime.fromisoformat(data)

                return ended_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        ended_at = _parse_ended_at(d.pop("ended_at"))

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

        id = d.pop("id")

        kind = CreditGrantKindEnum(d.pop("kind"))

        lapsed = d.pop("lapsed")

        def _parse_metric(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        metric = _parse_metric(d.pop("metric"))

        name = d.pop("name")

        object_ = d.pop("object")

        priority = d.pop("priority")

        provider_credit_grant_id = d.pop("provider_credit_grant_id")

        status = CreditGrantStatusEnum(d.pop("status"))

        def _parse_unit_amount_decimal(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        unit_amount_decimal = _parse_unit_amount_decimal(d.pop("unit_amount_decimal"))

        def _parse_units(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        units = _parse_units(d.pop("units"))

        def _parse_units_available(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        units_available = _parse_units_available(d.pop("units_available"))

        def _parse_units_used(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        units_used = _parse_units_used(d.pop("units_used"))

        used = d.pop("used")

        credit_grant_output = cls(
            amount=amount,
            available=available,
            created_at=created_at,
            currency=currency,
            customer=customer,
            ended_at=ended_at,
            expires_at=expires_at,
            id=id,
            kind=kind,
            lapsed=lapsed,
            metric=metric,
            name=name,
            object_=object_,
            priority=priority,
            provider_credit_grant_id=provider_credit_grant_id,
            status=status,
            unit_amount_decimal=unit_amount_decimal,
            units=units,
            units_available=units_available,
            units_used=units_used,
            used=used,
        )

        credit_grant_output.additional_properties = d
        return credit_grant_output

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
