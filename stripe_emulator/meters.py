"""Billing meters, meter events (v1 and the v2 session/stream API) and usage summaries."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from stripe_emulator.errors import (
    StripeApiError,
    invalid_request_error,
    missing_parameter_error,
)
from stripe_emulator.parameters import (
    optional_hash,
    optional_integer,
    optional_string,
    required_integer,
    required_string,
)
from stripe_emulator.routing import RequestContext, Router
from stripe_emulator.state import EmulatorState, previous_attributes, random_token

AGGREGATION_FORMULAS = ("sum", "count", "last")
IDENTIFIER_RETENTION_SECONDS = 24 * 60 * 60
MAXIMUM_EVENT_AGE_SECONDS = 35 * 24 * 60 * 60
MAXIMUM_EVENT_FUTURE_SECONDS = 5 * 60
METER_EVENT_SESSION_SECONDS = 15 * 60
MAXIMUM_STREAM_EVENTS = 100
GROUPING_WINDOW_SECONDS = {"hour": 3600, "day": 86400}


def iso_timestamp(unix_seconds: int) -> str:
    moment = datetime.datetime.fromtimestamp(unix_seconds, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def parse_iso_timestamp(value: str, param: str) -> int:
    try:
        return int(datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        raise invalid_request_error(f"Invalid timestamp: {value}", param=param) from None


# Meters --------------------------------------------------------------------------------------


def _meter_create(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    display_name = required_string(params, "display_name")
    event_name = required_string(params, "event_name")
    aggregation = optional_hash(params, "default_aggregation")
    if aggregation is None:
        raise missing_parameter_error("default_aggregation")
    formula = optional_string(aggregation, "formula")
    if formula not in AGGREGATION_FORMULAS:
        raise invalid_request_error(
            "Invalid default_aggregation[formula]: must be one of sum, count, or last",
            param="default_aggregation[formula]",
        )
    if state.list_objects(
        "billing.meter",
        lambda meter: meter["event_name"] == event_name and meter["status"] == "active",
    ):
        raise invalid_request_error(
            f"An active meter with event_name `{event_name}` already exists.",
            param="event_name",
        )
    customer_mapping = optional_hash(params, "customer_mapping") or {}
    value_settings = optional_hash(params, "value_settings") or {}
    meter = state.insert(
        {
            "id": state.new_id("mtr"),
            "object": "billing.meter",
            "created": state.now(),
            "customer_mapping": {
                "event_payload_key": customer_mapping.get("event_payload_key")
                or "stripe_customer_id",
                "type": customer_mapping.get("type") or "by_id",
            },
            "default_aggregation": {"formula": formula},
            "display_name": display_name,
            "event_name": event_name,
            "event_time_window": optional_string(params, "event_time_window"),
            "livemode": False,
            "status": "active",
            "status_transitions": {"deactivated_at": None},
            "updated": state.now(),
            "value_settings": {
                "event_payload_key": value_settings.get("event_payload_key") or "value"
            },
        }
    )
    state.emit_event("billing.meter.created", meter)
    return context.respond(meter)


def _meter_retrieve(context: RequestContext, meter_id: str) -> dict[str, Any]:
    return context.respond(context.state.require(meter_id, "billing.meter", label="billing meter"))


def _meter_update(context: RequestContext, meter_id: str) -> dict[str, Any]:
    state = context.state
    meter = state.require(meter_id, "billing.meter", label="billing meter")
    before = state.render(meter)
    if "display_name" in context.params:
        meter["display_name"] = required_string(context.params, "display_name")
    changes = previous_attributes(before, state.render(meter))
    if changes:
        meter["updated"] = state.now()
        state.emit_event("billing.meter.updated", meter, changes)
    return context.respond(meter)


def _meter_set_status(context: RequestContext, meter_id: str, status: str) -> dict[str, Any]:
    state = context.state
    meter = state.require(meter_id, "billing.meter", label="billing meter")
    if meter["status"] == status:
        raise invalid_request_error(f"This meter is already {status}.")
    before = state.render(meter)
    meter["status"] = status
    meter["status_transitions"]["deactivated_at"] = state.now() if status == "inactive" else None
    meter["updated"] = state.now()
    event_type = (
        "billing.meter.deactivated" if status == "inactive" else "billing.meter.reactivated"
    )
    state.emit_event(event_type, meter, previous_attributes(before, state.render(meter)))
    return context.respond(meter)


def _meter_deactivate(context: RequestContext, meter_id: str) -> dict[str, Any]:
    return _meter_set_status(context, meter_id, "inactive")


def _meter_reactivate(context: RequestContext, meter_id: str) -> dict[str, Any]:
    return _meter_set_status(context, meter_id, "active")


def _meter_list(context: RequestContext) -> dict[str, Any]:
    status = optional_string(context.params, "status")
    meters = context.state.list_objects(
        "billing.meter", lambda meter: status is None or meter["status"] == status
    )
    return context.list_response(meters, "/v1/billing/meters")


# Meter events --------------------------------------------------------------------------------


def meter_event_record(
    state: EmulatorState,
    *,
    event_name: str,
    payload: dict[str, Any],
    identifier: str | None,
    timestamp: int | None,
    param_prefix: str = "",
) -> dict[str, Any]:
    """Validate and store one usage event; raises Stripe's 400 for what Stripe rejects."""
    now = state.now()
    meter = next(
        iter(
            state.list_objects(
                "billing.meter",
                lambda candidate: (
                    candidate["event_name"] == event_name and candidate["status"] == "active"
                ),
            )
        ),
        None,
    )
    if meter is None:
        raise invalid_request_error(
            f"No active meter was found with event_name `{event_name}`.",
            param=f"{param_prefix}event_name",
            code="resource_missing",
        )
    customer_key = meter["customer_mapping"]["event_payload_key"]
    value_key = meter["value_settings"]["event_payload_key"]
    if not payload.get(customer_key):
        raise missing_parameter_error(f"{param_prefix}payload[{customer_key}]")
    if meter["default_aggregation"]["formula"] != "count" or value_key in payload:
        raw_value = payload.get(value_key)
        if raw_value is None or raw_value == "":
            raise missing_parameter_error(f"{param_prefix}payload[{value_key}]")
        try:
            Decimal(str(raw_value))
        except InvalidOperation:
            raise invalid_request_error(
                f"The value of payload[{value_key}] must be a number.",
                param=f"{param_prefix}payload[{value_key}]",
            ) from None
    # The window is the customer's own time: a customer on a test clock lives at its clock's.
    customer_now = _customer_now(state, payload[customer_key], now)
    event_time = customer_now if timestamp is None else timestamp
    if event_time < customer_now - MAXIMUM_EVENT_AGE_SECONDS:
        raise invalid_request_error(
            "Timestamp must be within the past 35 calendar days.",
            param=f"{param_prefix}timestamp",
        )
    if event_time > customer_now + MAXIMUM_EVENT_FUTURE_SECONDS:
        raise invalid_request_error(
            "Timestamp must not be more than 5 minutes in the future.",
            param=f"{param_prefix}timestamp",
        )
    if identifier is None:
        identifier = random_token(24)
    first_seen = state.meter_event_identifiers.get(identifier)
    if first_seen is not None and now - first_seen < IDENTIFIER_RETENTION_SECONDS:
        raise invalid_request_error(
            f"An event with identifier `{identifier}` already exists.",
            param=f"{param_prefix}identifier",
            code="resource_already_exists",
        )
    state.meter_event_identifiers[identifier] = now
    event = {
        "object": "billing.meter_event",
        "created": now,
        "event_name": event_name,
        "identifier": identifier,
        "livemode": False,
        "payload": {key: str(value) for key, value in payload.items()},
        "timestamp": event_time,
    }
    state.meter_events.append(event)
    return event


