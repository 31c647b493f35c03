import builtins
from typing import Any

from rest_framework import serializers

from api.fields import (
    InputSerializer,
    MetadataField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
)
from api.pagination import ListQueryInputSerializer
from billing.models import SubscriptionStatus
from billing.providers.base import Proration


class CustomerCreateInputSerializer(InputSerializer):
    external_id = StrictCharField(max_length=200, required=False, allow_null=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    name = StrictCharField(max_length=200, required=False, allow_blank=True)
    description = StrictCharField(max_length=500, required=False, allow_blank=True)
    metadata = MetadataField()
    payment_method = StrictCharField(max_length=255, required=False)


class CustomerUpdateInputSerializer(CustomerCreateInputSerializer):
    pass


class CustomerListInputSerializer(ListQueryInputSerializer):
    external_id = serializers.CharField(max_length=200, required=False)


class CustomerOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    external_id = serializers.CharField(allow_null=True)
    email = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    metadata = serializers.DictField()
    provider_customer_id = serializers.CharField()
    default_payment_method = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_object(self, customer: builtins.object) -> str:
        return "customer"


CURRENCY_PATTERN = r"^[a-z]{3}$"


class PlanBaseInputSerializer(InputSerializer):
    amount = StrictIntegerField(min_value=0, max_value=99_999_999)
    interval = serializers.ChoiceField(choices=["day", "week", "month", "year"], default="month")
    interval_count = StrictIntegerField(min_value=1, max_value=365, default=1)


class PlanTierInputSerializer(InputSerializer):
    up_to = StrictIntegerField(min_value=1, allow_null=True)
    unit_amount = StrictIntegerField(min_value=0, default=0)
    flat_amount = StrictIntegerField(min_value=0, default=0)


class PlanMeteredInputSerializer(InputSerializer):
    metric = StrictCharField(max_length=100)
    unit_amount = StrictIntegerField(min_value=0, required=False, allow_null=True, default=None)
    tiers = PlanTierInputSerializer(many=True, required=False, allow_null=True, default=None)
    included_quantity = StrictIntegerField(min_value=0, default=0)


class PlanCreateInputSerializer(InputSerializer):
    code = serializers.RegexField(r"^[a-z0-9][a-z0-9_-]{0,99}$", max_length=100)
    name = StrictCharField(max_length=200)
    description = StrictCharField(max_length=500, required=False, allow_blank=True)
    currency = serializers.RegexField(CURRENCY_PATTERN)
    base = PlanBaseInputSerializer(required=False, allow_null=True)
    metered = PlanMeteredInputSerializer(many=True, required=False)
    quotas = serializers.DictField(child=StrictIntegerField(min_value=0), required=False)
    trial_period_days = StrictIntegerField(min_value=0, max_value=730, default=0)
    grace_period_days = StrictIntegerField(min_value=0, max_value=365, default=7)
    metadata = MetadataField()


class PlanUpdateInputSerializer(InputSerializer):
    name = StrictCharField(max_length=200, required=False)
    description = StrictCharField(max_length=500, required=False, allow_blank=True)
    base = PlanBaseInputSerializer(required=False, allow_null=True)
    metered = PlanMeteredInputSerializer(many=True, required=False)
    quotas = serializers.DictField(child=StrictIntegerField(min_value=0), required=False)
    trial_period_days = StrictIntegerField(min_value=0, max_value=730, required=False)
    grace_period_days = StrictIntegerField(min_value=0, max_value=365, required=False)
    metadata = MetadataField()


class PlanListInputSerializer(ListQueryInputSerializer):
    active = serializers.BooleanField(required=False, allow_null=True, default=None)
    code = serializers.CharField(max_length=100, required=False)


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

    def get_metered(self, plan: Any) -> list[dict[str, Any]]:
        version = plan.current_version
        if version is None:
            return []
        return [
            {
                "metric": component.metric.code,
                "unit_amount": component.unit_amount,
                "tiers": component.tiers,
                "included_quantity": component.included_quantity,
                "provider_price_id": component.provider_price_id,
            }
            for component in version.metered.all()
        ]


class PaymentCreateInputSerializer(InputSerializer):
    customer = StrictCharField(max_length=40)
    amount = StrictIntegerField(min_value=1, max_value=99_999_999)
    currency = serializers.RegexField(CURRENCY_PATTERN)
    description = StrictCharField(max_length=500, required=False, allow_blank=True)
    payment_method = StrictCharField(max_length=255, required=False)
    metadata = MetadataField()


class PaymentListInputSerializer(ListQueryInputSerializer):
    customer = serializers.CharField(max_length=40, required=False)
    status = serializers.ChoiceField(
        choices=["pending", "succeeded", "requires_action", "processing", "failed", "canceled"],
        required=False,
    )


class PaymentOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id")
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    amount_refunded = serializers.IntegerField()
    client_secret = serializers.SerializerMethodField()
    failure_code = serializers.CharField()
    failure_message = serializers.CharField()
    decline_code = serializers.CharField()
    payment_method = serializers.CharField()
    metadata = serializers.DictField()
    provider_payment_id = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_object(self, payment: builtins.object) -> str:
        return "payment"

    def get_client_secret(self, payment: Any) -> str | None:
        return payment.client_secret or None


class RefundCreateInputSerializer(InputSerializer):
    amount = StrictIntegerField(min_value=1, max_value=99_999_999, required=False)
    reason = serializers.ChoiceField(
        choices=["duplicate", "fraudulent", "requested_by_customer"], required=False
    )
    metadata = MetadataField()


class RefundListInputSerializer(ListQueryInputSerializer):
    payment = serializers.CharField(max_length=40, required=False)


class RefundOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    payment = serializers.CharField(source="payment_id")
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    reason = serializers.CharField()
    status = serializers.CharField()
    failure_reason = serializers.CharField()
    metadata = serializers.DictField()
    provider_refund_id = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_object(self, refund: builtins.object) -> str:
        return "refund"


class SubscriptionCreateInputSerializer(InputSerializer):
    customer = StrictCharField(max_length=40)
    plan = StrictCharField(max_length=40)
    # Overrides the plan's trial; 0 starts without one.
    trial_period_days = StrictIntegerField(
        min_value=0, max_value=730, required=False, allow_null=True, default=None
    )
    payment_method = StrictCharField(max_length=255, required=False)
    metadata = MetadataField()


class SubscriptionListInputSerializer(ListQueryInputSerializer):
    customer = serializers.CharField(max_length=40, required=False)
    status = serializers.ChoiceField(choices=SubscriptionStatus.values, required=False)


class SubscriptionCancelInputSerializer(InputSerializer):
    at_period_end = StrictBooleanField(default=False)


class SubscriptionChangePlanInputSerializer(InputSerializer):
    plan = StrictCharField(max_length=40)
    proration = serializers.ChoiceField(
        choices=[choice.value for choice in Proration], default=Proration.CREATE_PRORATIONS.value
    )


class SubscriptionOutputSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id")
    plan = serializers.CharField(source="plan_id")
    plan_version = serializers.IntegerField(source="plan_version.version")
    status = serializers.ChoiceField(choices=SubscriptionStatus.values)
    trial_period_days = serializers.IntegerField()
    trial_end = serializers.DateTimeField(allow_null=True)
    current_period_start = serializers.DateTimeField(allow_null=True)
    current_period_end = serializers.DateTimeField(allow_null=True)
    cancel_at_period_end = serializers.BooleanField()
    canceled_at = serializers.DateTimeField(allow_null=True)
    payment_method = serializers.CharField()
    metadata = serializers.DictField()
    provider_subscription_id = serializers.CharField()
    client_secret = serializers.SerializerMethodField(
        help_text="While the subscription is incomplete because its first payment needs the "
        "customer's authentication (3-D Secure): the secret the app's front end confirms that "
        "payment with (Stripe.js confirmPayment). Null otherwise."
    )
    # pending until the provider has it (a 502 leaves it pending for the retry job), synced
    # after, failed if the provider refused it.
    sync_state = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_object(self, subscription: builtins.object) -> str:
        return "subscription"

    def get_client_secret(self, subscription: Any) -> str | None:
        return subscription.client_secret or None
