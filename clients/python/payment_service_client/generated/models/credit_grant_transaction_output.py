from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.credit_grant_transaction_kind_enum import CreditGrantTransactionKindEnum

T = TypeVar("T", bound="CreditGrantTransactionOutput")


@_attrs_define
class CreditGrantTransactionOutput:
    """
    Attributes:
        amount (int):
        effective_at (datetime.datetime):
        id (str):
        invoice (None | str):
        kind (CreditGrantTransactionKindEnum): * `used` - Used by an invoice
            * `expired` - Expired
            * `voided` - Voided
    """

    amount: int
    effective_at: datetime.datetime
    id: str
    invoice: None | str
    kind: CreditGrantTransactionKindEnum
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        effective_at = self.effective_at.isoformat()

        id = self.id

        invoice: None | str
        invoice = self.invoice

        kind = self.kind.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "effective_at": effective_at,
                "id": id,
                "invoice": invoice,
                "kind": kind,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        effective_at = datetime.datetime.fromisoformat(d.pop("effective_at"))

        id = d.pop("id")

        def _parse_invoice(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        invoice = _parse_invoice(d.pop("invoice"))

        kind = CreditGrantTransactionKindEnum(d.pop("kind"))

        credit_grant_transaction_output = cls(
            amount=amount,
            effective_at=effective_at,
            id=id,
            invoice=invoice,
            kind=kind,
        )

        credit_grant_transaction_output.additional_properties = d
        return credit_grant_transaction_output

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
