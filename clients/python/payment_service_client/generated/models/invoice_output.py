from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invoice_output_status_enum import InvoiceOutputStatusEnum

if TYPE_CHECKING:
    from ..models.invoice_credit_use_output import InvoiceCreditUseOutput
    from ..models.invoice_discount_output import InvoiceDiscountOutput
    from ..models.invoice_line_output import InvoiceLineOutput
    from ..models.invoice_payment_attempt_output import InvoicePaymentAttemptOutput


T = TypeVar("T", bound="InvoiceOutput")


@_attrs_define
class InvoiceOutput:
    """
    Attributes:
        amount_due (int):
        amount_paid (int):
        amount_remaining (int):
        attempt_count (int):
        billing_reason (str):
        created_at (datetime.datetime):
        credit_grants_applied (list[InvoiceCreditUseOutput]): Each grant's use by this invoice (recorded when the
            provider reports it).
        credits_applied (int): Prepaid credits (credit grants) applied before charging: `total` is `subtotal` less
            these.
        currency (str):
        customer (str):
        discounts (list[InvoiceDiscountOutput]): What each discount took off: subtotal minus these is the total.
        finalized_at (datetime.datetime | None):
        hosted_invoice_url (str): The provider's page where the customer pays the invoice.
        id (str):
        invoice_pdf (str): The invoice as a PDF.
        lines (list[InvoiceLineOutput]):
        marked_uncollectible_at (datetime.datetime | None):
        next_payment_attempt (datetime.datetime | None): When the provider retries the payment next, if it will.
        number (str):
        object_ (str):
        paid_at (datetime.datetime | None):
        payment_attempts (list[InvoicePaymentAttemptOutput]):
        period_end (datetime.datetime | None):
        period_start (datetime.datetime | None):
        provider_invoice_id (str):
        status (InvoiceOutputStatusEnum): * `draft` - draft
            * `open` - open
            * `paid` - paid
            * `void` - void
            * `uncollectible` - uncollectible
        subscription (None | str):
        subtotal (int):
        total (int):
        updated_at (datetime.datetime):
        voided_at (datetime.datetime | None):
    """

    amount_due: int
    amount_paid: int
    amount_remaining: int
    attempt_count: int
    billing_reason: str
    created_at: datetime.datetime
    credit_grants_applied: list[InvoiceCreditUseOutput]
    credits_applied: int
    currency: str
    customer: str
    discounts: list[InvoiceDiscountOutput]
    finalized_at: datetime.datetime | None
    hosted_invoice_url: str
    id: str
    invoice_pdf: str
    lines: list[InvoiceLineOutput]
    marked_uncollectible_at: datetime.datetime | None
    next_payment_attempt: datetime.datetime | None
    number: str
    object_: str
    paid_at: datetime.datetime | None
    payment_attempts: list[InvoicePaymentAttemptOutput]
    period_end: datetime.datetime | None
    period_start: datetime.datetime | None
    provider_invoice_id: str
    status: InvoiceOutputStatusEnum
    subscription: None | str
    subtotal: int
    total: int
    updated_at: datetime.datetime
    voided_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_due = self.amount_due

        amount_paid = self.amount_paid

        amount_remaining = self.amount_remaining

        attempt_count = self.attempt_count

        billing_reason = self.billing_reason

        created_at = self.created_at.isoformat()

        credit_grants_applied = []
        for credit_grants_applied_item_data in self.credit_grants_applied:
            credit_grants_applied_item = credit_grants_applied_item_data.to_dict()
            credit_grants_applied.append(credit_grants_applied_item)

        credits_applied = self.credits_applied

        currency = self.currency

        customer = self.customer

        discounts = []
        for discounts_item_data in self.discounts:
            discounts_item = discounts_item_data.to_dict()
            discounts.append(discounts_item)

        finalized_at: None | str
        if isinstance(self.finalized_at, datetime.datetime):
            finalized_at = self.finalized_at.isoformat()
        else:
            finalized_at = self.finalized_at

        hosted_invoice_url = self.hosted_invoice_url

        id = self.id

        invoice_pdf = self.invoice_pdf

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        marked_uncollectible_at: None | str
        if isinstance(self.marked_uncollectible_at, datetime.datetime):
            marked_uncollectible_at = self.marked_uncollectible_at.isoformat()
        else:
            marked_uncollectible_at = self.marked_uncollectible_at

        next_payment_attempt: None | str
        if isinstance(self.next_payment_attempt, datetime.datetime):
            next_payment_attempt = self.next_payment_attempt.isoformat()
        else:
            next_payment_attempt = self.next_payment_attempt

        number = self.number

        object_ = self.object_

        paid_at: None | str
        if isinstance(self.paid_at, datetime.datetime):
            paid_at = self.paid_at.isoformat()
        else:
            paid_at = self.paid_at

        payment_attempts = []
        for payment_attempts_item_data in self.payment_attempts:
            payment_attempts_item = payment_attempts_item_data.to_dict()
            payment_attempts.append(payment_attempts_item)

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

        provider_invoice_id = self.provider_invoice_id

        status = self.status.value

        subscription: None | str
        subscription = self.subscription

        subtotal = self.subtotal

        total = self.total

        updated_at = self.updated_at.isoformat()

        voided_at: None | str
        if isinstance(self.voided_at, datetime.datetime):
            voided_at = self.voided_at.isoformat()
        else:
            voided_at = self.voided_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_due": amount_due,
                "amount_paid": amount_paid,
                "amount_remaining": amount_remaining,
                "attempt_count": attempt_count,
                "billing_reason": billing_reason,
                "created_at": created_at,
                "credit_grants_applied": credit_grants_applied,
                "credits_applied": credits_applied,
                "currency": currency,
                "customer": customer,
                "discounts": discounts,
                "finalized_at": finalized_at,
                "hosted_invoice_url": hosted_invoice_url,
                "id": id,
                "invoice_pdf": invoice_pdf,
                "lines": lines,
                "marked_uncollectible_at": marked_uncollectible_at,
                "next_payment_attempt": next_payment_attempt,
                "number": number,
                "object": object_,
                "paid_at": paid_at,
                "payment_attempts": payment_attempts,
                "period_end": period_end,
                "period_start": period_start,
                "provider_invoice_id": provider_invoice_id,
                "status": status,
                "subscription": subscription,
                "subtotal": subtotal,
                "total": total,
                "updated_at": updated_at,
                "voided_at": voided_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.invoice_credit_use_output import InvoiceCreditUseOutput  # noqa: PLC0415
        from ..models.invoice_discount_output import InvoiceDiscountOutput  # noqa: PLC0415
        from ..models.invoice_line_output import InvoiceLineOutput  # noqa: PLC0415
        from ..models.invoice_payment_attempt_output import InvoicePaymentAttemptOutput  # noqa: PLC0415

        d = dict(src_dict)
        amount_due = d.pop("amount_due")

        amount_paid = d.pop("amount_paid")

        amount_remaining = d.pop("amount_remaining")

        attempt_count = d.pop("attempt_count")

        billing_reason = d.pop("billing_reason")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        credit_grants_applied = []
        _credit_grants_applied = d.pop("credit_grants_applied")
        for credit_grants_applied_item_data in _credit_grants_applied:
            credit_grants_applied_item = InvoiceCreditUseOutput.from_dict(
                credit_grants_applied_item_data
            )

            credit_grants_applied.append(credit_grants_applied_item)

        credits_applied = d.pop("credits_applied")

        currency = d.pop("currency")

        customer = d.pop("customer")

        discounts = []
        _discounts = d.pop("discounts")
        for discounts_item_data in _discounts:
            discounts_item = InvoiceDiscountOutput.from_dict(discounts_item_data)

            discounts.append(discounts_item)

        def _parse_finalized_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finalized_at_type_0 = datetime.datetime.fromisoformat(data)

                return finalized_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finalized_at = _parse_finalized_at(d.pop("finalized_at"))

        hosted_invoice_url = d.pop("hosted_invoice_url")

        id = d.pop("id")

        invoice_pdf = d.pop("invoice_pdf")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = InvoiceLineOutput.from_dict(lines_item_data)

            lines.append(lines_item)

        def _parse_marked_uncollectible_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                marked_uncollectible_at_type_0 = datetime.datetime.fromisoformat(data)

                return marked_uncollectible_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        marked_uncollectible_at = _parse_marked_uncollectible_at(d.pop("marked_uncollectible_at"))

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

        number = d.pop("number")

        object_ = d.pop("object")

        def _parse_paid_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paid_at_type_0 = datetime.datetime.fromisoformat(data)

                return paid_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        paid_at = _parse_paid_at(d.pop("paid_at"))

        payment_attempts = []
        _payment_attempts = d.pop("payment_attempts")
        for payment_attempts_item_data in _payment_attempts:
            payment_attempts_item = InvoicePaymentAttemptOutput.from_dict(
                payment_attempts_item_data
            )

            payment_attempts.append(payment_attempts_item)

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

        provider_invoice_id = d.pop("provider_invoice_id")

        status = InvoiceOutputStatusEnum(d.pop("status"))

        def _parse_subscription(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        subscription = _parse_subscription(d.pop("subscription"))

        subtotal = d.pop("subtotal")

        total = d.pop("total")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_voided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                voided_at_type_0 = datetime.datetime.fromisoformat(data)

                return voided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        voided_at = _parse_voided_at(d.pop("voided_at"))

        invoice_output = cls(
            amount_due=amount_due,
            amount_paid=amount_paid,
            amount_remaining=amount_remaining,
            attempt_count=attempt_count,
            billing_reason=billing_reason,
            created_at=created_at,
            credit_grants_applied=credit_grants_applied,
            credits_applied=credits_applied,
            currency=currency,
            customer=customer,
            discounts=discounts,
            finalized_at=finalized_at,
            hosted_invoice_url=hosted_invoice_url,
            id=id,
            invoice_pdf=invoice_pdf,
            lines=lines,
            marked_uncollectible_at=marked_uncollectible_at,
            next_payment_attempt=next_payment_attempt,
            number=number,
            object_=object_,
            paid_at=paid_at,
            payment_attempts=payment_attempts,
            period_end=period_end,
            period_start=period_start,
            provider_invoice_id=provider_invoice_id,
            status=status,
            subscription=subscription,
            subtotal=subtotal,
            total=total,
            updated_at=updated_at,
            voided_at=voided_at,
        )

        invoice_output.additional_properties = d
        return invoice_output

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
