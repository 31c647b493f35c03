"""Matching Stripe API paths to handler functions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from stripe_emulator.state import EmulatorState


@dataclass
class RequestContext:
    """What a handler needs to know about one API request."""

    state: EmulatorState
    method: str
    path: str
    params: dict[str, Any]
    api_key: str
    request_id: str
    idempotency_key: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # With a publishable key (Stripe.js): the client secret of the object the browser acts on.
    client_secret: str | None = None

    @property
    def publishable(self) -> bool:
        return self.api_key.startswith(("pk_test_", "pk_live_"))

    @property
    def expand(self) -> list[str]:
        value = self.params.get("expand") or []
        return [str(path) for path in value] if isinstance(value, list) else [str(value)]

    def respond(self, stored_object: dict[str, Any]) -> dict[str, Any]:
        return self.state.render(stored_object, self.expand)

    def list_response(self, stored_objects: list[dict[str, Any]], url: str) -> dict[str, Any]:
        return self.state.list_response(stored_objects, self.params, url, self.expand)


# A handler answers a body (status 200) or a (status, body) pair.
Handler = Callable[..., Any]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    # The path as registered ("/v1/customers/{customer_id}"): the key of its parameter definitions.
    template: str
    # Meter event streams authenticate with a session token instead of a secret key;
    # "client_secret" routes also take the publishable key with the object's client secret, as
    # Stripe.js calls them from the customer's browser.
    authentication: str = "secret_key"


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(
        self, method: str, path_template: str, handler: Handler, authentication: str = "secret_key"
    ) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path_template)
        self.routes.append(
            Route(method, re.compile(f"^{regex}$"), handler, path_template, authentication)
        )

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            if route.method != method:
                continue
            found = route.pattern.match(path)
            if found:
                return route, found.groupdict()
        return None
