from api.errors import NotFoundError
from billing.models import Customer
from tenants.models import App
from tenants.scoping import TenantScopedQuerySet


def customer_get(*, app: App, customer_id: str) -> Customer:
    try:
        return Customer.objects.for_app(app).get(pk=customer_id)
    except Customer.DoesNotExist:
        raise NotFoundError("customer", param="customer") from None


def customer_get_by_reference(*, app: App, reference: str) -> Customer:
    """A customer by our id (`cus_…`) or by the app's own `external_id`."""
    customers = Customer.objects.for_app(app)
    customer = customers.filter(pk=reference).first() if reference.startswith("cus_") else None
    if customer is None:
        customer = customers.filter(external_id=reference).first()
    if customer is None:
        raise NotFoundError("customer", param="customer")
    return customer


def customer_list(*, app: App, external_id: str | None = None) -> TenantScopedQuerySet:
    customers = Customer.objects.for_app(app)
    if external_id is not None:
        customers = customers.filter(external_id=external_id)
    return customers
