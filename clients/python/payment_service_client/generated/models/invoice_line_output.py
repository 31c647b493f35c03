from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invoice_line_output_kind_enum import InvoiceLineOutputKindEnum

T = TypeVar("T", bound="InvoiceLineOutput")


@_attrs_define
class InvoiceLineOutput:
    """
    Attributes:
        amount (int):
        currency (str):
        description (str):
        included_quantity (int | None): Metered lines: the units of each period the plan includes.
        kind (InvoiceLineOutputKindEnum): * `base` - base
            * `metered` - metered
            * `proration` - proration
        period_end (datetime.datetime | None):
        period_start (datetime.datetime | None):
        provider_price_id (str):
        quantity (int):
    """

    amount: int
    currency: str
    description: str
    included_quantity: int | None
    kind: InvoiceLineOutputKindEnum
    period_end: datetime.datetime | None
    period_start: datetime.datetime | None
    provider_price_id: str
    quantity: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        currency = self.currency

        description = self.description

        included_quantity: int | None
        included_quantity = self.included_quantity

        kind = self.kind.value

        period_end: None | str
        if isinstance(self.period_end, datetime.datetime):
            period_end = self.period_end.isoformat()
        else:
            period_end = self.period_end

        period_start: None | str
        if isinstance(self.period_start, datetime.datetime):
            period_start = self.period_start.isoformat()
        else:
            period_start = self.period_start

        provider_price_id = self.provider_price_id

        quantity = self.quantity

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "currency": currency,
                "description": description,
                "included_quantity": included_quantity,
                "kind": kind,
                "period_end": period_end,
                "period_start": period_start,
                "provider_price_id": provider_price_id,
                "quantity": quantity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        currency = d.pop("currency")

        description = d.pop("description")

        def _parse_included_quantity(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        included_quantity = _parse_included_quantity(d.pop("included_quantity"))

        kind = InvoiceLineOutputKindEnum(d.pop("kind"))

        def _parse_period_end(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_end_type_0 = datetime.datetime.fromisoformat(data)

                return period_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        period_end = _parse_period_end(d.pop("period_end"))

        def _parse_period_start(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_start_type_0 = datetime.datetime.fromisoformat(data)

                return period_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        period_start = _parse_period_start(d.pop("period_start"))

        provider_price_id = d.pop("provider_price_id")

        quantity = d.pop("quantity")

        invoice_line_output = cls(
            amount=amount,
            currency=currency,
            description=description,
            included_quantity=included_quantity,
            kind=kind,
            period_end=period_end,
            period_start=period_start,
            provider_price_id=provider_price_id,
            quantity=quantity,
        )

        invoice_line_output.additional_properties = d
        return invoice_line_output

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
