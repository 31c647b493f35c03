from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.discount_output import DiscountOutput


T = TypeVar("T", bound="CustomerDiscountOutput")


@_attrs_define
class CustomerDiscountOutput:
    """
    Attributes:
        customer (str):
        discount (DiscountOutput | None):
        object_ (str):
    """

    customer: str
    discount: DiscountOutput | None
    object_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.discount_output import DiscountOutput  # noqa: PLC0415

        customer = self.customer

        discount: dict[str, Any] | None
        if isinstance(self.discount, DiscountOutput):
            discount = self.discount.to_dict()
        else:
            discount = self.discount

        object_ = self.object_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customer": customer,
                "discount": discount,
                "object": object_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.discount_output import DiscountOutput  # noqa: PLC0415

        d = dict(src_dict)
        customer = d.pop("customer")

        def _parse_discount(data: object) -> DiscountOutput | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                discount_type_1 = DiscountOutput.from_dict(data)

                return discount_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DiscountOutput | None, data)

        discount = _parse_discount(d.pop("discount"))

        object_ = d.pop("object")

        customer_discount_output = cls(
            customer=customer,
            discount=discount,
            object_=object_,
        )

        customer_discount_output.additional_properties = d
        return customer_discount_output

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
