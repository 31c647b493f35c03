from typing import Any

from django.db import IntegrityError, transaction

from api.errors import ConflictError, NotFoundError
from audit.services import audit_event_record
from billing.audit_actions import BillingAuditAction
from billing.clocks import test_clock_get_for_update, test_clocks_require_test_mode
from billing.errors import BillingErrorCode
from billing.models import Customer
from billing.providers.base import Capability, CustomerRequest, ProviderError
from billing.providers.capabilities import capability_supported_check
from billing.providers.errors import api_error_from_provider
from billing.providers.keys import provider_idempotency_key
from billing.providers.registry import provider_for
from tenants.actors import Actor
from tenants.models import App

CUSTOMER_FIELDS = ("external_id", "email", "name", "description", "metadata")


def customer_snapshot(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.pk,
        **{field: getattr(customer, field) for field in CUSTOMER_FIELDS},
        "provider_customer_id": customer.provider_customer_id,
        "default_payment_method": customer.default_payment_method,
        "test_clock": customer.test_clock_id,
    }


def _external_id_taken(external_id: str) -> ConflictError:
    return ConflictError(
        f"A customer with external_id {external_id!r} already exists.",
        code=BillingErrorCode.EXTERNAL_ID_TAKEN,
        param="external_id",
    )


def _customer_request(
    customer: Customer, *, idempotency_key: str, payment_method: str = "", test_clock: str = ""
) -> CustomerRequest:
    return CustomerRequest(
        idempotency_key=idempotency_key,
        app_id=customer.app_id,
        customer_id=customer.pk,
        external_id=customer.external_id,
        email=customer.email,
        name=customer.name,
        description=customer.description,
        metadata=customer.metadata,
        payment_method=payment_method,
        test_clock=test_clock,
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
    test_clock: str | None = None,
    request_key: str | None = None,
) -> Customer:
    """Creates the customer here and at the provider in one step: if the provider call fails,
    nothing is left behind here either.

    Not the pending-row strategy of payments and subscriptions (`billing/providers/pending.py`),
    on purpose: a customer moves no money and has nothing for a retry job to finish, and an app
    needs the provider customer before it can use ours, so a failure answers 502 and leaves no
    row. The provider key derives from the app's Idempotency-Key when it sent one, so the app's
    retry of a call whose answer it lost makes no second provider customer."""
    if payment_method:
        capability_supported_check(
            app=app, capability=Capability.PAYMENT_METHOD_ATTACH, param="payment_method"
        )
    try:
        with transaction.atomic():
            clock = None
            if test_clock is not None:
                test_clocks_require_test_mode(app=app, param="test_clock")
                clock = test_clock_get_for_update(
                    app=app, test_clock_id=test_clock, param="test_clock"
                )
            customer = Customer.objects.create(
                app=app,
                external_id=external_id,
                email=email,
                name=name,
                description=description,
                metadata=metadata or {},
                test_clock=clock,
            )
            result = provider_for(app=app).customer_create(
                _customer_request(
                    customer,
                    payment_method=payment_method,
                    test_clock=clock.provider_test_clock_id if clock is not None else "",
                    idempotency_key=provider_idempotency_key(
                        app_id=app.pk,
                        request_key=request_key,
                        object_id=customer.pk,
                        operation="customer",
                    ),
                )
            )
            customer.provider_customer_id = result.provider_reference
            customer.default_payment_method = result.default_payment_method or payment_method
            customer.save(
                update_fields=["provider_customer_id", "default_payment_method", "updated_at"]
            )
            audit_event_record(
                app=app,
                actor=actor,
                action_type=BillingAuditAction.CREATE_CUSTOMER,
                target_type="customer",
                target_id=customer.pk,
                payload_snapshot=customer_snapshot(customer),
            )
    except IntegrityError:
        raise _external_id_taken(external_id or "") from None
    except ProviderError as error:
        raise api_error_from_provider(
            error, param="payment_method" if payment_method else None
        ) from None
    return customer


def customer_update(
    *, app: App, actor: Actor, customer_id: str, request_key: str | None = None, **changes: Any
) -> Customer:
    payment_method = changes.pop("payment_method", "")
    if payment_method:
        capability_supported_check(
            app=app, capability=Capability.PAYMENT_METHOD_ATTACH, param="payment_method"
        )
    try:
        with transaction.atomic():
            customer = (
                Customer.objects.for_app(app).select_for_update().filter(pk=customer_id).first()
            )
            if customer is None:
                raise NotFoundError("customer")
            for field, value in changes.items():
                setattr(customer, field, value)
            customer.save()
            result = provider_for(app=app).customer_update(
                provider_reference=customer.provider_customer_id,
                request=_customer_request(
                    customer,
                    payment_method=payment_method,
                    idempotency_key=provider_idempotency_key(
                        app_id=app.pk,
                        request_key=request_key,
                        object_id=f"{customer.pk}:{customer.updated_at.timestamp()}",
                        operation="customer_update",
                    ),
                ),
            )
            if result.default_payment_method:
                customer.default_payment_method = result.default_payment_method
                customer.save(update_fields=["default_payment_method", "updated_at"])
            audit_event_record(
                app=app,
                actor=actor,
                action_type=BillingAuditAction.UPDATE_CUSTOMER,
                target_type="customer",
                target_id=customer.pk,
                payload_snapshot={
                    "changes": {
                        **changes,
                        **({"payment_method": payment_method} if payment_method else {}),
                    },
                    "customer": customer_snapshot(customer),
                },
            )
    except IntegrityError:
        raise _external_id_taken(changes.get("external_id") or "") from None
    except ProviderError as error:
        raise api_error_from_provider(
            error, param="payment_method" if payment_method else None
        ) from None
    return customer
