import builtins
from typing import Any

from rest_framework import serializers

from api.fields import InputSerializer, MetadataField, StrictCharField
from api.pagination import ListQueryInputSerializer
from notifications.models import WebhookDeliveryStatus


class WebhookEndpointCreateInputSerializer(InputSerializer):
    url = StrictCharField(max_length=2000, help_text="Where to POST events: http or https.")
    enabled_events = serializers.ListField(
        child=StrictCharField(max_length=64),
        max_length=50,
        help_text='Event types to receive, or ["*"] for all of them.',
    )
    description = StrictCharField(max_length=500, required=False, allow_blank=True)
    metadata = MetadataField()


class WebhookEndpointOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    url = serializers.CharField()
    description = serializers.CharField()
    enabled_events = serializers.ListField(child=serializers.CharField())
    metadata = serializers.DictField()
    status = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_object(self, endpoint: builtins.object) -> str:
        return "webhook_endpoint"

    def get_status(self, endpoint: builtins.object) -> str:
        return "enabled" if getattr(endpoint, "is_active", False) else "disabled"


class WebhookEndpointCreateOutputSerializer(WebhookEndpointOutputSerializer):
    """Only the create response carries the signing secret."""

    secret = serializers.CharField(
        help_text="The signing secret (whsec_…). Shown only in this response: store it now."
    )


class WebhookEndpointDeletedOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.CharField()
    deleted = serializers.BooleanField()


class WebhookDeliveryListInputSerializer(ListQueryInputSerializer):
    status = serializers.ChoiceField(choices=WebhookDeliveryStatus.choices, required=False)


class WebhookDeliveryOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    endpoint = serializers.CharField(source="endpoint_id")
    event = serializers.CharField(source="event_id")
    event_type = serializers.CharField(source="event.event_type")
    status = serializers.CharField()
    attempt_count = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_response_status = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_object(self, delivery: builtins.object) -> str:
        return "webhook_delivery"
