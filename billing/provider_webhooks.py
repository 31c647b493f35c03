"""The webhook endpoint of the providers whose events do not go through dj-stripe:
`POST /webhooks/<provider>/`, for any provider in PAYMENT_PROVIDERS that declares
Capability.WEBHOOK_ENDPOINT. The provider verifies the event (400 otherwise); an event id seen
before answers 200 and runs nothing again; the provider says what the event changed, and the
payment services apply it, reading the payment's current state back from the provider, so
events in any order end in the same place. A provider outage while doing so answers 503, which
the provider retries; a refusal by the provider is logged and answered 200, as no retry of the
event can change it."""

import logging

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing.payments import payment_sync_from_webhook_change
from billing.providers.base import Capability, ProviderRequestError, ProviderUnavailableError
from billing.providers.registry import provider_class, provider_names
from billing.subscription_webhook_sync import subscription_sync_from_webhook_change
from tenants.actors import Actor, ActorType

logger = logging.getLogger(__name__)

# Providers retry an event for about three days; an id is remembered a little longer.
SEEN_EVENT_SECONDS = 4 * 86_400


def _seen_key(provider_name: str, event_id: str) -> str:
    return f"provider-webhook:{provider_name}:{event_id}"


@csrf_exempt
@require_POST
def provider_webhook_receive(request: HttpRequest, provider_name: str) -> HttpResponse:
    if provider_name not in provider_names():
        return HttpResponse("Unknown provider.", status=404)
    provider = provider_class(provider_name)(app=None)
    if Capability.WEBHOOK_ENDPOINT not in provider.capabilities:
        return HttpResponse("This provider's events have their own endpoint.", status=404)
    headers = {name.lower(): value for name, value in request.headers.items()}
    try:
        event = provider.parse_webhook(headers=headers, body=request.body, secret="")
    except ProviderRequestError as error:
        logger.warning("Refused a %s webhook: %s", provider_name, error.message)
        return HttpResponse(error.message, status=400)
    except ProviderUnavailableError:
        return HttpResponse("The provider could not verify the event; retry.", status=503)
    seen_key = _seen_key(provider_name, event.id)
    if event.id and cache.get(seen_key):
        return HttpResponse("Already processed.", status=200)
    actor = Actor(type=ActorType.SYSTEM, id=f"webhook:{provider_name}")
    try:
        change = provider.webhook_change(event)
        payment_sync_from_webhook_change(change=change, actor=actor)
        subscription_sync_from_webhook_change(change=change, actor=actor)
    except ProviderUnavailableError:
        return HttpResponse("The provider is unavailable; retry.", status=503)
    except ProviderRequestError as error:
        # The provider refused what the event asked of us (a capture it will not make): no
        # retry of the event can change that, so it is logged and answered 200.
        logger.warning("A %s event could not be applied: %s", provider_name, error.message)
    if event.id:
        cache.set(seen_key, event.type, SEEN_EVENT_SECONDS)
    return HttpResponse("Processed.", status=200)