def _customer_now(state: EmulatorState, customer_id: Any, now: int) -> int:
    customer = state.objects.get(customer_id) if isinstance(customer_id, str) else None
    if customer is None or customer.get("object") != "customer":
        return now
    clock = state.objects.get(customer.get("test_clock") or "")
    return int(clock["frozen_time"]) if clock is not None else now


def _meter_event_create(context: RequestContext) -> dict[str, Any]:
    params = context.params
    payload = optional_hash(params, "payload")
    event_name = required_string(params, "event_name")
    if payload is None:
        raise missing_parameter_error("payload")
    event = meter_event_record(
        context.state,
        event_name=event_name,
        payload=payload,
        identifier=optional_string(params, "identifier"),
        timestamp=optional_integer(params, "timestamp"),
    )
    return dict(event)


def meter_aggregate(
    state: EmulatorState,
    meter: dict[str, Any],
    customer_id: str,
    start: int,
    end: int,
    *,
    received_by: int | None = None,
) -> Decimal:
    """The meter's value for one customer over ``[start, end)``, counting only the events
    received by ``received_by`` when given (what Stripe has aggregated so far)."""
    customer_key = meter["customer_mapping"]["event_payload_key"]
    value_key = meter["value_settings"]["event_payload_key"]
    matching = [
        event
        for event in state.meter_events
        if event["event_name"] == meter["event_name"]
        and event["payload"].get(customer_key) == customer_id
        and start <= event["timestamp"] < end
        and (received_by is None or event["created"] <= received_by)
    ]
    formula = meter["default_aggregation"]["formula"]
    if formula == "count":
        return Decimal(len(matching))
    if formula == "last":
        if not matching:
            return Decimal(0)
        # Ties on timestamp go to the event received last.
        _, latest = max(enumerate(matching), key=lambda pair: (pair[1]["timestamp"], pair[0]))
        return Decimal(latest["payload"][value_key])
    return sum((Decimal(event["payload"][value_key]) for event in matching), Decimal(0))


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _meter_event_summaries(context: RequestContext, meter_id: str) -> dict[str, Any]:
    state, params = context.state, context.params
    meter = state.require(meter_id, "billing.meter", label="billing meter")
    customer_id = required_string(params, "customer")
    start_time = required_integer(params, "start_time")
    end_time = required_integer(params, "end_time")
    if start_time % 60 or end_time % 60:
        raise invalid_request_error(
            "start_time and end_time must be aligned to minute boundaries.", param="start_time"
        )
    if end_time <= start_time:
        raise invalid_request_error("end_time must be after start_time.", param="end_time")
    window = optional_string(params, "value_grouping_window")
    if window is None:
        windows = [(start_time, end_time)]
    elif window in GROUPING_WINDOW_SECONDS:
        size = GROUPING_WINDOW_SECONDS[window]
        if start_time % size or end_time % size:
            raise invalid_request_error(
                f"start_time and end_time must be aligned to {window} boundaries.",
                param="start_time",
            )
        windows = [
            (begin, min(begin + size, end_time)) for begin in range(start_time, end_time, size)
        ]
    else:
        raise invalid_request_error(
            "Invalid value_grouping_window: must be one of day or hour",
            param="value_grouping_window",
        )
    # Summaries lag behind accepted events, as Stripe's do.
    aggregated_by = state.now() - state.meter_summary_lag_seconds
    summaries = [
        {
            "id": f"mtrusg_{meter_id}_{begin}",
            "object": "billing.meter_event_summary",
            "aggregated_value": _number(
                meter_aggregate(state, meter, customer_id, begin, finish, received_by=aggregated_by)
            ),
            "end_time": finish,
            "livemode": False,
            "meter": meter_id,
            "start_time": begin,
        }
        for begin, finish in windows
    ]
    # Summaries are computed, not stored: paginate them in chronological order.
    return state.list_response(
        summaries,
        params,
        f"/v1/billing/meters/{meter_id}/event_summaries",
        rendered_already=True,
    )


