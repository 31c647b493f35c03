from typing import Any

from django.db import IntegrityError, transaction

from api.errors import ConflictError, NotFoundError
from audit.services import Actor, audit_event_record
from billing.models import Customer
from tenants.models import App

CUSTOMER_FIELDS = ("external_id", "email", "name", "description", "metadata")


def customer_snapshot(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.pk,
        **{field: getattr(customer, field) for field in CUSTOMER_FIELDS},
        "provider_customer_id": customer.provider_customer_id,
    }


def _external_id_taken(external_id: str) -> ConflictError:
    return ConflictError(
        f"A customer with external_id {external_id!r} already exists.",
        code="external_id_taken",
        param="external_id",
    )


def customer_create(
    *,
    app: App,
    actor: Actor,
    external_id: str | None = None,
    email: str = "",
    name: str = "",
    description: str = "",
    metadata: dict[str, str] | None = None,
    payment_method: str = "",
) -> Customer:
    try:
        with transaction.atomic():
            customer = Customer.objects.create(
                app=app,
                external_id=external_id,
                email=email,
                name=name,
                description=description,
                metadata=metadata or {},
                default_payment_method=payment_method,
            )
            audit_event_record(
                app=app,
                actor=actor,
                action_type="CREATE_CUSTOMER",
                target_type="customer",
                target_id=customer.pk,
                payload_snapshot=customer_snapshot(customer),
            )
    except IntegrityError:
        raise _external_id_taken(external_id or "") from None
    return customer


def customer_update(*, app: App, actor: Actor, customer_id: str, **changes: Any) -> Customer:
    try:
        with transaction.atomic():
            customer = (
                Customer.objects.for_app(app).select_for_update().filter(pk=customer_id).first()
            )
            if customer is None:
                raise NotFoundError("customer")
            if "payment_method" in changes:
                changes["default_payment_method"] = changes.pop("payment_method")
            for field, value in changes.items():
                setattr(customer, field, value)
            customer.save()
            audit_event_record(
                app=app,
                actor=actor,
                action_type="UPDATE_CUSTOMER",
                target_type="customer",
                target_id=customer.pk,
                payload_snapshot={"changes": changes, "customer": customer_snapshot(customer)},
            )
    except IntegrityError:
        raise _external_id_taken(changes.get("external_id") or "") from None
    return customer
