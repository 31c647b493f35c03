"""Keeping the emulator's account in a file, so that a restart loses nothing.

``python -m stripe_emulator --state-file PATH`` loads the file on start (when it exists) and
writes it again after every request that may change something (anything but ``GET``), under
the state's lock, so the file always holds a state some request left. It holds the objects
(customers, subscriptions, webhook endpoints with their secrets, events...), the clock's
offset, the test cards' behaviours, the meter events and the idempotency keys. Webhook
deliveries still queued when the process stops are not kept: Stripe's own retries are not
something the service may count on either.

The file is JSON; amounts kept as ``Decimal`` (meter aggregates) are written as
``{"__decimal__": "1.5"}``. Without ``--state-file`` nothing is written (the tests' default).
"""

from __future__ import annotations

import json
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stripe_emulator.state import EmulatorState

if TYPE_CHECKING:
    from stripe_emulator.api import StripeApi

STATE_FILE_VERSION = 1
PERSISTED_ATTRIBUTES = (
    "objects",
    "deleted_objects",
    "sequence",
    "clock_offset_seconds",
    "card_behaviours",
    "meter_events",
    "meter_event_identifiers",
    "meter_event_sessions",
)
DECIMAL_KEY = "__decimal__"


class StateFileError(Exception):
    """The state file exists but cannot be read back."""


def _encode_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {DECIMAL_KEY: str(value)}
    raise TypeError(f"The emulator cannot keep a {type(value).__name__} in its state file.")


def _decode_object(mapping: dict[str, Any]) -> Any:
    if set(mapping) == {DECIMAL_KEY}:
        return Decimal(mapping[DECIMAL_KEY])
    return mapping


def state_snapshot(state: EmulatorState, api: StripeApi) -> dict[str, Any]:
    """Everything a restarted emulator needs, as plain data (the caller holds the lock)."""
    snapshot: dict[str, Any] = {"version": STATE_FILE_VERSION}
    for name in PERSISTED_ATTRIBUTES:
        snapshot[name] = getattr(state, name)
    snapshot["idempotency_records"] = api.idempotency_records_snapshot()
    return snapshot


def state_restore(state: EmulatorState, api: StripeApi, snapshot: dict[str, Any]) -> None:
    if snapshot.get("version") != STATE_FILE_VERSION:
        raise StateFileError(f"Unknown state file version {snapshot.get('version')!r}.")
    with state.lock:
        state.reset()
        for name in PERSISTED_ATTRIBUTES:
            setattr(state, name, snapshot[name])
        api.idempotency_records_restore(snapshot["idempotency_records"])


class StateFile:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def load(self, state: EmulatorState, api: StripeApi) -> bool:
        """Restore the state from the file; False when there is no file yet."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return False
        try:
            snapshot = json.loads(text, object_hook=_decode_object)
        except json.JSONDecodeError as error:
            # Refuse rather than start empty: an empty emulator is what this file prevents.
            raise StateFileError(f"{self.path} is not a valid state file: {error}") from None
        state_restore(state, api, snapshot)
        return True

    def save(self, state: EmulatorState, api: StripeApi) -> None:
        """Write the state atomically: a crash mid-write leaves the previous file whole."""
        with state.lock:
            text = json.dumps(state_snapshot(state, api), default=_encode_value)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(
                dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
            )
            try:
                with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                    handle.write(text)
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
