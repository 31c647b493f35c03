"""Walks every `/v1/` route that takes an id, with another app's id, and expects 404 — exactly as
for an id that does not exist. A route added later is covered without anyone remembering."""

from typing import Any

import pytest

from tests.factories import OBJECT_FACTORIES, Tenant, route_fill, routes_with_ids


def test_the_walk_finds_the_id_routes():
    routes = [route for route, _ in routes_with_ids()]

    assert any("customers" in route for route in routes)
    assert any("audit-events" in route for route in routes)


@pytest.mark.parametrize(
    "route,callback", routes_with_ids(), ids=[route for route, _ in routes_with_ids()]
)
def test_another_apps_id_answers_404_on_every_route(
    route: str, callback: Any, tenant: Tenant, other_tenant: Tenant
):
    model = callback.cls.model
    label = f"{model._meta.app_label}.{model.__name__}"
    assert label in OBJECT_FACTORIES, f"add a factory for {label} to tests/factories.py"
    theirs = OBJECT_FACTORIES[label](other_tenant.app)
    path = route_fill(route, theirs.pk)

    if "get" in callback.actions:
        assert other_tenant.client.get(path).status_code == 200, "the owner must see its object"

    for method in set(callback.actions) - {"head", "options"}:
        response = getattr(tenant.client, method)(path, {}, format="json")

        assert response.status_code == 404, f"{method.upper()} {path}: {response.status_code}"
        assert response.json()["error"]["type"] == "not_found"
