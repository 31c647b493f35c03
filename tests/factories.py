"""One way to make an object of each tenant-owned model that a `/v1/` route points at, used by
the cross-tenant test. A new resource adds its model here, or that test fails and says so."""

from collections.abc import Callable
from typing import Any

from django.db import transaction

from audit.services import Actor, audit_event_record
from billing.services import customer_create
from tenants.models import App

FACTORY_ACTOR = Actor.staff("factory")


def customer_factory(app: App) -> Any:
    return customer_create(app=app, actor=FACTORY_ACTOR, external_id="factory-customer")


def audit_event_factory(app: App) -> Any:
    with transaction.atomic():
        return audit_event_record(
            app=app, actor=FACTORY_ACTOR, action_type="FACTORY", target_type="nothing"
        )


OBJECT_FACTORIES: dict[str, Callable[[App], Any]] = {
    "billing.Customer": customer_factory,
    "audit.AuditEvent": audit_event_factory,
}
