import builtins
import re
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import (
    CurrencyField,
    InputSerializer,
    MetadataField,
    StrictCharField,
    StrictIntegerField,
)
from api.pagination import ListQueryInputSerializer
from catalog.models import (
    UNIT_AMOUNT_DECIMAL_MAX_DIGITS,
    UNIT_AMOUNT_DECIMAL_PLACES,
    Aggregation,
    FeatureType,
    PlanMeteredComponent,
    decimal_text,
)

# Short enough that the provider meter's event name (`ps_<app id>_<code>`) stays within
# Stripe's 100 characters.
METRIC_CODE_MAX_LENGTH = 64


class MetricCreateInputSerializer(InputSerializer):
    code = StrictCharField(max_length=METRIC_CODE_MAX_LENGTH)
    name = StrictCharField(max_length=200)
    aggregation = serializers.ChoiceField(choices=Aggregation.values, default=Aggregation.SUM)
    unit = StrictCharField(max_length=50, required=False, allow_blank=True)

    def validate_code(self, value: str) -> str:
        if not value or not all(
            char.isascii() and (char.isalnum() or char in "_-") for char in value
        ):
            raise serializers.ValidationError(
                "Use letters, digits, underscores and hyphens only, e.g. api_calls."
            )
        return value


class MetricListInputSerializer(ListQueryInputSerializer):
    code = serializers.CharField(max_length=METRIC_CODE_MAX_LENGTH, required=False)


class MetricOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    code = serializers.CharField()
    name = serializers.CharField()
    aggregation = serializers.CharField()
    unit = serializers.CharField()
    meter_event_name = serializers.CharField(
        help_text="The event name of the provider meter this metric is reported to."
    )
    provider_meter_id = serializers.CharField()
    sync_state = serializers.CharField(
        help_text="pending until the provider meter exists; a retry job completes it."
    )
    created_at = serializers.DateTimeField()

    def get_object(self, metric: builtins.object) -> str:
        return "metric"


class PlanBaseInputSerializer(InputSerializer):
    amount = StrictIntegerField(min_value=0, max_value=99_999_999)
    interval = serializers.ChoiceField(choices=["day", "week", "month", "year"], default="month")
    interval_count = StrictIntegerField(min_value=1, max_value=365, default=1)


UNIT_AMOUNT_DECIMAL_INTEGER_DIGITS = UNIT_AMOUNT_DECIMAL_MAX_DIGITS - UNIT_AMOUNT_DECIMAL_PLACES
UNIT_AMOUNT_DECIMAL_PATTERN = (
    rf"^[0-9]{{1,{UNIT_AMOUNT_DECIMAL_INTEGER_DIGITS}}}"
    rf"(\.[0-9]{{1,{UNIT_AMOUNT_DECIMAL_PLACES}}})?$"
)


@extend_schema_field(
    {
        "type": "string",
        "pattern": UNIT_AMOUNT_DECIMAL_PATTERN,
        "example": "0.2",
        "description": "A price per unit in the currency's minor unit, as a decimal string "
        "with at most 12 decimal places (`0.2` is a fifth of a cent).",
    }
)
class UnitAmountDecimalField(serializers.Field):  # type: ignore[type-arg]
    """Stripe's `unit_amount_decimal`: a non-negative decimal string in the minor unit, with at
    most 12 decimal places and 12 integer digits (what Stripe and the column hold)."""

    default_error_messages = {
        "invalid": 'Must be a decimal number in a string, e.g. "0.2".',
        "negative": "Must be at least 0.",
        "places": f"Must have at most {UNIT_AMOUNT_DECIMAL_PLACES} decimal places.",
        "too_large": f"Must have at most {UNIT_AMOUNT_DECIMAL_INTEGER_DIGITS} digits before "
        "the decimal point.",
    }

    def to_internal_value(self, data: Any) -> Decimal:
        # Plain digits only, as the schema's pattern says: Decimal would also read "1e-3",
        # " 0.2", "NaN" and "Infinity".
        shape = (
            re.fullmatch(r"(-?)([0-9]+)(?:\.([0-9]+))?", data) if isinstance(data, str) else None
        )
        if shape is None:
            self.fail("invalid")
        sign, whole, fraction = shape.groups()
        if sign:
            self.fail("negative")
        if fraction is not None and len(fraction) > UNIT_AMOUNT_DECIMAL_PLACES:
            self.fail("places")
        if len(whole) > UNIT_AMOUNT_DECIMAL_INTEGER_DIGITS:
            self.fail("too_large")
        return Decimal(data)

    def to_representation(self, value: Any) -> str:
        return decimal_text(value)


