from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PaymentMethodOutput")


@_attrs_define
class PaymentMethodOutput:
    """
    Attributes:
        brand (str):
        customer (str):
        default (bool): The customer's default card: the one renewals and invoices charge.
        exp_month (int):
        exp_year (int):
        id (str):
        last4 (str):
        object_ (str):
        type_ (str): `card`, or `paypal` for a PayPal payer saved when they approved a payment (brand
            `paypal`, no `last4` or expiry).
    """

    brand: str
    customer: str
    default: bool
    exp_month: int
    exp_year: int
    id: str
    last4: str
    object_: str
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        brand = self.brand

        customer = self.customer

        default = self.default

        exp_month = self.exp_month

        exp_year = self.exp_year

        id = self.id

        last4 = self.last4

        object_ = self.object_

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "brand": brand,
                "customer": customer,
                "default": default,
                "exp_month": exp_month,
                "exp_year": exp_year,
                "id": id,
                "last4": last4,
                "object": object_,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        brand = d.pop("brand")

        customer = d.pop("customer")

        default = d.pop("default")

        exp_month = d.pop("exp_month")

        exp_year = d.pop("exp_year")

        id = d.pop("id")

        last4 = d.pop("last4")

        object_ = d.pop("object")

        type_ = d.pop("type")

        payment_method_output = cls(
            brand=brand,
            customer=customer,
            default=default,
            exp_month=exp_month,
            exp_year=exp_year,
            id=id,
            last4=last4,
            object_=object_,
            type_=type_,
        )

        payment_method_output.additional_properties = d
        return payment_method_output

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
