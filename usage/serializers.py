from rest_framework import serializers

from api.fields import InputSerializer, StrictCharField
from api.pagination import ListQueryInputSerializer
from usage.models import Aggregation

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


class MetricOutputSerializer(serializers.Serializer):
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

    def get_object(self, metric: object) -> str:
        return "metric"
