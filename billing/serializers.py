from rest_framework import serializers

from api.fields import InputSerializer, MetadataField, StrictCharField
from api.pagination import ListQueryInputSerializer


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


class CustomerOutputSerializer(serializers.Serializer):
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

    def get_object(self, customer: object) -> str:
        return "customer"