# v2: meter event sessions and streams --------------------------------------------------------


def _meter_event_session_create(context: RequestContext) -> dict[str, Any]:
    state = context.state
    now = state.now()
    session: dict[str, Any] = {
        "id": state.new_id("mes"),
        "object": "v2.billing.meter_event_session",
        "authentication_token": "mes_tok_" + random_token(40),
        "created": iso_timestamp(now),
        "expires_at": iso_timestamp(now + METER_EVENT_SESSION_SECONDS),
        "livemode": False,
    }
    state.meter_event_sessions[session["authentication_token"]] = {
        "session": session,
        "expires_at": now + METER_EVENT_SESSION_SECONDS,
    }
    return dict(session)


def require_meter_event_session(state: EmulatorState, token: str) -> None:
    with state.lock:
        session = state.meter_event_sessions.get(token)
        if session is None:
            raise StripeApiError(
                http_status=401,
                error_type="invalid_request_error",
                message="Invalid meter event session token provided.",
                code="invalid_api_key",
            )
        if state.now() >= session["expires_at"]:
            raise StripeApiError(
                http_status=401,
                error_type="temporary_session_expired",
                code="billing_meter_event_session_expired",
                message="The meter event session has expired. Create a new session.",
            )


def _v2_event_fields(raw: Any, position: int) -> dict[str, Any]:
    prefix = f"events[{position}]."
    if not isinstance(raw, dict):
        raise invalid_request_error("Each event must be an object.", param=f"events[{position}]")
    event_name = raw.get("event_name")
    payload = raw.get("payload")
    if not event_name:
        raise missing_parameter_error(prefix + "event_name")
    if not isinstance(payload, dict):
        raise missing_parameter_error(prefix + "payload")
    timestamp = raw.get("timestamp")
    return {
        "event_name": str(event_name),
        "payload": payload,
        "identifier": raw.get("identifier"),
        "timestamp": parse_iso_timestamp(timestamp, prefix + "timestamp") if timestamp else None,
        "param_prefix": prefix,
    }


