"""The emulator's in-memory Stripe account: objects, clock, events and rendering.

Objects are stored as the JSON dicts Stripe would return, with references to other objects
kept as ids (Stripe's unexpanded form). Keys starting with an underscore are the emulator's own
bookkeeping and never leave the server. One re-entrant lock guards everything, so each API
request and each clock advance is atomic, like a Stripe request.
"""

from __future__ import annotations

import copy
import secrets
import string
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from stripe_emulator.errors import invalid_request_error, resource_missing_error
from stripe_emulator.parameters import optional_integer, optional_string

if TYPE_CHECKING:
    from stripe_emulator.webhooks import WebhookDispatcher

API_VERSION = "2026-08-26.dahlia"
ACCOUNT_ID = "acct_1EmulatorTestAcct00"
ID_ALPHABET = string.ascii_letters + string.digits

# Called with (state, rendered copy, stored object, top-level names asked for in expand[]) to
# add what Stripe computes or only includes on request (subscription items, price tiers...).
RenderHook = Callable[["EmulatorState", dict[str, Any], dict[str, Any], set[str]], dict[str, Any]]
RENDER_HOOKS: dict[str, RenderHook] = {}

MAXIMUM_EXPANSION_DEPTH = 4


def render_hook(object_type: str) -> Callable[[RenderHook], RenderHook]:
    def register(function: RenderHook) -> RenderHook:
        RENDER_HOOKS[object_type] = function
        return function

    return register


def random_token(length: int) -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(length))


# How long after it is received a meter event shows in the meter's summaries.
DEFAULT_METER_SUMMARY_LAG_SECONDS = 60


