from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


class AppApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]  # drf-spectacular is untyped
    target_class = "tenants.authentication.AppApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An app's API key, e.g. `Authorization: Bearer psk_test_…`.",
        }


class PublicAutoSchema(AutoSchema):
    """Descriptions come only from `extend_schema(description=…)`: the viewsets' docstrings
    are written for us, not for the apps that code against the API."""

    def get_description(self) -> str:  # type: ignore[override]  # drf-spectacular drops DRF's arguments
        return ""


_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["type", "code", "message", "param"],
            "properties": {
                "type": {
                    "type": "string",
                    "enum": [
                        "invalid_request_error",
                        "authentication_error",
                        "permission_error",
                        "not_found",
                        "idempotency_error",
                        "conflict",
                        "rate_limit_error",
                        "provider_error",
                        "card_error",
                        "api_error",
                    ],
                },
                "code": {"type": "string"},
                "message": {"type": "string"},
                "param": {"type": "string", "nullable": True},
                "decline_code": {"type": "string"},
                "subscription": {
                    "type": "string",
                    "description": "With `customer_has_subscription`: the id of the "
                    "customer's live subscription.",
                },
            },
        }
    },
}
_DELETED_SCHEMA = {
    "type": "object",
    "required": ["id", "object", "deleted"],
    "properties": {
        "id": {"type": "string"},
        "object": {"type": "string"},
        "deleted": {"type": "boolean", "enum": [True]},
    },
}
# What any /v1/ operation may answer besides its success (API.md, "Conventions").
_ERROR_STATUSES = {
    "400": "Bad input: a missing, unknown or invalid parameter, or a body that is not JSON.",
    "401": "Missing or invalid API key.",
    "403": "The key may not do that.",
    "404": "No such object, or it belongs to another app.",
    "405": "The route does not take this method.",
    "406": "The Accept header asks for something other than JSON.",
    "409": "A conflict, or an Idempotency-Key reused or still in progress.",
    "413": "The request body is too large.",
    "415": "The body is not JSON.",
    "429": "Rate limited; see Retry-After.",
    "502": "The payment provider is unavailable.",
    "503": "The database connection was lost; retry after Retry-After (a write with the same "
    "Idempotency-Key).",
}
_WRITE_ERROR_STATUSES = {"402": "The card was declined; see decline_code."}
_RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}
_IDEMPOTENCY_KEY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
    "description": "Replays the first response to a retried request with the same key and "
    "body (kept at least 24 h); the same key with another body answers 409.",
}
_WRITES = {"post", "put", "patch", "delete"}


def _is_array(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("type") == "array")


def api_postprocessing_hook(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Makes the schema tell the truth in one place rather than route by route: lists are
    `{"object": "list", "data": [...], "has_more": …}`, every operation documents the error
    shape under each status it can answer, writes take `Idempotency-Key`, and a DELETE
    answers 200 with the deleted object's id."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = _ERROR_SCHEMA
    components["DeletedObject"] = _DELETED_SCHEMA
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            ok = responses.get("200")
            if method == "get" and ok and _is_array(ok):
                items = ok["content"]["application/json"]["schema"]
                ok["content"]["application/json"]["schema"] = {
                    "type": "object",
                    "required": ["object", "data", "has_more"],
                    "properties": {
                        "object": {"type": "string", "enum": ["list"]},
                        "data": items,
                        "has_more": {"type": "boolean"},
                    },
                }
            if method == "delete" and "204" in responses:
                del responses["204"]
                responses["200"] = {
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/DeletedObject"}
                        }
                    },
                    "description": "The object was deleted.",
                }
            statuses = dict(_ERROR_STATUSES)
            if method in _WRITES:
                statuses.update(_WRITE_ERROR_STATUSES)
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                    parameters.append(_IDEMPOTENCY_KEY_PARAMETER)
            for status, description in statuses.items():
                responses.setdefault(
                    status,
                    {
                        "content": {"application/json": {"schema": _ERROR_REF}},
                        "description": description,
                        **({"headers": _RETRY_AFTER} if status in ("429", "503") else {}),
                    },
                )
    return result