def _meter_event_stream_create(context: RequestContext) -> tuple[int, dict[str, Any]]:
    events = context.params.get("events")
    if not isinstance(events, list) or not events:
        raise missing_parameter_error("events")
    if len(events) > MAXIMUM_STREAM_EVENTS:
        raise invalid_request_error(
            f"A request may contain at most {MAXIMUM_STREAM_EVENTS} events.", param="events"
        )
    # Stripe validates stream events asynchronously and reports bad ones through
    # v1.billing.meter.error_report_triggered; here valid events are kept and invalid ones are
    # dropped, while a malformed envelope still fails the whole call.
    parsed = [_v2_event_fields(raw, position) for position, raw in enumerate(events)]
    for fields in parsed:
        try:
            meter_event_record(context.state, **fields)
        except StripeApiError:
            continue
    return 202, {}


def _v2_meter_event_create(context: RequestContext) -> dict[str, Any]:
    fields = _v2_event_fields(context.params, 0)
    fields["param_prefix"] = ""
    event = meter_event_record(context.state, **fields)
    return {
        "object": "v2.billing.meter_event",
        "created": iso_timestamp(event["created"]),
        "event_name": event["event_name"],
        "identifier": event["identifier"],
        "livemode": False,
        "payload": event["payload"],
        "timestamp": iso_timestamp(event["timestamp"]),
    }


def register_routes(router: Router) -> None:
    router.add("POST", "/v1/billing/meters", _meter_create)
    router.add("GET", "/v1/billing/meters", _meter_list)
    router.add("GET", "/v1/billing/meters/{meter_id}", _meter_retrieve)
    router.add("POST", "/v1/billing/meters/{meter_id}", _meter_update)
    router.add("POST", "/v1/billing/meters/{meter_id}/deactivate", _meter_deactivate)
    router.add("POST", "/v1/billing/meters/{meter_id}/reactivate", _meter_reactivate)
    router.add("GET", "/v1/billing/meters/{meter_id}/event_summaries", _meter_event_summaries)
    router.add("POST", "/v1/billing/meter_events", _meter_event_create)
    router.add("POST", "/v2/billing/meter_event_session", _meter_event_session_create)
    router.add("POST", "/v2/billing/meter_events", _v2_meter_event_create)
    router.add(
        "POST",
        "/v2/billing/meter_event_stream",
        _meter_event_stream_create,
        authentication="meter_event_session",
    )