class PlanTierInputSerializer(InputSerializer):
    up_to = StrictIntegerField(min_value=1, allow_null=True)
    unit_amount = StrictIntegerField(min_value=0, required=False)
    unit_amount_decimal = UnitAmountDecimalField(required=False)
    flat_amount = StrictIntegerField(min_value=0, default=0)


class PlanMeteredInputSerializer(InputSerializer):
    metric = StrictCharField(max_length=100)
    unit_amount = StrictIntegerField(min_value=0, required=False, allow_null=True, default=None)
    unit_amount_decimal = UnitAmountDecimalField(required=False, allow_null=True, default=None)
    tiers = PlanTierInputSerializer(many=True, required=False, allow_null=True, default=None)
    included_quantity = StrictIntegerField(min_value=0, default=0)


class PlanCreateInputSerializer(InputSerializer):
    code = serializers.RegexField(r"^[a-z0-9][a-z0-9_-]{0,99}$", max_length=100)
    name = StrictCharField(max_length=200)
    description = StrictCharField(max_length=500, required=False, allow_blank=True)
    currency = CurrencyField()
    base = PlanBaseInputSerializer(required=False, allow_null=True)
    metered = PlanMeteredInputSerializer(many=True, required=False)
    quotas = serializers.DictField(child=StrictIntegerField(min_value=0), required=False)
    features = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="{feature code: value}: true/false for a boolean feature, a number or a "
        "string (at most 200 characters) for a static one, the limit per period for a metered "
        "one (written to `quotas` under its metric's code).",
    )
    trial_period_days = StrictIntegerField(min_value=0, max_value=730, default=0)
    grace_period_days = StrictIntegerField(min_value=0, max_value=365, default=7)
    metadata = MetadataField()


class PlanUpdateInputSerializer(InputSerializer):
    name = StrictCharField(max_length=200, required=False)
    description = StrictCharField(max_length=500, required=False, allow_blank=True)
    base = PlanBaseInputSerializer(required=False, allow_null=True)
    metered = PlanMeteredInputSerializer(many=True, required=False)
    quotas = serializers.DictField(child=StrictIntegerField(min_value=0), required=False)
    features = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="{feature code: value}: true/false for a boolean feature, a number or a "
        "string (at most 200 characters) for a static one, the limit per period for a metered "
        "one (written to `quotas` under its metric's code).",
    )
    trial_period_days = StrictIntegerField(min_value=0, max_value=730, required=False)
    grace_period_days = StrictIntegerField(min_value=0, max_value=365, required=False)
    metadata = MetadataField()


class PlanListInputSerializer(ListQueryInputSerializer):
    active = serializers.BooleanField(required=False, allow_null=True, default=None)
    code = serializers.CharField(max_length=100, required=False)


class PlanTierOutputSerializer(serializers.Serializer[Any]):
    up_to = serializers.IntegerField(allow_null=True, help_text="null: the last, unbounded tier.")
    unit_amount = serializers.IntegerField(
        allow_null=True, help_text="null when the tier is priced with unit_amount_decimal."
    )
    unit_amount_decimal = serializers.CharField(
        help_text="The tier's unit price in the minor unit as a decimal string, always set "
        '(e.g. "0.2", or "3" for a unit_amount of 3), as Stripe shows it.'
    )
    flat_amount = serializers.IntegerField()


class PlanMeteredOutputSerializer(serializers.Serializer[Any]):
    metric = serializers.CharField(help_text="The metric's code.")
    unit_amount = serializers.IntegerField(
        allow_null=True, help_text="null for tiers, or when priced with unit_amount_decimal."
    )
    unit_amount_decimal = serializers.CharField(
        allow_null=True,
        help_text="The unit price in the minor unit as a decimal string (a unit_amount of 3 "
        'shows "3"), as Stripe shows it; null for tiers.',
    )
    tiers = PlanTierOutputSerializer(many=True, allow_null=True)
    included_quantity = serializers.IntegerField()
    provider_price_id = serializers.CharField()


class PlanOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    currency = serializers.CharField()
    version = serializers.IntegerField(source="current_version.version")
    base = serializers.SerializerMethodField()
    metered = serializers.SerializerMethodField()
    quotas = serializers.DictField()
    features = serializers.DictField(
        child=serializers.JSONField(),
        help_text="The plan's boolean and static feature grants; metered ones are its quotas.",
    )
    trial_period_days = serializers.IntegerField()
    grace_period_days = serializers.IntegerField()
    metadata = serializers.DictField()
    active = serializers.BooleanField(source="is_active")
    sync_state = serializers.CharField()
    provider_product_id = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_object(self, plan: builtins.object) -> str:
        return "plan"

    def get_base(self, plan: Any) -> dict[str, Any] | None:
        version = plan.current_version
        if version is None or version.base_amount is None:
            return None
        return {
            "amount": version.base_amount,
            "interval": version.interval,
            "interval_count": version.interval_count,
            "provider_price_id": version.provider_base_price_id,
        }

    @extend_schema_field(PlanMeteredOutputSerializer(many=True))
    def get_metered(self, plan: Any) -> list[dict[str, Any]]:
        version = plan.current_version
        if version is None:
            return []
        return [
            {
                "metric": component.metric.code,
                "unit_amount": component.unit_amount,
                "unit_amount_decimal": _unit_amount_decimal(component),
                "tiers": [_tier_output(tier) for tier in component.tiers]
                if component.tiers is not None
                else None,
                "included_quantity": component.included_quantity,
                "provider_price_id": component.provider_price_id,
            }
            for component in version.metered.all()
        ]


def _unit_amount_decimal(component: PlanMeteredComponent) -> str | None:
    """Like Stripe's price: always a string when the component has a unit price."""
    if component.unit_amount_decimal is not None:
        return decimal_text(component.unit_amount_decimal)
    if component.unit_amount is not None:
        return decimal_text(component.unit_amount)
    return None


def _tier_output(tier: dict[str, Any]) -> dict[str, Any]:
    unit_amount = tier.get("unit_amount")
    unit_amount_decimal = tier.get("unit_amount_decimal")
    return {
        "up_to": tier.get("up_to"),
        "unit_amount": unit_amount if unit_amount_decimal is None else None,
        "unit_amount_decimal": decimal_text(
            Decimal(unit_amount_decimal) if unit_amount_decimal is not None else unit_amount or 0
        ),
        "flat_amount": tier.get("flat_amount", 0),
    }


# Features.

FEATURE_CODE_MAX_LENGTH = 100


class FeatureCreateInputSerializer(InputSerializer):
    code = StrictCharField(max_length=FEATURE_CODE_MAX_LENGTH)
    name = StrictCharField(max_length=200)
    type = serializers.ChoiceField(choices=FeatureType.values)
    metric = StrictCharField(
        max_length=100,
        required=False,
        help_text="A metered feature's metric code: its limit is the plan's quota for it.",
    )

    def validate_code(self, value: str) -> str:
        if not value or not all(
            char.isascii() and (char.isalnum() or char in "_-") for char in value
        ):
            raise serializers.ValidationError(
                "Use letters, digits, underscores and hyphens only, e.g. sso."
            )
        return value


class FeatureUpdateInputSerializer(InputSerializer):
    name = StrictCharField(max_length=200)


class FeatureListInputSerializer(ListQueryInputSerializer):
    code = serializers.CharField(max_length=FEATURE_CODE_MAX_LENGTH, required=False)
    archived = serializers.BooleanField(required=False, allow_null=True, default=None)


class FeatureOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    code = serializers.CharField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=FeatureType.values)
    metric = serializers.CharField(
        source="metric.code", allow_null=True, help_text="A metered feature's metric code."
    )
    archived = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_object(self, feature: builtins.object) -> str:
        return "feature"

    def get_archived(self, feature: Any) -> bool:
        return feature.archived_at is not None
