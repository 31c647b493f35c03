"""The provider's billing portal, where a customer updates their card, cancels at the period's
end, switches between the app's plans and sees their invoices.

Each app has one portal configuration at the provider, made from its catalog (the base price of
each active plan's current version) on its first portal session and made again when that
catalog changed since. What a customer does in the portal reaches our rows through the
provider's webhooks, as any change made at the provider does (billing/webhooks.py): a switched
price moves the subscription to the plan version owning it, a cancellation shows as
`cancel_at_period_end`, a new card as the customer's default, each audited with actor `stripe`.
Plans with metered components are not offered for switching: the portal changes one price."""

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from audit.services import audit_event_record
from billing.audit_actions import BillingAuditAction
from billing.models import PortalConfiguration
from billing.payment_methods import customer_at_provider
from billing.providers.base import (
    PortalConfigurationRequest,
    PortalPrice,
    PortalSessionRequest,
    ProviderError,
)
from billing.providers.errors import api_error_from_provider
from billing.providers.keys import provider_idempotency_key
from billing.providers.registry import provider_for
from catalog.selectors import plan_list
from tenants.actors import Actor
from tenants.models import App


@dataclass(frozen=True, kw_only=True)
class PortalSession:
    id: str
    customer_id: str
    url: str
    return_url: str
    created_at: datetime


def portal_prices(*, app: App) -> list[PortalPrice]:
    """The prices a customer may switch between: each active plan's current base price, for
    plans without metered components whose prices are at the provider."""
    prices = []
    for plan in plan_list(app=app, active=True).order_by("created_at", "pk"):
        version = plan.current_version
        if version is None or not (plan.provider_product_id and version.provider_base_price_id):
            continue
        if list(version.metered.all()):
            continue
        prices.append(
            PortalPrice(
                product_reference=plan.provider_product_id,
                price_reference=version.provider_base_price_id,
            )
        )
    return prices


def _configuration_request(
    *, app: App, prices: list[PortalPrice], idempotency_key: str
) -> PortalConfigurationRequest:
    return PortalConfigurationRequest(
        idempotency_key=idempotency_key, app_id=app.pk, headline=app.name, prices=prices
    )


def _fingerprint(*, app: App, prices: list[PortalPrice]) -> str:
    catalog = {
        "headline": app.name,
        "prices": [[price.product_reference, price.price_reference] for price in prices],
    }
    return hashlib.sha256(json.dumps(catalog, sort_keys=True).encode()).hexdigest()


def portal_configuration_ensure(*, app: App, actor: Actor) -> PortalConfiguration:
    """The app's configuration at the provider, made or brought up to date with its catalog."""
    prices = portal_prices(app=app)
    fingerprint = _fingerprint(app=app, prices=prices)
    configuration = PortalConfiguration.objects.for_app(app).first()
    if (
        configuration is not None
        and configuration.provider_configuration_id
        and configuration.catalog_fingerprint == fingerprint
    ):
        return configuration
    provider_reference = configuration.provider_configuration_id if configuration else ""
    # Two first sessions at once make one configuration: the same key answers the same one.
    basis = (
        f"{configuration.pk}:{configuration.updated_at.timestamp()}:{fingerprint}"
        if configuration is not None
        else f"portal:{fingerprint}"
    )
    try:
        reference = provider_for(app=app).portal_configuration_upsert(
            _configuration_request(
                app=app,
                prices=prices,
                idempotency_key=provider_idempotency_key(
                    app_id=app.pk, request_key=None, object_id=basis, operation="portal"
                ),
            ),
            provider_reference=provider_reference,
        )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    try:
        with transaction.atomic():
            configuration, _ = (
                PortalConfiguration.objects.for_app(app).select_for_update().get_or_create(app=app)
            )
            previous = configuration.provider_configuration_id
            configuration.provider_configuration_id = reference
            configuration.catalog_fingerprint = fingerprint
            configuration.save()
            audit_event_record(
                app=app,
                actor=actor,
                action_type=BillingAuditAction.SYNC_PORTAL_CONFIGURATION,
                target_type="portal_configuration",
                target_id=configuration.pk,
                payload_snapshot={
                    "provider_configuration_id": reference,
                    "previous_provider_configuration_id": previous,
                    "prices": [price.price_reference for price in prices],
                },
            )
    except IntegrityError:
        # Another request made the row first, with the same provider configuration.
        return PortalConfiguration.objects.for_app(app).get()
    return configuration


def portal_session_create(
    *,
    app: App,
    actor: Actor,
    customer_id: str,
    return_url: str,
    request_key: str | None = None,
) -> PortalSession:
    """A link to the provider's portal for one customer; they come back to `return_url`."""
    customer = customer_at_provider(app=app, customer_id=customer_id)
    configuration = portal_configuration_ensure(app=app, actor=actor)
    try:
        result = provider_for(app=app).portal_session_create(
            PortalSessionRequest(
                idempotency_key=provider_idempotency_key(
                    app_id=app.pk,
                    request_key=request_key,
                    object_id=f"{customer.pk}:{secrets.token_hex(8)}",
                    operation="portal_session",
                ),
                customer_reference=customer.provider_customer_id,
                configuration_reference=configuration.provider_configuration_id,
                return_url=return_url,
            )
        )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    with transaction.atomic():
        # The URL signs the customer in: the audit trail keeps the session, not the link.
        audit_event_record(
            app=app,
            actor=actor,
            action_type=BillingAuditAction.CREATE_PORTAL_SESSION,
            target_type="customer",
            target_id=customer.pk,
            payload_snapshot={
                "portal_session": result.provider_reference,
                "return_url": return_url,
                "portal_configuration": configuration.pk,
            },
        )
    return PortalSession(
        id=result.provider_reference,
        customer_id=customer.pk,
        url=result.url,
        return_url=result.return_url,
        created_at=result.created,
    )
