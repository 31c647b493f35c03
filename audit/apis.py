from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import NotFoundError
from api.pagination import ListQueryInputSerializer
from audit.models import AuditEvent
from audit.selectors import audit_event_list
from tenants.views import TenantViewSet


class AuditEventListInputSerializer(ListQueryInputSerializer):
    action_type = serializers.CharField(max_length=64, required=False)
    target_type = serializers.CharField(max_length=64, required=False)
    target_id = serializers.CharField(max_length=64, required=False)
    since = serializers.DateTimeField(required=False)


class AuditEventOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    app_id = serializers.CharField()
    actor_type = serializers.CharField()
    actor_id = serializers.CharField()
    action_type = serializers.CharField()
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    payload_snapshot = serializers.JSONField()
    request_id = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_object(self, event: AuditEvent) -> str:
        return "audit_event"


class AuditEventViewSet(TenantViewSet):
    model = AuditEvent

    @extend_schema(
        parameters=[AuditEventListInputSerializer], responses=AuditEventOutputSerializer(many=True)
    )
    def list(self, request: Request) -> Response:
        filters = self.query_filters(AuditEventListInputSerializer)
        selection = {
            key: value for key, value in filters.items() if key not in ("limit", "starting_after")
        }
        return self.list_response(
            queryset=audit_event_list(app=self.app, **selection),
            output=AuditEventOutputSerializer,
            filters=filters,
        )

    @extend_schema(responses=AuditEventOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        event = audit_event_list(app=self.app).filter(pk=pk).first()
        if event is None:
            raise NotFoundError("audit event")
        return Response(AuditEventOutputSerializer(event).data)
