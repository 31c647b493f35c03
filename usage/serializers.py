import builtins
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import InputSerializer, StrictCharField, StrictIntegerField
from api.pagination import ListQueryInputSerializer

# Usage events. The ingestion service validates events itself (a batch holds up to 1,000 and
# DRF serializers would cost more than the database work); these classes document the shapes.


class UsageEventCreateInputSerializer(InputSerializer):
    customer = StrictCharField(
        max_length=200, help_text="Our customer id (`cus_…`) or the app's `external_id`."
    )
    metric = StrictCharField(max_length=100, help_text="The metric's code, e.g. `api_calls`.")
    quantity = serializers.IntegerField(
        min_value=0,
        max_value=10**15,
        help_text="A whole number of the metric's unit (decimals are refused: report 1.5 GB as "
        "1500 MB). Ignored by `count` metrics, which count events.",
    )
    timestamp = serializers.DateTimeField(
        required=False,
        help_text="ISO 8601 with a UTC offset; default now. At most 35 days old and 5 minutes "
        "ahead.",
    )
    event_id = StrictCharField(
        max_length=255,
        help_text="Your dedupe key, unique per app: a repeated event_id is accepted and "
        "counted once.",
    )


class UsageBatchInputSerializer(InputSerializer):
    events = UsageEventCreateInputSerializer(many=True, help_text="1 to 1,000 events.")


class ErrorOutputSerializer(serializers.Serializer[Any]):
    type = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()
    param = serializers.CharField(allow_null=True)


class UsageEventOutputSerializer(serializers.Serializer[Any]):
    object = serializers.CharField(default="usage_event")
    event_id = serializers.CharField()
    customer = serializers.CharField(help_text="Our customer id.")
    metric = serializers.CharField()
    quantity = serializers.IntegerField()
    timestamp = serializers.DateTimeField()
    status = serializers.ChoiceField(
        choices=["accepted", "duplicate"],
        help_text="accepted (201): stored and counted; duplicate (200): this event_id was "
        "recorded before and is counted once.",
    )


class UsageEventResultOutputSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField(help_text="The event's position in the request.")
    event_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["accepted", "duplicate", "rejected"])
    error = ErrorOutputSerializer(allow_null=True, help_text="Why it was rejected.")


class UsageBatchOutputSerializer(serializers.Serializer[Any]):
    object = serializers.CharField(default="usage_batch")
    accepted = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    rejected = serializers.IntegerField()
    data = UsageEventResultOutputSerializer(many=True)  # type: ignore[assignment]  # the list shape's "data" field shadows Serializer.data


class CustomerUsageInputSerializer(InputSerializer):
    metric = serializers.CharField(max_length=100, required=False)
    to = serializers.DateTimeField(required=False)
    # `from` is a Python keyword, so it is added to the class namespace by name.
    locals()["from"] = serializers.DateTimeField(required=False)


class UsagePeriodOutputSerializer(serializers.Serializer[Any]):
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()
    value = serializers.IntegerField()
    event_count = serializers.IntegerField()


class MetricUsageOutputSerializer(serializers.Serializer[Any]):
    metric = serializers.CharField()
    aggregation = serializers.CharField()
    unit = serializers.CharField()
    total = serializers.IntegerField(
        help_text="sum and count: the periods' values added up; last: the latest period's."
    )
    periods = UsagePeriodOutputSerializer(many=True)


class CustomerUsageOutputSerializer(serializers.Serializer[Any]):
    object = serializers.CharField(default="customer_usage")
    customer = serializers.CharField()
    current_period_start = serializers.DateTimeField()
    current_period_end = serializers.DateTimeField()
    data = MetricUsageOutputSerializer(many=True)  # type: ignore[assignment]  # the list shape's "data" field shadows Serializer.data


class EntitlementGracePeriodOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    status = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class EntitlementOutputSerializer(serializers.Serializer[Any]):
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id")
    metric = serializers.CharField(source="metric_code")
    aggregation = serializers.CharField()
    unit = serializers.CharField()
    limit = serializers.IntegerField(
        allow_null=True, help_text="The plan's hard quota per period; null = unlimited."
    )
    used = serializers.IntegerField(help_text="This billing period.")
    remaining = serializers.IntegerField(allow_null=True)
    allowed = serializers.BooleanField(
        help_text="Within the limit, or over it while the over-quota grace period is active."
    )
    reason = serializers.CharField(
        help_text="unlimited, within_limit, over_quota_in_grace_period, "
        "over_quota_grace_period_resolved, over_quota or no_active_subscription."
    )
    included_quantity = serializers.IntegerField(
        help_text="Units per period the plan includes for free (billed only above it)."
    )
    period_start = serializers.DateTimeField(source="period.start")
    period_end = serializers.DateTimeField(source="period.end")
    subscription = serializers.CharField(source="subscription_id", allow_null=True)
    plan = serializers.CharField(source="plan_id", allow_null=True)
    grace_period = EntitlementGracePeriodOutputSerializer(
        allow_null=True, help_text="This period's over-quota grace period, if one was opened."
    )

    def get_object(self, entitlement: builtins.object) -> str:
        return "entitlement"