class EmulatorState:
    def __init__(
        self, *, meter_summary_lag_seconds: int = DEFAULT_METER_SUMMARY_LAG_SECONDS
    ) -> None:
        self.lock = threading.RLock()
        self.webhook_dispatcher: WebhookDispatcher | None = None
        # Stripe aggregates meter events asynchronously: a summary counts an event only this
        # long (clock time) after it was received. A setting of the server, kept across resets.
        self.meter_summary_lag_seconds = meter_summary_lag_seconds
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.objects: dict[str, dict[str, Any]] = {}
            self.deleted_objects: dict[str, dict[str, Any]] = {}
            self.sequence = 0
            self.clock_offset_seconds = 0
            # While the clock advances, work due at a past instant runs "at" that instant.
            self.frozen_time: int | None = None
            # Per-payment-method test behaviour, keyed by pm_ id (see payment_methods.py).
            self.card_behaviours: dict[str, str] = {}
            self.meter_events: list[dict[str, Any]] = []
            self.meter_event_identifiers: dict[str, int] = {}
            self.meter_event_sessions: dict[str, dict[str, Any]] = {}
            self.current_request_id: str | None = None
            self.current_idempotency_key: str | None = None
            self.account = self._build_account()

    # Clock -------------------------------------------------------------------------------

    def now(self) -> int:
        if self.frozen_time is not None:
            return self.frozen_time
        return int(time.time()) + self.clock_offset_seconds

    # Objects -----------------------------------------------------------------------------

    def new_id(self, prefix: str, length: int = 24) -> str:
        return f"{prefix}_{random_token(length)}"

    def insert(self, stored_object: dict[str, Any]) -> dict[str, Any]:
        self.sequence += 1
        stored_object["_sequence"] = self.sequence
        self.objects[stored_object["id"]] = stored_object
        return stored_object

    def find(self, object_id: Any, object_type: str) -> dict[str, Any] | None:
        if not isinstance(object_id, str):
            return None
        stored = self.objects.get(object_id)
        if stored is None or stored.get("object") != object_type:
            return None
        return stored

    def require(
        self, object_id: Any, object_type: str, *, label: str | None = None, param: str = "id"
    ) -> dict[str, Any]:
        stored = self.find(object_id, object_type)
        if stored is None:
            raise resource_missing_error(label or object_type, str(object_id), param)
        return stored

    def delete(self, object_id: str) -> dict[str, Any]:
        stored = self.objects.pop(object_id)
        stub = {"id": object_id, "object": stored["object"], "deleted": True}
        self.deleted_objects[object_id] = stub
        return stub

    def list_objects(
        self, object_type: str, predicate: Callable[[dict[str, Any]], bool] | None = None
    ) -> list[dict[str, Any]]:
        matching = [
            stored
            for stored in self.objects.values()
            if stored.get("object") == object_type and (predicate is None or predicate(stored))
        ]
        # Newest first, as every Stripe list is.
        matching.sort(key=lambda stored: stored["_sequence"], reverse=True)
        return matching

    # Rendering and expansion -------------------------------------------------------------

    def render(
        self, stored_object: dict[str, Any], expand: Iterable[str] = (), depth: int = 0
    ) -> dict[str, Any]:
        expand_paths = [path for path in expand if path]
        rendered = {
            key: copy.deepcopy(value)
            for key, value in stored_object.items()
            if not key.startswith("_")
        }
        hook = RENDER_HOOKS.get(stored_object.get("object", ""))
        if hook is not None:
            top_level_names = {path.split(".", 1)[0] for path in expand_paths}
            rendered = hook(self, rendered, stored_object, top_level_names)
        if depth < MAXIMUM_EXPANSION_DEPTH:
            for path in expand_paths:
                self._expand(rendered, path.split("."), depth + 1)
        return rendered

    def expand_rendered(self, rendered: dict[str, Any], path: str) -> None:
        """One `expand` path applied to an object rendered already."""
        if path:
            self._expand(rendered, path.split("."), 1)

    def _expand(self, container: Any, parts: list[str], depth: int) -> None:
        if not parts:
            return
        if isinstance(container, list):
            for element in container:
                self._expand(element, parts, depth)
            return
        if not isinstance(container, dict) or parts[0] not in container:
            return
        key, remaining = parts[0], parts[1:]
        value = container[key]
        remaining_path = [".".join(remaining)] if remaining else []
        if isinstance(value, str):
            target = self.objects.get(value) or self.deleted_objects.get(value)
            if target is not None:
                container[key] = self.render(target, remaining_path, depth)
            return
        if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
            container[key] = [
                self.render(self.objects[item], remaining_path, depth)
                if item in self.objects
                else item
                for item in value
            ]
            return
        self._expand(value, remaining, depth)

    def list_response(
        self,
        stored_objects: list[dict[str, Any]],
        params: dict[str, Any],
        url: str,
        expand: Iterable[str] = (),
        *,
        rendered_already: bool = False,
    ) -> dict[str, Any]:
        """Stripe's cursor pagination over a newest-first list."""
        limit = optional_integer(params, "limit")
        if limit is None:
            limit = 10
        if limit < 1 or limit > 100:
            raise invalid_request_error(
                "Invalid integer: limit must be between 1 and 100", param="limit"
            )
        starting_after = optional_string(params, "starting_after")
        ending_before = optional_string(params, "ending_before")
        identifiers = [stored["id"] for stored in stored_objects]
        if starting_after is not None:
            if starting_after not in identifiers:
                raise resource_missing_error("object", starting_after, "starting_after")
            start = identifiers.index(starting_after) + 1
            page = stored_objects[start : start + limit]
            has_more = start + limit < len(stored_objects)
        elif ending_before is not None:
            if ending_before not in identifiers:
                raise resource_missing_error("object", ending_before, "ending_before")
            end = identifiers.index(ending_before)
            page = stored_objects[max(0, end - limit) : end]
            has_more = end - limit > 0
        else:
            page = stored_objects[:limit]
            has_more = len(stored_objects) > limit
        item_expansions = [path[len("data.") :] for path in expand if path.startswith("data.")]
        data = page if rendered_already else [self.render(item, item_expansions) for item in page]
        return {"object": "list", "data": data, "has_more": has_more, "url": url}

    def embedded_list(self, stored_objects: list[dict[str, Any]], url: str) -> dict[str, Any]:
        """A list nested in another object (subscription items, invoice lines): first page."""
        data = [self.render(item) for item in stored_objects[:10]]
        return {
            "object": "list",
            "data": data,
            "has_more": len(stored_objects) > 10,
            "total_count": len(stored_objects),
            "url": url,
        }

    # Events ------------------------------------------------------------------------------

    def emit_event(
        self,
        event_type: str,
        stored_object: dict[str, Any],
        previous_attributes: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"object": self.render(stored_object)}
        if previous_attributes is not None:
            data["previous_attributes"] = copy.deepcopy(previous_attributes)
        endpoints = self.webhook_endpoints_for(event_type)
        event = self.insert(
            {
                "id": self.new_id("evt"),
                "object": "event",
                "api_version": API_VERSION,
                "created": self.now(),
                "data": data,
                "livemode": False,
                "pending_webhooks": len(endpoints),
                "request": {
                    "id": self.current_request_id,
                    "idempotency_key": self.current_idempotency_key,
                },
                "type": event_type,
            }
        )
        if self.webhook_dispatcher is not None and endpoints:
            self.webhook_dispatcher.enqueue(self.render(event), endpoints)
        return event

    def webhook_endpoints_for(self, event_type: str) -> list[dict[str, Any]]:
        return [
            endpoint
            for endpoint in self.list_objects("webhook_endpoint")
            if endpoint["status"] == "enabled"
            and ("*" in endpoint["enabled_events"] or event_type in endpoint["enabled_events"])
        ]

    # Account -----------------------------------------------------------------------------

    def _build_account(self) -> dict[str, Any]:
        return {
            "id": ACCOUNT_ID,
            "object": "account",
            "business_profile": {
                "annual_revenue": None,
                "estimated_worker_count": None,
                "mcc": "5734",
                "name": "Stripe Emulator",
                "product_description": None,
                "support_address": None,
                "support_email": None,
                "support_phone": None,
                "support_url": None,
                "url": None,
            },
            "business_type": "company",
            "capabilities": {"card_payments": "active", "transfers": "active"},
            "charges_enabled": True,
            "controller": {"type": "account"},
            "country": "US",
            "created": 1_700_000_000,
            "default_currency": "usd",
            "details_submitted": True,
            "email": "emulator@example.com",
            "future_requirements": {
                "alternatives": [],
                "current_deadline": None,
                "currently_due": [],
                "disabled_reason": None,
                "errors": [],
                "eventually_due": [],
                "past_due": [],
                "pending_verification": [],
            },
            "metadata": {},
            "payouts_enabled": True,
            "requirements": {
                "alternatives": [],
                "current_deadline": None,
                "currently_due": [],
                "disabled_reason": None,
                "errors": [],
                "eventually_due": [],
                "past_due": [],
                "pending_verification": [],
            },
            "settings": {
                "branding": {
                    "icon": None,
                    "logo": None,
                    "primary_color": None,
                    "secondary_color": None,
                },
                "card_payments": {
                    "decline_on": {"avs_failure": False, "cvc_failure": False},
                    "statement_descriptor_prefix": None,
                },
                "dashboard": {"display_name": "Stripe Emulator", "timezone": "Etc/UTC"},
                "payments": {
                    "statement_descriptor": "STRIPE EMULATOR",
                    "statement_descriptor_kana": None,
                    "statement_descriptor_kanji": None,
                },
                "payouts": {
                    "debit_negative_balances": True,
                    "schedule": {"delay_days": 2, "interval": "daily"},
                    "statement_descriptor": None,
                },
            },
            "tos_acceptance": {"date": 1_700_000_000, "ip": "127.0.0.1", "user_agent": None},
            "type": "standard",
        }


def previous_attributes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Stripe's ``data.previous_attributes``: the old values of what changed, nested hashes
    reduced to their changed keys."""
    changed: dict[str, Any] = {}
    for key, old_value in before.items():
        new_value = after.get(key)
        if old_value == new_value:
            continue
        if isinstance(old_value, dict) and isinstance(new_value, dict) and key != "metadata":
            changed[key] = previous_attributes(old_value, new_value)
        else:
            changed[key] = old_value
    if "metadata" in changed:
        # Stripe reports the old value of each changed metadata key ("" for added keys).
        old_metadata = before.get("metadata") or {}
        new_metadata = after.get("metadata") or {}
        changed["metadata"] = {
            key: old_metadata.get(key, "")
            for key in set(old_metadata) | set(new_metadata)
            if old_metadata.get(key) != new_metadata.get(key)
        }
    return changed
