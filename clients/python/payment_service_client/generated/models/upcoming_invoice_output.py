from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.invoice_discount_output import InvoiceDiscountOutput
    from ..models.invoice_line_output import InvoiceLineOutput


T = TypeVar("T", bound="UpcomingInvoiceOutput")


@_attrs_define
class UpcomingInvoiceOutput:
    """
    Attributes:
        amount_due (int):
        currency (None | str):
        customer (str):
        discounts (list[InvoiceDiscountOutput]):
        lines (list[InvoiceLineOutput]):
        next_payment_attempt (datetime.datetime | None):
        object_ (str):
        period_end (datetime.datetime | None):
        period_start (datetime.datetime | None):
        subscription (None | str): The subscription the preview bills; null (and no lines) when none will be invoiced
            again.
        subtotal (int):
        total (int):
    """

    amount_due: int
    currency: None | str
    customer: str
    discounts: list[InvoiceDiscountOutput]
    lines: list[InvoiceLineOutput]
    next_payment_attempt: datetime.datetime | None
    object_: str
    period_end: datetime.datetime | None
    period_start: datetime.datetime | None
    subscription: None | str
    subtotal: int
    total: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_due = self.amount_due

        currency: None | str
        currency = self.currency

        customer = self.customer

        discounts = []
        for discounts_item_data in self.discounts:
            discounts_item = discounts_item_data.to_dict()
            discounts.append(discounts_item)

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        next_payment_attempt: None | str
        if isinstance(self.next_payment_attempt, datetime.datetime):
            next_payment_attempt = self.next_payment_attempt.isoformat()
        else:
            next_payment_attempt = self.next_payment_attempt

        object_ = self.object_

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

        subscription: None | str
        subscription = self.subscription

        subtotal = self.subtotal

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_due": amount_due,
                "currency": currency,
                "customer": customer,
                "discounts": discounts,
                "lines": lines,
                "next_payment_attempt": next_payment_attempt,
                "object": object_,
                "period_end": period_end,
                "period_start": period_start,
                "subscription": subscription,
                "subtotal": subtotal,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.invoice_discount_output import InvoiceDiscountOutput  # noqa: PLC0415
        from ..models.invoice_line_output import InvoiceLineOutput  # noqa: PLC0415

        d = dict(src_dict)
        amount_due = d.pop("amount_due")

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        customer = d.pop("customer")

        discounts = []
        _discounts = d.pop("discounts")
        for discounts_item_data in _discounts:
            discounts_item = InvoiceDiscountOutput.from_dict(discounts_item_data)

            discounts.append(discounts_item)

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = InvoiceLineOutput.from_dict(lines_item_data)

            lines.append(lines_item)

        def _parse_next_payment_attempt(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_payment_attempt_type_0 = datetime.datetime.fromisoformat(data)

                return next_payment_attempt_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_payment_attempt = _parse_next_payment_attempt(d.pop("next_payment_attempt"))

        object_ = d.pop("object")

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

        def _parse_subscription(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        subscription = _parse_subscription(d.pop("subscription"))

        subtotal = d.pop("subtotal")

        total = d.pop("total")

        upcoming_invoice_output = cls(
            amount_due=amount_due,
            currency=currency,
            customer=customer,
            discounts=discounts,
            lines=lines,
            next_payment_attempt=next_payment_attempt,
            object_=object_,
            period_end=period_end,
            period_start=period_start,
            subscription=subscription,
            subtotal=subtotal,
            total=total,
        )

        upcoming_invoice_output.additional_properties = d
        return upcoming_invoice_output

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
