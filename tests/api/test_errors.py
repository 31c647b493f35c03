import json

import pytest
from django.test import override_settings
from rest_framework.test import APIClient


def _error(response):
    body = response.json()
    assert set(body) == {"error"}
    assert {"type", "code", "message", "param"} <= set(body["error"])
    return body["error"]


def test_malformed_json_answers_400_invalid_json(api: APIClient):
    response = api.post("/v1/customers", data="{not json", content_type="application/json")

    assert response.status_code == 400
    error = _error(response)
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "invalid_json"


def test_wrong_type_names_the_field_in_param(api: APIClient):
    response = api.post("/v1/customers", {"external_id": 12345}, format="json")

    assert response.status_code == 400
    error = _error(response)
    assert error["param"] == "external_id"
    assert error["code"] == "parameter_invalid"


def test_unknown_field_is_rejected(api: APIClient):
    response = api.post(
        "/v1/customers", {"external_id": "u1", "favourite_colour": "red"}, format="json"
    )

    assert response.status_code == 400
    error = _error(response)
    assert error["param"] == "favourite_colour"
    assert error["code"] == "parameter_unknown"


def test_over_long_string_is_rejected(api: APIClient):
    response = api.post("/v1/customers", {"name": "x" * 201}, format="json")

    assert response.status_code == 400
    error = _error(response)
    assert error["param"] == "name"
    assert error["code"] == "parameter_too_long"


def test_nested_metadata_error_names_the_path(api: APIClient):
    response = api.post("/v1/customers", {"metadata": {"plan": 3}}, format="json")

    assert response.status_code == 400
    assert _error(response)["param"] == "metadata.plan"


def test_a_json_list_body_is_rejected(api: APIClient):
    response = api.post("/v1/customers", data=json.dumps([1, 2]), content_type="application/json")

    assert response.status_code == 400
    assert _error(response)["type"] == "invalid_request_error"


def test_unsupported_media_type_answers_415(api: APIClient):
    response = api.post(
        "/v1/customers", data="name=x", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert _error(response)["code"] == "unsupported_media_type"


def test_wrong_method_answers_405_in_the_error_shape(api: APIClient):
    response = api.delete("/v1/customers")

    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"


def test_unknown_route_answers_404_json(api: APIClient):
    response = api.get("/v1/no-such-thing/at-all")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert _error(response)["type"] == "not_found"


def test_unknown_route_without_a_key_is_still_json(anonymous_client: APIClient, db):
    response = anonymous_client.get("/v1/nothing-here")

    assert response.status_code == 404
    assert _error(response)["type"] == "not_found"


@override_settings(API_RATE_LIMIT_PER_SECOND=2)
def test_rate_limit_answers_429_with_retry_after(api: APIClient):
    from django.core.cache import cache

    cache.clear()
    # Ten requests span at most two one-second windows, so at least six are over the limit.
    responses = [api.get("/v1/app") for _ in range(10)]

    limited = [response for response in responses if response.status_code == 429]
    assert responses[0].status_code == 200
    assert len(limited) >= 6
    assert int(limited[0]["Retry-After"]) >= 1
    assert _error(limited[0])["type"] == "rate_limit_error"


@pytest.mark.parametrize("limit", ["0", "101", "abc"])
def test_list_limit_out_of_range_is_rejected(api: APIClient, limit: str):
    response = api.get(f"/v1/customers?limit={limit}")

    assert response.status_code == 400
    assert _error(response)["param"] == "limit"
