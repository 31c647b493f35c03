"""Features through the API, and plans granting them."""

from rest_framework.test import APIClient

from audit.models import AuditEvent
from stripe_emulator.server import EmulatorServer
from tests.factories import PRO_PLAN, Tenant, metric_make

SSO = {"code": "sso", "name": "Single sign-on", "type": "boolean"}
SEATS = {"code": "seats", "name": "Seats", "type": "static"}


def _feature(client: APIClient, body: dict) -> dict:
    response = client.post("/v1/features", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_feature_create_answers_the_feature_with_a_prefixed_id(api: APIClient):
    response = api.post("/v1/features", SSO, format="json")

    assert response.status_code == 201, response.content
    feature = response.json()
    assert feature["id"].startswith("feat_")
    assert feature["object"] == "feature"
    assert feature["code"] == "sso"
    assert feature["type"] == "boolean"
    assert feature["metric"] is None
    assert feature["archived"] is False
    assert api.get(f"/v1/features/{feature['id']}").json() == feature
    assert [item["id"] for item in api.get("/v1/features").json()["data"]] == [feature["id"]]


def test_a_metered_feature_names_an_existing_metric(api: APIClient, stripe: EmulatorServer):
    metric_make(api, "api_calls")

    missing = api.post(
        "/v1/features", {"code": "calls", "name": "Calls", "type": "metered"}, format="json"
    )
    unknown = api.post(
        "/v1/features",
        {"code": "calls", "name": "Calls", "type": "metered", "metric": "nope"},
        format="json",
    )
    created = api.post(
        "/v1/features",
        {"code": "calls", "name": "Calls", "type": "metered", "metric": "api_calls"},
        format="json",
    )

    assert missing.status_code == 400
    assert missing.json()["error"]["param"] == "metric"
    assert unknown.status_code == 400
    assert unknown.json()["error"]["param"] == "metric"
    assert created.status_code == 201
    assert created.json()["metric"] == "api_calls"


def test_a_boolean_feature_with_a_metric_answers_400(api: APIClient, stripe: EmulatorServer):
    metric_make(api, "api_calls")

    response = api.post("/v1/features", {**SSO, "metric": "api_calls"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "metric"


def test_bad_feature_input_answers_400_with_its_param(api: APIClient):
    bad_type = api.post("/v1/features", {**SSO, "type": "sometimes"}, format="json")
    bad_code = api.post("/v1/features", {**SSO, "code": "no spaces"}, format="json")
    unknown = api.post("/v1/features", {**SSO, "colour": "red"}, format="json")

    assert bad_type.status_code == 400
    assert bad_type.json()["error"]["param"] == "type"
    assert bad_code.status_code == 400
    assert bad_code.json()["error"]["param"] == "code"
    assert unknown.status_code == 400


def test_a_duplicate_feature_code_answers_409(api: APIClient):
    _feature(api, SSO)

    response = api.post("/v1/features", {**SSO, "name": "Again"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "feature_code_taken"
    assert response.json()["error"]["param"] == "code"


def test_the_same_code_in_another_app_is_its_own_feature(api: APIClient, other_tenant: Tenant):
    mine = _feature(api, SSO)

    theirs = _feature(other_tenant.client, SSO)

    assert theirs["id"] != mine["id"]
    assert api.get(f"/v1/features/{theirs['id']}").status_code == 404


def test_each_feature_mutation_records_one_audit_event(tenant: Tenant):
    feature = _feature(tenant.client, SSO)

    renamed = tenant.client.patch(
        f"/v1/features/{feature['id']}", {"name": "SAML SSO"}, format="json"
    )
    archived = tenant.client.post(f"/v1/features/{feature['id']}/archive")

    assert renamed.json()["name"] == "SAML SSO"
    assert archived.json()["archived"] is True
    audit = AuditEvent.objects.for_app(tenant.app).filter(target_id=feature["id"])
    assert [event.action_type for event in audit.order_by("created_at", "id")] == [
        "CREATE_FEATURE",
        "UPDATE_FEATURE",
        "ARCHIVE_FEATURE",
    ]
    assert all(event.actor_id == tenant.api_key.pk for event in audit)


def test_a_create_retried_with_the_same_key_is_replayed_and_makes_one_feature(tenant: Tenant):
    first = tenant.client.post("/v1/features", SSO, format="json", HTTP_IDEMPOTENCY_KEY="f1")
    again = tenant.client.post("/v1/features", SSO, format="json", HTTP_IDEMPOTENCY_KEY="f1")

    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert len(tenant.client.get("/v1/features").json()["data"]) == 1


def test_features_list_filters_by_code_and_archived(api: APIClient):
    sso = _feature(api, SSO)
    seats = _feature(api, SEATS)
    api.post(f"/v1/features/{sso['id']}/archive")

    by_code = api.get("/v1/features", {"code": "seats"}).json()["data"]
    live = api.get("/v1/features", {"archived": "false"}).json()["data"]

    assert [item["id"] for item in by_code] == [seats["id"]]
    assert [item["id"] for item in live] == [seats["id"]]


def test_a_plan_grants_boolean_static_and_metered_features(api: APIClient, stripe: EmulatorServer):
    metric_make(api, "api_calls")
    _feature(api, SSO)
    _feature(api, SEATS)
    _feature(api, {"code": "calls", "name": "Calls", "type": "metered", "metric": "api_calls"})

    response = api.post(
        "/v1/plans",
        {**PRO_PLAN, "features": {"sso": True, "seats": 10, "calls": 1000}},
        format="json",
    )

    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["features"] == {"sso": True, "seats": 10}
    assert plan["quotas"] == {"api_calls": 1000}
    assert api.get(f"/v1/plans/{plan['id']}").json()["features"] == {"sso": True, "seats": 10}


def test_a_grant_of_an_unknown_feature_answers_400_naming_it(
    api: APIClient, stripe: EmulatorServer
):
    response = api.post("/v1/plans", {**PRO_PLAN, "features": {"sso": True}}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "features.sso"
    assert api.get("/v1/plans").json()["data"] == []


def test_a_grant_of_the_wrong_type_answers_400_naming_it(api: APIClient, stripe: EmulatorServer):
    metric_make(api, "api_calls")
    _feature(api, SSO)
    _feature(api, SEATS)
    _feature(api, {"code": "calls", "name": "Calls", "type": "metered", "metric": "api_calls"})

    wrong = {
        "sso": {"sso": "yes"},
        "seats": {"seats": True},
        "calls": {"calls": -1},
    }
    for code, features in wrong.items():
        response = api.post("/v1/plans", {**PRO_PLAN, "features": features}, format="json")

        assert response.status_code == 400, code
        assert response.json()["error"]["param"] == f"features.{code}"
    too_long = api.post("/v1/plans", {**PRO_PLAN, "features": {"seats": "x" * 201}}, format="json")
    assert too_long.status_code == 400
    assert too_long.json()["error"]["param"] == "features.seats"


def test_a_metered_grant_disagreeing_with_quotas_answers_400(
    api: APIClient, stripe: EmulatorServer
):
    metric_make(api, "api_calls")
    _feature(api, {"code": "calls", "name": "Calls", "type": "metered", "metric": "api_calls"})

    response = api.post(
        "/v1/plans",
        {**PRO_PLAN, "quotas": {"api_calls": 5}, "features": {"calls": 1000}},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "features.calls"


def test_an_archived_feature_cannot_be_granted(api: APIClient, stripe: EmulatorServer):
    sso = _feature(api, SSO)
    api.post(f"/v1/features/{sso['id']}/archive")

    response = api.post("/v1/plans", {**PRO_PLAN, "features": {"sso": True}}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "features.sso"


def test_plan_update_replaces_its_feature_grants_in_place(api: APIClient, stripe: EmulatorServer):
    _feature(api, SSO)
    _feature(api, SEATS)
    plan = api.post(
        "/v1/plans", {**PRO_PLAN, "features": {"sso": True, "seats": 10}}, format="json"
    ).json()

    response = api.patch(
        f"/v1/plans/{plan['id']}", {"features": {"seats": "unlimited"}}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["features"] == {"seats": "unlimited"}
    assert response.json()["version"] == plan["version"]
    bad = api.patch(f"/v1/plans/{plan['id']}", {"features": {"nope": 1}}, format="json")
    assert bad.status_code == 400
    assert bad.json()["error"]["param"] == "features.nope"
