"""Strict input fields: a wrong JSON type is an error, never silently coerced."""

import re
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.errors import ErrorCode
from api.money import ISO_4217_MONEY_CURRENCIES


class StrictCharField(serializers.CharField):
    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


_CURRENCY_SHAPE = re.compile(r"[A-Za-z]{3}")


@extend_schema_field({"type": "string", "pattern": "^[a-z]{3}$", "example": "usd"})
class CurrencyField(StrictCharField):
    """A lower-case ISO 4217 code of money (`usd`): `xxx`, `xts`, `xau` or a made-up `abc` is
    a 400 here, before any provider sees it. Whether the app's provider charges in it is the
    service's check (billing/providers/currencies.py), as it depends on the app."""

    default_error_messages = {
        **StrictCharField.default_error_messages,
        "lower_case": "Invalid currency: {value}. Currencies are lower-case: use {lower}.",
        "not_money": "Invalid currency: {value}. Use a lower-case ISO 4217 currency code "
        "such as usd.",
        "shape": "Must be a lower-case ISO 4217 currency code such as usd.",
    }

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        # Only a code-shaped value is echoed back: anything else may hold what no message should.
        if not _CURRENCY_SHAPE.fullmatch(value):
            self.fail("shape")
        if value.lower() in ISO_4217_MONEY_CURRENCIES and not value.islower():
            self.fail("lower_case", value=value, lower=value.lower())
        if value not in ISO_4217_MONEY_CURRENCIES:
            self.fail("not_money", value=value)
        return value


# PostgreSQL's bigint and Stripe's integers are signed 64-bit; nothing larger can be kept.
MAX_STORABLE_INTEGER = 2**63 - 1


class StrictIntegerField(serializers.IntegerField):
    """An integer, bounded by default to what PostgreSQL and Stripe hold (a tighter
    `max_value`/`min_value` where the field has one), so 2**63 is a 400, not an overflow."""

    default_error_messages = {"invalid": "Must be an integer."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", MAX_STORABLE_INTEGER)
        kwargs.setdefault("min_value", -MAX_STORABLE_INTEGER - 1)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class MetadataField(serializers.DictField):
    """Stripe-like metadata: up to 50 string keys (≤ 40 chars) with string values (≤ 500 chars)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(child=StrictCharField(max_length=500, allow_blank=True), **kwargs)

    def to_internal_value(self, data: Any) -> dict[str, str]:
        value = super().to_internal_value(data)
        if len(value) > 50:
            raise serializers.ValidationError("At most 50 keys.")
        for key in value:
            if len(key) > 40:
                raise serializers.ValidationError(f"Key {key[:40]}… is longer than 40 characters.")
        return value


class InputSerializer(serializers.Serializer[Any]):
    """Base for request bodies: unknown fields are an error, not silently dropped."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = [key for key in data if key not in self.fields]
            if unknown:
                raise serializers.ValidationError(
                    {
                        unknown[0]: [
                            serializers.ErrorDetail("Unknown field.", code=ErrorCode.UNKNOWN_FIELD)
                        ]
                    }
                )
        return super().to_internal_value(data)
