"""Outbound webhooks: our billing events, delivered to the endpoints each app registered.

Delivery is at least once: a receiver deduplicates by the event `id` in the body. A delivery is
one event on its way to one endpoint; each attempt first claims the row for CLAIM_SECONDS (so the
retry sweep leaves it alone), posts without holding a lock, then records the outcome and, on
failure, when the sweep should try again."""

import json
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from api.errors import ConflictError, ErrorCode, InvalidRequestError, NotFoundError
from audit.services import audit_event_record
from notifications.audit_actions import NotificationsAuditAction
from notifications.destinations import (
    DestinationRefusedError,
    destination_resolve,
    destination_session,
    literal_address_refusal,
)
from notifications.errors import NotificationsErrorCode
from notifications.event_types import ALL_EVENTS, APP_EVENT_TYPES, AppEventType
from notifications.models import (
    AppEvent,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
)
from notifications.signatures import (
    SIGNATURE_HEADER,
    WebhookSignatureError,
    signature_header_build,
    verify_signature,
)
from tenants.actors import Actor
from tenants.models import App

__all__ = [
    "WebhookSignatureError",
    "app_event_publish",
    "verify_signature",
    "webhook_deliveries_retry_due",
    "webhook_delivery_attempt",
    "webhook_delivery_redeliver",
    "webhook_endpoint_create",
    "webhook_endpoint_delete",
    "webhook_event_payload",
]

logger = logging.getLogger(__name__)

USER_AGENT = "payment-service-webhooks/1.0"
CONNECT_TIMEOUT_SECONDS = 3
READ_TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 8
# After attempt n the next waits 30 s × 2^(n-1), at most an hour: eight attempts span ~64 min.
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
# An attempt owns its delivery this long; longer than its timeouts plus a queue's lag, so the
# sweep only picks up attempts that were lost (a dead worker, an unreachable broker).
CLAIM_SECONDS = 120
RETRY_SWEEP_BATCH = 500
URL_MAX_LENGTH = 2000
# Every endpoint adds an HTTP request per event; Stripe allows 16 per account.
MAX_ENDPOINTS_PER_APP = 16
LAST_ERROR_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 100

_url_validator = URLValidator(schemes=["http", "https"])


# --- events ---------------------------------------------------------------------------------


def app_event_publish(*, app: App, event_type: AppEventType, data: dict[str, Any]) -> AppEvent:
    """Records an event of `app` and one delivery per active endpoint of that app subscribed to
    its type. Call it inside the transaction of the change it reports: the deliveries are sent
    after that transaction commits, and never if it rolls back. `data` may hold datetimes,
    decimals and UUIDs (they are sent as strings)."""
    if event_type not in APP_EVENT_TYPES:
        raise ValueError(
            f"Unknown app event type {event_type!r}: add it to notifications.event_types."
        )
    if not isinstance(data, dict):
        raise TypeError("app_event_publish: data must be a dict.")
    with transaction.atomic():
        event = AppEvent.objects.create(app=app, event_type=str(event_type), data=data)
        endpoints = (
            WebhookEndpoint.objects.for_app(app)
            .filter(is_active=True, deleted_at__isnull=True)
            .filter(
                Q(enabled_events__contains=[ALL_EVENTS])
                | Q(enabled_events__contains=[str(event_type)])
            )
        )
        claimed_until = timezone.now() + timedelta(seconds=CLAIM_SECONDS)
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(app=app, endpoint=endpoint, event=event, next_attempt_at=claimed_until)
            for endpoint in endpoints
        )
        for delivery in deliveries:
            _delivery_schedule(delivery_id=delivery.pk)
    return event


def webhook_event_payload(event: AppEvent) -> dict[str, Any]:
    """The JSON body of every delivery of `event`."""
    return {
        "id": event.pk,
        "type": event.event_type,
        "created": event.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "app_id": event.app_id,
        "data": event.data,
    }


# --- delivery -------------------------------------------------------------------------------


def _delivery_enqueue(delivery_id: str) -> None:
    from notifications.tasks import webhook_delivery_attempt as attempt_task

    attempt_task.delay(delivery_id=delivery_id)


