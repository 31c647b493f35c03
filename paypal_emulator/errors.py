"""PayPal's error object: ``name``, ``message``, ``debug_id``, ``details[{issue, description,
field, location}]`` and ``links``, with the HTTP status PayPal answers for each name."""

from __future__ import annotations

import secrets
from typing import Any

_NAMES = {
    400: ("INVALID_REQUEST", "Request is not well-formed, syntactically incorrect, or violates schema."),
    401: ("AUTHENTICATION_FAILURE", "Authentication failed due to invalid authentication credentials or a missing Authorization header."),
    403: ("NOT_AUTHORIZED", "Authorization failed due to insufficient permissions."),
    404: ("RESOURCE_NOT_FOUND", "The specified resource does not exist."),
    422: ("UNPROCESSABLE_ENTITY", "The requested action could not be performed, semantically incorrect, or failed business validation."),
    429: ("RATE_LIMIT_REACHED", "Too many requests. Blocked due to rate limiting."),
    500: ("INTERNAL_SERVER_ERROR", "An internal server error has occurred."),
    503: ("SERVICE_UNAVAILABLE", "Service Unavailable."),
}  # fmt: skip


class PayPalApiError(Exception):
    def __init__(
        self,
        status: int,
        *,
        issue: str = "",
        description: str = "",
        field: str = "",
        location: str = "body",
        links: list[dict[str, str]] | None = None,
    ) -> None:
        name, message = _NAMES.get(status, _NAMES[500])
        super().__init__(f"{name}: {issue or message}")
        self.status = status
        self.name = name
        self.message = message
        self.issue = issue
        self.description = description
        self.field = field
        self.location = location
        self.links = links or []

    def to_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": self.name,
            "message": self.message,
            "debug_id": secrets.token_hex(7),
        }
        if self.issue:
            detail: dict[str, Any] = {"issue": self.issue, "description": self.description}
            if self.field:
                detail["field"] = self.field
                detail["location"] = self.location
            body["details"] = [detail]
        body["links"] = [
            {
                "href": f"https://developer.paypal.com/api/rest/reference/orders/v2/errors/#{self.issue or self.name}",
                "rel": "information_link",
                "method": "GET",
            },
            *self.links,
        ]
        return body


def invalid(field: str, issue: str, description: str) -> PayPalApiError:
    return PayPalApiError(400, issue=issue, description=description, field=field)


def unprocessable(issue: str, description: str, field: str = "", **kwargs: Any) -> PayPalApiError:
    return PayPalApiError(422, issue=issue, description=description, field=field, **kwargs)


def not_found(issue: str, description: str) -> PayPalApiError:
    return PayPalApiError(404, issue=issue, description=description)
