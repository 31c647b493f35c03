from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.pagination import list_body, list_page
from api.views import TenantViewSet
from billing.models import Customer
from billing.selectors import customer_get, customer_list
from billing.serializers import (
    CustomerCreateInputSerializer,
    CustomerListInputSerializer,
    CustomerOutputSerializer,
    CustomerUpdateInputSerializer,
)
from billing.services import customer_create, customer_update


class CustomerViewSet(TenantViewSet):
    model = Customer

    @extend_schema(request=CustomerCreateInputSerializer, responses={201: CustomerOutputSerializer})
    def create(self, request: Request) -> Response:
        payload = CustomerCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        customer = customer_create(
            app=self.app, actor=self.actor, request_key=self.request_key, **payload.validated_data
        )
        return Response(CustomerOutputSerializer(customer).data, status=201)

    @extend_schema(
        parameters=[CustomerListInputSerializer],
        responses=CustomerOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        query = CustomerListInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        customers, has_more = list_page(
            queryset=customer_list(app=self.app, external_id=filters.get("external_id")),
            limit=filters["limit"],
            starting_after=filters.get("starting_after"),
        )
        return Response(
            list_body(data=CustomerOutputSerializer(customers, many=True).data, has_more=has_more)
        )

    @extend_schema(responses=CustomerOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        customer = customer_get(app=self.app, customer_id=pk)
        return Response(CustomerOutputSerializer(customer).data)

    @extend_schema(request=CustomerUpdateInputSerializer, responses=CustomerOutputSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        customer_get(app=self.app, customer_id=pk)
        payload = CustomerUpdateInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        customer = customer_update(
            app=self.app,
            actor=self.actor,
            customer_id=pk,
            request_key=self.request_key,
            **payload.validated_data,
        )
        return Response(CustomerOutputSerializer(customer).data)