# Usage alerts.


class UsageAlertThresholdInputSerializer(InputSerializer):
    percent_of_quota = StrictIntegerField(
        min_value=1,
        max_value=1000,
        required=False,
        help_text="A percentage of each customer's quota for the metric (its plan's "
        "`quotas`), e.g. 80 or 100; customers with no quota for it are not alerted.",
    )
    quantity = StrictIntegerField(
        min_value=1,
        max_value=10**15,
        required=False,
        help_text="An absolute quantity of the metric's unit in a billing period.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if len(attrs) != 1:
            raise serializers.ValidationError(
                "Give exactly one of percent_of_quota and quantity.", code="parameter_invalid"
            )
        return attrs


class UsageAlertCreateInputSerializer(InputSerializer):
    metric = StrictCharField(max_length=100, help_text="The metric's code, e.g. `api_calls`.")
    threshold = UsageAlertThresholdInputSerializer(
        help_text='Exactly one of `{"percent_of_quota": 80}` and `{"quantity": 5000}`.'
    )


class UsageAlertListInputSerializer(ListQueryInputSerializer):
    metric = serializers.CharField(max_length=100, required=False)


class UsageAlertThresholdOutputSerializer(serializers.Serializer[Any]):
    percent_of_quota = serializers.IntegerField(required=False)
    quantity = serializers.IntegerField(required=False)


class UsageAlertOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    metric = serializers.CharField(source="metric.code")
    threshold = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_object(self, alert: builtins.object) -> str:
        return "usage_alert"

    @extend_schema_field(UsageAlertThresholdOutputSerializer)
    def get_threshold(self, alert: Any) -> dict[str, int]:
        return {str(alert.threshold_type): alert.threshold_value}


class UsageAlertDeletedOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.CharField()
    deleted = serializers.BooleanField()


# Features in entitlements, and entitlement overrides.


class FeatureEntitlementOverrideOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)


class FeatureEntitlementOutputSerializer(serializers.Serializer[Any]):
    object = serializers.ChoiceField(choices=["feature_entitlement"])
    feature = serializers.CharField(help_text="The feature's code.")
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=["boolean", "static", "metered"])
    value = serializers.JSONField(
        allow_null=True,
        help_text="true/false for a boolean feature; the number or text for a static one "
        "(null when not granted); the limit per period for a metered one (null: unlimited or "
        "not granted).",
    )
    allowed = serializers.BooleanField(
        help_text="Granted (a boolean one: true); a metered one: as its metric's entitlement."
    )
    reason = serializers.CharField(
        help_text="granted, not_granted, overridden, no_active_subscription, or a metered "
        "one's metric entitlement reason."
    )
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=["plan", "override"], allow_null=True, help_text="What grants the value."
    )
    override = FeatureEntitlementOverrideOutputSerializer(
        allow_null=True, help_text="The override in force, if any."
    )
    metric = serializers.CharField(allow_null=True, help_text="A metered feature's metric.")
    limit = serializers.IntegerField(allow_null=True, help_text="Metered features only.")
    used = serializers.IntegerField(allow_null=True, help_text="Metered features only.")
    remaining = serializers.IntegerField(allow_null=True, help_text="Metered features only.")


class EntitlementListOutputSerializer(serializers.Serializer[Any]):
    object = serializers.ChoiceField(choices=["list"])
    data = EntitlementOutputSerializer(many=True, help_text="One per metric of the plan.")  # type: ignore[assignment]
    has_more = serializers.BooleanField()
    features = FeatureEntitlementOutputSerializer(
        many=True, help_text="One per live feature of the app."
    )


class EntitlementOverrideCreateInputSerializer(InputSerializer):
    feature = StrictCharField(max_length=100, help_text="A feature's code.")
    value = serializers.JSONField(
        help_text="true/false for a boolean feature, a number or a string (at most 200 "
        "characters) for a static one, the customer's own limit per period (an integer of at "
        "least 0, in place of the plan's quota for its metric) for a metered one."
    )
    expires_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="From then on (at the customer's time) it no longer applies.",
    )


class EntitlementOverrideOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id")
    feature = serializers.CharField(source="feature.code")
    value = serializers.JSONField()
    expires_at = serializers.DateTimeField(allow_null=True)
    in_force = serializers.SerializerMethodField(
        help_text="Not expired at the customer's time (a test clock's, for one on a clock)."
    )
    created_at = serializers.DateTimeField()

    def get_object(self, override: builtins.object) -> str:
        return "entitlement_override"

    def get_in_force(self, override: Any) -> bool:
        now = self.context["now"]
        return override.expires_at is None or override.expires_at > now


class EntitlementOverrideDeletedOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.ChoiceField(choices=["entitlement_override"])
    deleted = serializers.BooleanField()
