"""Walks every `/v1/` route that takes an id, with another app's id, and expects 404 — exactly as
for an id that does not exist. A route added later is covered without anyone remembering."""

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import Tenant
from tests.factories import OBJECT_FACTORIES


def _v1_routes(patterns: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
    routes = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            routes += _v1_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            routes.append((prefix + str(pattern.pattern), pattern.callback))
    return [(route, callback) for route, callback in routes if route.lstrip("^").startswith("v1/")]


def _routes_with_ids() -> list[tuple[str, Any]]:
    return [
        (route, callback)
        for route, callback in _v1_routes(get_resolver().url_patterns)
        if "<pk>" in route or "(?P<pk>" in route
    ]


def _fill(route: str, object_id: str) -> str:
    path = route.replace("(?P<pk>[^/.]+)", object_id).replace("<pk>", object_id)
    path = path.replace("(?P<metric>[^/.]+)", "api_calls").replace("<metric>", "api_calls")
    return "/" + path.replace("^", "").replace("$", "")


def test_the_walk_finds_the_id_routes():
    routes = [route for route, _ in _routes_with_ids()]

    assert any("customers" in route for route in routes)
    assert any("audit-events" in route for route in routes)


@pytest.mark.parametrize(
    "route,callback", _routes_with_ids(), ids=[route for route, _ in _routes_with_ids()]
)
def test_another_apps_id_answers_404_on_every_route(
    route: str, callback: Any, tenant: Tenant, other_tenant: Tenant
):
    model = callback.cls.model
    label = f"{model._meta.app_label}.{model.__name__}"
    assert label in OBJECT_FACTORIES, f"add a factory for {label} to tests/factories.py"
    theirs = OBJECT_FACTORIES[label](other_tenant.app)
    path = _fill(route, theirs.pk)

    if "get" in callback.actions:
        assert other_tenant.client.get(path).status_code == 200, "the owner must see its object"

    for method in set(callback.actions) - {"head", "options"}:
        response = getattr(tenant.client, method)(path, {}, format="json")

        assert response.status_code == 404, f"{method.upper()} {path}: {response.status_code}"
        assert response.json()["error"]["type"] == "not_found"
