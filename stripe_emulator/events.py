"""Events and webhook endpoints."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from stripe_emulator.errors import invalid_request_error, missing_parameter_error
from stripe_emulator.parameters import (
    merged_metadata,
    optional_boolean,
    optional_string,
    required_string,
    string_list,
    timestamp_filter_matches,
)
from stripe_emulator.routing import RequestContext, Router
from stripe_emulator.state import EmulatorState, random_token


def _event_type_matches(event_type: str, pattern: str) -> bool:
    # Stripe accepts "invoice.*" wildcards in the type filter.
    if pattern.endswith("*"):
        return event_type.startswith(pattern[:-1])
    return event_type == pattern


def _event_list(context: RequestContext) -> dict[str, Any]:
    params = context.params
    event_type = optional_string(params, "type")
    event_types = string_list(params, "types")
    created = params.get("created")
    events = context.state.list_objects(
        "event",
        lambda event: (
            (event_type is None or _event_type_matches(event["type"], event_type))
            and (not event_types or any(_event_type_matches(event["type"], t) for t in event_types))
            and timestamp_filter_matches(event["created"], created)
        ),
    )
    return context.list_response(events, "/v1/events")


def _event_retrieve(context: RequestContext, event_id: str) -> dict[str, Any]:
    return context.respond(context.state.require(event_id, "event"))


# Webhook endpoints ---------------------------------------------------------------------------


def _validated_url(params: dict[str, Any]) -> str:
    url = required_string(params, "url")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise invalid_request_error("Invalid URL: must be an absolute http(s) URL", param="url")
    return url


def webhook_endpoint_create(
    state: EmulatorState,
    *,
    url: str,
    enabled_events: list[str],
    secret: str | None = None,
    description: str | None = None,
    metadata: dict[str, str] | None = None,
    api_version: str | None = None,
) -> dict[str, Any]:
    return state.insert(
        {
            "id": state.new_id("we"),
            "object": "webhook_endpoint",
            "api_version": api_version,
            "application": None,
            "created": state.now(),
            "description": description,
            "enabled_events": enabled_events,
            "livemode": False,
            "metadata": metadata or {},
            "status": "enabled",
            "url": url,
            # Stripe shows the secret only in the creation response.
            "_secret": secret or "whsec_" + random_token(32),
        }
    )


def _webhook_endpoint_create(context: RequestContext) -> dict[str, Any]:
    params = context.params
    url = _validated_url(params)
    enabled_events = string_list(params, "enabled_events")
    if not enabled_events:
        raise missing_parameter_error("enabled_events")
    endpoint = webhook_endpoint_create(
        context.state,
        url=url,
        enabled_events=enabled_events,
        description=optional_string(params, "description"),
        metadata=merged_metadata({}, params),
        api_version=optional_string(params, "api_version"),
    )
    rendered = context.respond(endpoint)
    rendered["secret"] = endpoint["_secret"]
    return rendered


def _webhook_endpoint_retrieve(context: RequestContext, endpoint_id: str) -> dict[str, Any]:
    return context.respond(
        context.state.require(endpoint_id, "webhook_endpoint", label="webhook endpoint")
    )


def _webhook_endpoint_update(context: RequestContext, endpoint_id: str) -> dict[str, Any]:
    params = context.params
    endpoint = context.state.require(endpoint_id, "webhook_endpoint", label="webhook endpoint")
    if "url" in params:
        endpoint["url"] = _validated_url(params)
    if "enabled_events" in params:
        enabled_events = string_list(params, "enabled_events")
        if not enabled_events:
            raise missing_parameter_error("enabled_events")
        endpoint["enabled_events"] = enabled_events
    if "description" in params:
        endpoint["description"] = optional_string(params, "description")
    disabled = optional_boolean(params, "disabled")
    if disabled is not None:
        endpoint["status"] = "disabled" if disabled else "enabled"
    endpoint["metadata"] = merged_metadata(endpoint["metadata"], params)
    return context.respond(endpoint)


def _webhook_endpoint_delete(context: RequestContext, endpoint_id: str) -> dict[str, Any]:
    context.state.require(endpoint_id, "webhook_endpoint", label="webhook endpoint")
    return context.state.delete(endpoint_id)


def _webhook_endpoint_list(context: RequestContext) -> dict[str, Any]:
    return context.list_response(
        context.state.list_objects("webhook_endpoint"), "/v1/webhook_endpoints"
    )


def register_routes(router: Router) -> None:
    router.add("GET", "/v1/events", _event_list)
    router.add("GET", "/v1/events/{event_id}", _event_retrieve)
    router.add("POST", "/v1/webhook_endpoints", _webhook_endpoint_create)
    router.add("GET", "/v1/webhook_endpoints", _webhook_endpoint_list)
    router.add("GET", "/v1/webhook_endpoints/{endpoint_id}", _webhook_endpoint_retrieve)
    router.add("POST", "/v1/webhook_endpoints/{endpoint_id}", _webhook_endpoint_update)
    router.add("DELETE", "/v1/webhook_endpoints/{endpoint_id}", _webhook_endpoint_delete)
