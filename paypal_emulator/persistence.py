"""Keeping the emulator's account in a file, so that a restart loses nothing.

``python -m paypal_emulator --state-file PATH`` loads the file on start (when it exists) and
writes it again after every request that may change something (anything but ``GET``, and the
approval page's form posts), under the state's lock, so the file always holds a state some
request left.

What is kept is the whole state container, :class:`~paypal_emulator.api.PayPalApi`: every
collection (``dict`` or ``list`` attribute) ``reset()`` makes — the tokens handed out, orders,
captures, refunds, webhook listeners, events, the PayPal-Request-Id replays, and whatever
collection is added there later — plus the webhook signing key, so an event signed before the
restart still verifies after it, and the clock's offset. Only the test controls are not kept: injected faults and the
request log (``TRANSIENT_ATTRIBUTES``). Webhook deliveries still queued when the process stops
are lost, as PayPal's own retries are nothing the service may count on either.

The file is JSON; what JSON cannot hold is tagged: tuples ``{"__tuple__": [...]}``, bytes
``{"__bytes__": "<base64>"}`` and mappings whose keys are not strings
``{"__items__": [[key, value], ...]}``. Without ``--state-file`` nothing is written (the
tests' default).
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paypal_emulator.api import PayPalApi

STATE_FILE_VERSION = 1
# The test controls: never part of the account.
TRANSIENT_ATTRIBUTES = frozenset({"faults", "request_log"})
# Kept although not collections: the key the emulator signs webhooks with, and how far its
# clock has been moved on (subscriptions' billing cycles run by it).
KEPT_SCALARS = ("signing_key", "clock_offset")
_TUPLE, _BYTES, _ITEMS = "__tuple__", "__bytes__", "__items__"


class StateFileError(Exception):
    """The state file exists but cannot be read back."""


def state_attribute_names(api: PayPalApi) -> list[str]:
    """The state container's collections, found rather than listed, so a collection added
    to ``PayPalApi.reset()`` is kept without touching this module."""
    return sorted(
        name
        for name, value in vars(api).items()
        if isinstance(value, dict | list) and name not in TRANSIENT_ATTRIBUTES
    )


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {key: _encode(item) for key, item in value.items()}
        return {_ITEMS: [[_encode(key), _encode(item)] for key, item in value.items()]}
    if isinstance(value, tuple):
        return {_TUPLE: [_encode(item) for item in value]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, bytes):
        return {_BYTES: base64.b64encode(value).decode()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"The emulator cannot keep a {type(value).__name__} in its state file.")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {_TUPLE}:
        return tuple(_decode(item) for item in value[_TUPLE])
    if set(value) == {_BYTES}:
        return base64.b64decode(value[_BYTES])
    if set(value) == {_ITEMS}:
        return {_freeze(_decode(key)): _decode(item) for key, item in value[_ITEMS]}
    return {key: _decode(item) for key, item in value.items()}


def _freeze(key: Any) -> Any:
    return tuple(_freeze(part) for part in key) if isinstance(key, list | tuple) else key


def state_snapshot(api: PayPalApi) -> dict[str, Any]:
    """Everything a restarted emulator needs, as plain data."""
    with api.lock:
        snapshot: dict[str, Any] = {"version": STATE_FILE_VERSION}
        for name in (*state_attribute_names(api), *KEPT_SCALARS):
            snapshot[name] = _encode(getattr(api, name))
        return snapshot


def state_restore(api: PayPalApi, snapshot: dict[str, Any]) -> None:
    if snapshot.get("version") != STATE_FILE_VERSION:
        raise StateFileError(f"Unknown state file version {snapshot.get('version')!r}.")
    with api.lock:
        # A collection the file lacks (one added since it was written) starts as reset()
        # makes it; every one it holds is restored.
        api.reset()
        for name, value in snapshot.items():
            if name != "version" and name not in TRANSIENT_ATTRIBUTES:
                setattr(api, name, _decode(value))


class StateFile:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def load(self, api: PayPalApi) -> bool:
        """Restore the state from the file; False when there is no file yet."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return False
        try:
            snapshot = json.loads(text)
        except json.JSONDecodeError as error:
            # Refuse rather than start empty: an empty emulator is what this file prevents.
            raise StateFileError(f"{self.path} is not a valid state file: {error}") from None
        if not isinstance(snapshot, dict):
            raise StateFileError(f"{self.path} is not a valid state file.")
        state_restore(api, snapshot)
        return True

    def save(self, api: PayPalApi) -> None:
        """Write the state atomically: a crash mid-write leaves the previous file whole."""
        with api.lock:
            text = json.dumps(state_snapshot(api))
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
