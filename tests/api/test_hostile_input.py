"""Hostile input answers a 4xx in the one error shape, never a 500 (issue item 3, part of 5)."""

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.factories import route_fill, routes_with_ids


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    assert {"type", "code", "message", "param"} <= set(body["error"])
    return body["error"]


def _post_raw(api: APIClient, path: str, text: str) -> Any:
    return api.post(path, data=text, content_type="application/json")


@pytest.mark.parametrize(
    "route,callback", routes_with_ids(), ids=[route for route, _ in routes_with_ids()]
)
def test_nul_byte_in_path_id_answers_400_on_every_id_route(
    route: str, callback: Any, api: APIClient
):
    path = route_fill(route, "x%00y")

    for method in set(callback.actions) - {"head", "options"}:
        response = getattr(api, method)(path, {}, format="json")

        assert response.status_code == 400, (method, path, response.content[:200])
        assert _error(response)["type"] == "invalid_request_error"


def test_nul_byte_in_entitlement_metric_answers_400(api: APIClient):
    response = api.get("/v1/customers/cus_x/entitlements/api%00calls")

    assert response.status_code == 400
    _error(response)


def test_nul_byte_in_query_string_answers_400(api: APIClient):
    response = api.get("/v1/customers?external_id=a%00b")

    assert response.status_code == 400
    assert _error(response)["param"] == "external_id"


@pytest.mark.parametrize("key", ["a\\u0000b", "\\ud800"])
def test_nul_or_lone_surrogate_in_metadata_key_answers_400(api: APIClient, key: str):
    response = _post_raw(
        api, "/v1/customers", '{"external_id": "u1", "metadata": {"' + key + '": "v"}}'
    )

    assert response.status_code == 400
    assert _error(response)["code"] == "invalid_json"


@pytest.mark.parametrize("field", ["customer", "event_id"])
@pytest.mark.parametrize("value", ["a\\u0000b", "\\udfff"])
def test_nul_or_lone_surrogate_in_usage_event_answers_400(api: APIClient, field: str, value: str):
    event = {"customer": "cus_x", "metric": "api_calls", "quantity": 1, "event_id": "e1"}
    single = json.dumps(event).replace(f'"{event[field]}"', f'"{value}"', 1)

    single_response = _post_raw(api, "/v1/usage", single)
    batch_response = _post_raw(api, "/v1/usage/batch", '{"events": [' + single + "]}")

    assert single_response.status_code == 400
    _error(single_response)
    assert batch_response.status_code == 400
    _error(batch_response)


def test_nul_in_plan_quota_key_answers_400(api: APIClient):
    response = _post_raw(
        api,
        "/v1/plans",
        '{"code": "p", "name": "P", "currency": "usd", "quotas": {"api\\u0000calls": 5}}',
    )

    assert response.status_code == 400
    _error(response)


def test_json_nested_ten_thousand_deep_answers_400(api: APIClient):
    response = _post_raw(api, "/v1/customers", "[" * 10_000 + "]" * 10_000)

    assert response.status_code == 400
    assert _error(response)["code"] == "invalid_json"


def test_body_over_the_size_limit_answers_413_in_the_error_shape(api: APIClient):
    text = json.dumps({"external_id": "u1", "metadata": {"blob": "x" * (6 * 1024 * 1024)}})

    response = _post_raw(api, "/v1/customers", text)

    assert response.status_code == 413
    assert _error(response)["code"] == "request_too_large"


@pytest.mark.parametrize("key", ["a\x01b", "key\x7f", "é"])
def test_control_characters_in_idempotency_key_answer_400(api: APIClient, key: str):
    response = api.post(
        "/v1/customers", {"external_id": "u1"}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )

    assert response.status_code == 400
    assert _error(response)["param"] == "Idempotency-Key"


def test_a_one_megabyte_header_reaching_django_answers_400(api: APIClient):
    response = api.get("/v1/customers", HTTP_X_PADDING="x" * 1_000_000)

    assert response.status_code == 400
    assert _error(response)["code"] == "header_too_long"
