"""The OpenAPI schema tells generated clients the truth (issue item 6)."""

from typing import Any

import pytest
from django.urls import get_resolver
from rest_framework.test import APIClient

WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture
def schema(anonymous_client: APIClient, db: Any) -> dict[str, Any]:
    return anonymous_client.get("/api/schema/?format=json").json()


def _v1_operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, operations in schema["paths"].items()
        if path.startswith("/v1/")
        for method, operation in operations.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _json_schema(response: dict[str, Any]) -> dict[str, Any]:
    return response["content"]["application/json"]["schema"]


def test_list_operations_are_documented_as_list_objects_not_bare_arrays(schema, api: APIClient):
    lists = [
        (path, operation)
        for path, method, operation in _v1_operations(schema)
        if method == "get" and "{" not in path.rsplit("/", 1)[-1] and path != "/v1/app"
    ]

    assert len(lists) >= 10
    for path, operation in lists:
        documented = _json_schema(operation["responses"]["200"])
        assert documented.get("type") != "array", path
    customers = _json_schema(schema["paths"]["/v1/customers"]["get"]["responses"]["200"])
    assert set(customers["required"]) == {"object", "data", "has_more"}
    assert customers["properties"]["data"]["type"] == "array"
    assert set(api.get("/v1/customers").json()) == {"object", "data", "has_more"}


def test_every_operation_documents_the_error_shape_for_its_error_statuses(schema):
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {"error"}
    for path, method, operation in _v1_operations(schema):
        for status in ("400", "401", "404", "409", "429", "502"):
            assert _json_schema(operation["responses"][status]) == {
                "$ref": "#/components/schemas/Error"
            }, (path, method, status)
        if method in WRITES:
            assert "402" in operation["responses"], (path, method)
    assert "Retry-After" in schema["paths"]["/v1/customers"]["get"]["responses"]["429"]["headers"]


def test_every_write_takes_an_idempotency_key_header(schema):
    for path, method, operation in _v1_operations(schema):
        if method in WRITES:
            headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
            assert "Idempotency-Key" in headers, (path, method)


def test_webhook_endpoint_delete_is_documented_as_the_200_it_answers(
    schema, api: APIClient, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = True
    endpoint = api.post(
        "/v1/webhook-endpoints",
        {"url": "http://127.0.0.1:9/hook", "enabled_events": ["*"]},
        format="json",
    )
    assert endpoint.status_code == 201, endpoint.content
    endpoint = endpoint.json()

    response = api.delete(f"/v1/webhook-endpoints/{endpoint['id']}")

    documented = schema["paths"]["/v1/webhook-endpoints/{id}"]["delete"]["responses"]
    assert response.status_code == 200
    assert "204" not in documented
    assert set(_json_schema(documented["200"])["$ref"].split("/")[-1:]) == {"DeletedObject"}
    assert response.json()["deleted"] is True


def test_internal_docstrings_are_not_operation_descriptions(schema):
    docstrings = {
        (pattern.callback.cls.__doc__ or "").strip()
        for resolver in get_resolver().url_patterns
        for pattern in getattr(resolver, "url_patterns", [resolver])
        if hasattr(getattr(pattern, "callback", None), "cls")
    } - {""}

    for path, method, operation in _v1_operations(schema):
        assert operation.get("description", "").strip() not in docstrings, (path, method)


def test_api_docs_serve_redoc_from_the_package_not_a_cdn(anonymous_client: APIClient, db):
    response = anonymous_client.get("/api/docs/")

    assert response.status_code == 200
    assert b"cdn.jsdelivr" not in response.content
    assert b"drf_spectacular_sidecar/redoc" in response.content