def _delivery_schedule(*, delivery_id: str) -> None:
    # robust: a broker outage must not fail the caller's request after its commit; the retry
    # sweep picks the delivery up once its claim runs out.
    transaction.on_commit(partial(_delivery_enqueue, delivery_id), robust=True)


@dataclass(frozen=True, kw_only=True)
class _AttemptOutcome:
    succeeded: bool
    response_status: int | None = None
    error: str = ""


def _backoff(attempt_count: int) -> timedelta:
    return timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempt_count - 1, 0), BACKOFF_CAP_SECONDS)
    )


def _delivery_settle_failed(delivery: WebhookDelivery, *, error: str) -> None:
    delivery.status = WebhookDeliveryStatus.FAILED
    delivery.next_attempt_at = None
    delivery.last_error = error[:LAST_ERROR_MAX_LENGTH]
    delivery.save(update_fields=["status", "next_attempt_at", "last_error"])


def _delivery_claim(*, delivery_id: str) -> WebhookDelivery | None:
    with transaction.atomic():
        # Across tenants by design: the task only knows the delivery's id. The row binds the
        # endpoint and the event of one app, which is checked again below.
        delivery = (
            WebhookDelivery.objects.all_tenants()
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint", "event")
            .filter(pk=delivery_id, status=WebhookDeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return None  # settled already, or another attempt holds it
        endpoint, event = delivery.endpoint, delivery.event
        if not delivery.app_id == endpoint.app_id == event.app_id:
            logger.error("webhook delivery %s crosses apps; not sent", delivery.pk)
            _delivery_settle_failed(
                delivery, error="The endpoint and the event belong to different apps."
            )
            return None
        if not endpoint.is_active or endpoint.deleted_at is not None:
            _delivery_settle_failed(delivery, error="The endpoint was disabled or deleted.")
            return None
        delivery.attempt_count += 1
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=CLAIM_SECONDS)
        delivery.save(update_fields=["attempt_count", "next_attempt_at"])
        return delivery


def _private_destinations_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_DESTINATIONS", False))


def _short_reason(response: requests.Response) -> str:
    """The status line's reason, bounded and printable: never what the destination's body said,
    which a tenant could otherwise read back from any server it can point us at."""
    reason = "".join(c for c in (response.reason or "") if c.isprintable())
    return reason[:REASON_MAX_LENGTH]


def _delivery_post(delivery: WebhookDelivery) -> _AttemptOutcome:
    endpoint = delivery.endpoint
    try:
        destination = destination_resolve(
            endpoint.url, private_allowed=_private_destinations_allowed()
        )
    except DestinationRefusedError as error:
        return _AttemptOutcome(succeeded=False, error=str(error))
    body = json.dumps(
        webhook_event_payload(delivery.event), cls=DjangoJSONEncoder, separators=(",", ":")
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature_header_build(
            secret=endpoint.secret, body=body, timestamp=int(time.time())
        ),
    }
    try:
        with destination_session(destination) as session:
            response = session.post(
                endpoint.url,
                data=body,
                headers=headers,
                timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
                # A redirect could point anywhere, another app's host included: never follow.
                allow_redirects=False,
                stream=True,
            )
            with response:
                if 200 <= response.status_code < 300:
                    return _AttemptOutcome(succeeded=True, response_status=response.status_code)
                if response.is_redirect:
                    failure = f"HTTP {response.status_code}: redirects are not followed."
                else:
                    failure = f"HTTP {response.status_code}: {_short_reason(response)}".rstrip(": ")
                return _AttemptOutcome(
                    succeeded=False, response_status=response.status_code, error=failure
                )
    except Exception as error:  # every failure is recorded and retried, none escapes the task
        return _AttemptOutcome(succeeded=False, error=f"{error.__class__.__name__}: {error}")


def _delivery_record(*, delivery_id: str, outcome: _AttemptOutcome) -> WebhookDelivery:
    with transaction.atomic():
        delivery = WebhookDelivery.objects.all_tenants().select_for_update().get(pk=delivery_id)
        now = timezone.now()
        delivery.last_response_status = outcome.response_status
        delivery.last_error = outcome.error[:LAST_ERROR_MAX_LENGTH]
        if outcome.succeeded:
            delivery.status = WebhookDeliveryStatus.SUCCEEDED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
        elif (
            delivery.status == WebhookDeliveryStatus.PENDING
            and delivery.attempt_count < MAX_ATTEMPTS
        ):
            delivery.next_attempt_at = now + _backoff(delivery.attempt_count)
        else:
            delivery.status = WebhookDeliveryStatus.FAILED
            delivery.next_attempt_at = None
        delivery.save(
            update_fields=[
                "status",
                "attempt_count",
                "next_attempt_at",
                "last_response_status",
                "last_error",
                "delivered_at",
            ]
        )
    if not outcome.succeeded:
        logger.info(
            "webhook delivery %s attempt %s failed: %s",
            delivery.pk,
            delivery.attempt_count,
            delivery.last_error,
        )
    return delivery


def webhook_delivery_attempt(*, delivery_id: str) -> WebhookDelivery | None:
    """Posts the delivery's event to its endpoint once. Returns the delivery as recorded, or None
    when there was nothing to attempt (settled already, or another attempt holds it)."""
    delivery = _delivery_claim(delivery_id=delivery_id)
    if delivery is None:
        return None
    outcome = _delivery_post(delivery)
    return _delivery_record(delivery_id=delivery.pk, outcome=outcome)


def webhook_deliveries_retry_due(*, now: datetime | None = None) -> int:
    """The beat sweep, across all apps: queues an attempt for every pending delivery that is due
    (failed attempts waiting out their backoff, and attempts that were lost). Returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            WebhookDelivery.objects.all_tenants()
            .select_for_update(skip_locked=True)
            .filter(status=WebhookDeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:RETRY_SWEEP_BATCH]
        )
        WebhookDelivery.objects.all_tenants().filter(pk__in=due).update(
            next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS)
        )
        for delivery_id in due:
            _delivery_schedule(delivery_id=delivery_id)
    return len(due)


def webhook_delivery_redeliver(*, app: App, actor: Actor, delivery_id: str) -> WebhookDelivery:
    """Sends a delivery's event to its endpoint again, as a new delivery (the original keeps its
    outcome in the log)."""
    with transaction.atomic():
        original = (
            WebhookDelivery.objects.for_app(app)
            .select_related("endpoint", "event")
            .filter(pk=delivery_id)
            .first()
        )
        if original is None:
            raise NotFoundError("webhook delivery")
        endpoint = original.endpoint
        if not endpoint.is_active or endpoint.deleted_at is not None:
            raise ConflictError(
                "The webhook endpoint was disabled or deleted.",
                code=NotificationsErrorCode.WEBHOOK_ENDPOINT_INACTIVE,
            )
        delivery = WebhookDelivery.objects.create(
            app=app,
            endpoint=endpoint,
            event=original.event,
            next_attempt_at=timezone.now() + timedelta(seconds=CLAIM_SECONDS),
        )
        audit_event_record(
            app=app,
            actor=actor,
            action_type=NotificationsAuditAction.REDELIVER_WEBHOOK,
            target_type="webhook_delivery",
            target_id=original.pk,
            payload_snapshot={
                "delivery": original.pk,
                "redelivery": delivery.pk,
                "endpoint": endpoint.pk,
                "event": original.event_id,
                "event_type": original.event.event_type,
            },
        )
        _delivery_schedule(delivery_id=delivery.pk)
    return delivery


# --- endpoints ------------------------------------------------------------------------------


def webhook_endpoint_snapshot(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.pk,
        "url": endpoint.url,
        "description": endpoint.description,
        "enabled_events": endpoint.enabled_events,
        "metadata": endpoint.metadata,
        "is_active": endpoint.is_active,
    }


def _url_validated(url: str) -> str:
    if len(url) > URL_MAX_LENGTH:
        raise InvalidRequestError(
            f"url: Must be at most {URL_MAX_LENGTH} characters.",
            code=ErrorCode.PARAMETER_TOO_LONG,
            param="url",
        )
    try:
        _url_validator(url)
    except ValidationError:
        raise InvalidRequestError(
            "url: Must be an absolute http:// or https:// URL.",
            code=ErrorCode.PARAMETER_INVALID,
            param="url",
        ) from None
    refusal = literal_address_refusal(url, private_allowed=_private_destinations_allowed())
    if refusal is not None:
        message = (
            "url: Must point at a public address, not a private, loopback or reserved one. "
            + refusal
        )
        raise InvalidRequestError(message, code=ErrorCode.PARAMETER_INVALID, param="url")
    return url


def _enabled_events_validated(enabled_events: list[str]) -> list[str]:
    if not enabled_events:
        raise InvalidRequestError(
            'enabled_events: Name at least one event type, or "*" for all.',
            code=ErrorCode.PARAMETER_MISSING,
            param="enabled_events",
        )
    for event_type in enabled_events:
        if event_type != ALL_EVENTS and event_type not in APP_EVENT_TYPES:
            raise InvalidRequestError(
                f"enabled_events: Unknown event type {event_type!r}.",
                code=ErrorCode.PARAMETER_INVALID,
                param="enabled_events",
            )
    if ALL_EVENTS in enabled_events:
        return [ALL_EVENTS]
    return list(dict.fromkeys(enabled_events))


def _secret_new() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def webhook_endpoint_create(
    *,
    app: App,
    actor: Actor,
    url: str,
    enabled_events: list[str],
    description: str = "",
    metadata: dict[str, str] | None = None,
) -> WebhookEndpoint:
    """Registers an endpoint with a new signing secret. The returned endpoint's `secret` is the
    one moment to show it to the app."""
    url = _url_validated(url)
    enabled_events = _enabled_events_validated(enabled_events)
    with transaction.atomic():
        if WebhookEndpoint.objects.for_app(app).filter(deleted_at__isnull=True).count() >= (
            MAX_ENDPOINTS_PER_APP
        ):
            raise InvalidRequestError(
                f"An app may have at most {MAX_ENDPOINTS_PER_APP} webhook endpoints; delete one "
                "first.",
                code=NotificationsErrorCode.WEBHOOK_ENDPOINT_LIMIT_REACHED,
            )
        endpoint = WebhookEndpoint.objects.create(
            app=app,
            url=url,
            description=description,
            enabled_events=enabled_events,
            metadata=metadata or {},
            secret=_secret_new(),
        )
        audit_event_record(
            app=app,
            actor=actor,
            action_type=NotificationsAuditAction.CREATE_WEBHOOK_ENDPOINT,
            target_type="webhook_endpoint",
            target_id=endpoint.pk,
            payload_snapshot=webhook_endpoint_snapshot(endpoint),
        )
    return endpoint


def webhook_endpoint_delete(*, app: App, actor: Actor, endpoint_id: str) -> WebhookEndpoint:
    """Stops all deliveries to the endpoint, pending retries included. The endpoint stays in the
    database for the delivery log, invisible to the API."""
    with transaction.atomic():
        endpoint = (
            WebhookEndpoint.objects.for_app(app)
            .select_for_update()
            .filter(pk=endpoint_id, deleted_at__isnull=True)
            .first()
        )
        if endpoint is None:
            raise NotFoundError("webhook endpoint")
        endpoint.is_active = False
        endpoint.deleted_at = timezone.now()
        endpoint.save(update_fields=["is_active", "deleted_at"])
        abandoned = (
            WebhookDelivery.objects.for_app(app)
            .filter(endpoint=endpoint, status=WebhookDeliveryStatus.PENDING)
            .update(
                status=WebhookDeliveryStatus.FAILED,
                next_attempt_at=None,
                last_error="The endpoint was deleted.",
            )
        )
        audit_event_record(
            app=app,
            actor=actor,
            action_type=NotificationsAuditAction.DELETE_WEBHOOK_ENDPOINT,
            target_type="webhook_endpoint",
            target_id=endpoint.pk,
            payload_snapshot={
                **webhook_endpoint_snapshot(endpoint),
                "pending_deliveries_abandoned": abandoned,
            },
        )
    return endpoint
