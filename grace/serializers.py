from typing import Any

from rest_framework import serializers

from api.fields import InputSerializer, StrictCharField
from api.pagination import ListQueryInputSerializer
from grace.models import GracePeriod, GraceReason, GraceStatus


class GracePeriodListInputSerializer(ListQueryInputSerializer):
    status = serializers.ChoiceField(choices=GraceStatus.choices, required=False)
    customer = serializers.CharField(max_length=64, required=False)
    reason = serializers.ChoiceField(choices=GraceReason.choices, required=False)


class GracePeriodResolveInputSerializer(InputSerializer):
    note = StrictCharField(max_length=1000, required=False, allow_blank=True)


class GracePeriodOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id")
    subscription = serializers.CharField(source="subscription_id", allow_null=True)
    metric = serializers.SerializerMethodField(help_text="The metric's code, for over_quota.")
    reason = serializers.ChoiceField(choices=GraceReason.choices)
    status = serializers.ChoiceField(choices=GraceStatus.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolved_by = serializers.SerializerMethodField(
        help_text="Who resolved it: an API key id, `staff:<username>`, `stripe` or `system`."
    )
    note = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_object(self, grace_period: GracePeriod) -> str:
        return "grace_period"

    def get_metric(self, grace_period: GracePeriod) -> str | None:
        return grace_period.metric.code if grace_period.metric is not None else None

    def get_resolved_by(self, grace_period: GracePeriod) -> str | None:
        return grace_period.resolved_by or None


def grace_period_data(grace_period: GracePeriod) -> dict[str, Any]:
    """The public shape as a plain dict: the audit snapshot and the outbound event's `data`."""
    return dict(GracePeriodOutputSerializer(grace_period).data)
