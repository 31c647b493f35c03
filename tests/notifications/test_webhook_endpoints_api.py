import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.factories import Tenant, endpoint_create


def test_create_shows_the_secret_once_and_retrieve_and_list_never(api: APIClient):
    created = endpoint_create(
        api,
        url="https://crm.example/billing-hooks",
        enabled_events=["payment.succeeded"],
        description="Billing hooks",
        metadata={"team": "growth"},
    )

    retrieved = api.get(f"/v1/webhook-endpoints/{created['id']}")
    listed = api.get("/v1/webhook-endpoints")

    assert created["id"].startswith("we_")
    assert created["object"] == "webhook_endpoint"
    assert created["secret"].startswith("whsec_")
    assert len(created["secret"]) > 30
    assert created["url"] == "https://crm.example/billing-hooks"
    assert created["enabled_events"] == ["payment.succeeded"]
    assert created["description"] == "Billing hooks"
    assert created["metadata"] == {"team": "growth"}
    assert created["status"] == "enabled"
    assert retrieved.status_code == 200
    assert "secret" not in retrieved.json()
    assert created["secret"] not in retrieved.content.decode()
    assert retrieved.json() == {key: value for key, value in created.items() if key != "secret"}
    assert listed.status_code == 200
    assert created["secret"] not in listed.content.decode()
    assert [endpoint["id"] for endpoint in listed.json()["data"]] == [created["id"]]


def test_every_endpoint_gets_its_own_secret(api: APIClient):
    first = endpoint_create(api, url="https://crm.example/one")
    second = endpoint_create(api, url="https://crm.example/two")

    assert first["secret"] != second["secret"]


def test_create_records_one_audit_event_without_the_secret(tenant: Tenant):
    created = endpoint_create(tenant.client, url="https://crm.example/hooks")

    event = AuditEvent.objects.for_app(tenant.app).get(target_id=created["id"])
    assert event.action_type == "CREATE_WEBHOOK_ENDPOINT"
    assert event.target_type == "webhook_endpoint"
    assert event.actor_id == tenant.api_key.pk
    assert event.payload_snapshot["url"] == "https://crm.example/hooks"
    assert created["secret"] not in str(event.payload_snapshot)


def test_delete_removes_the_endpoint_and_records_an_audit_event(tenant: Tenant):
    created = endpoint_create(tenant.client, url="https://crm.example/hooks")

    response = tenant.client.delete(f"/v1/webhook-endpoints/{created['id']}")

    assert response.status_code == 200
    assert response.json() == {"id": created["id"], "object": "webhook_endpoint", "deleted": True}
    assert tenant.client.get(f"/v1/webhook-endpoints/{created['id']}").status_code == 404
    assert tenant.client.delete(f"/v1/webhook-endpoints/{created['id']}").status_code == 404
    assert tenant.client.get("/v1/webhook-endpoints").json()["data"] == []
    actions = list(
        AuditEvent.objects.for_app(tenant.app)
        .filter(target_id=created["id"])
        .order_by("created_at")
        .values_list("action_type", flat=True)
    )
    assert actions == ["CREATE_WEBHOOK_ENDPOINT", "DELETE_WEBHOOK_ENDPOINT"]


@pytest.mark.parametrize("method,suffix", [("get", ""), ("delete", ""), ("get", "/deliveries")])
def test_another_apps_endpoint_answers_404(
    method: str, suffix: str, tenant: Tenant, other_tenant: Tenant
):
    theirs = endpoint_create(other_tenant.client, url="https://globex.example/hooks")

    response = getattr(tenant.client, method)(f"/v1/webhook-endpoints/{theirs['id']}{suffix}")

    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found"
    assert other_tenant.client.get(f"/v1/webhook-endpoints/{theirs['id']}").status_code == 200


def test_list_shows_only_the_callers_endpoints_newest_first(api: APIClient, other_tenant: Tenant):
    older = endpoint_create(api, url="https://crm.example/one")
    newer = endpoint_create(api, url="https://crm.example/two")
    endpoint_create(other_tenant.client, url="https://globex.example/hooks")

    body = api.get("/v1/webhook-endpoints?limit=1").json()
    rest = api.get(f"/v1/webhook-endpoints?starting_after={newer['id']}").json()

    assert [endpoint["id"] for endpoint in body["data"]] == [newer["id"]]
    assert body["has_more"] is True
    assert [endpoint["id"] for endpoint in rest["data"]] == [older["id"]]
    assert rest["has_more"] is False


@pytest.mark.parametrize(
    "url,code",
    [
        ("ftp://crm.example/hooks", "parameter_invalid"),
        ("javascript:alert(1)", "parameter_invalid"),
        ("not a url", "parameter_invalid"),
        ("/relative/path", "parameter_invalid"),
        ("https://crm.example/" + "a" * 1990, "parameter_too_long"),
    ],
)
def test_an_invalid_url_answers_400(url: str, code: str, tenant: Tenant):
    response = tenant.client.post(
        "/v1/webhook-endpoints", {"url": url, "enabled_events": ["*"]}, format="json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["param"] == "url"
    assert error["code"] == code
    assert (
        not AuditEvent.objects.for_app(tenant.app)
        .filter(action_type="CREATE_WEBHOOK_ENDPOINT")
        .exists()
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hooks",
        "http://10.0.0.5/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hooks",
        "http://localhost/hooks",
    ],
)
def test_a_private_url_answers_400_when_private_destinations_are_not_allowed(
    url: str, api: APIClient, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = False

    response = api.post(
        "/v1/webhook-endpoints", {"url": url, "enabled_events": ["*"]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "url"
    assert "public address" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "enabled_events",
    [["payment.teleported"], ["payment.succeeded", "nope"], [], "payment.succeeded", [1]],
)
def test_unknown_or_missing_event_types_answer_400(enabled_events, api: APIClient):
    response = api.post(
        "/v1/webhook-endpoints",
        {"url": "https://crm.example/hooks", "enabled_events": enabled_events},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"].startswith("enabled_events")


def test_missing_fields_and_unknown_fields_answer_400(api: APIClient):
    missing = api.post("/v1/webhook-endpoints", {"enabled_events": ["*"]}, format="json")
    unknown = api.post(
        "/v1/webhook-endpoints",
        {"url": "https://crm.example/hooks", "enabled_events": ["*"], "secret": "whsec_mine"},
        format="json",
    )

    assert missing.status_code == 400
    assert missing.json()["error"]["param"] == "url"
    assert unknown.status_code == 400
    assert unknown.json()["error"]["param"] == "secret"


def test_the_wildcard_subscribes_to_everything(api: APIClient):
    created = endpoint_create(
        api, url="https://crm.example/hooks", enabled_events=["payment.failed", "*"]
    )

    assert created["enabled_events"] == ["*"]


def test_an_app_may_have_at_most_sixteen_endpoints(api: APIClient):
    for index in range(16):
        endpoint_create(api, url=f"https://crm.example/hooks/{index}")

    response = api.post(
        "/v1/webhook-endpoints",
        {"url": "https://crm.example/hooks/16", "enabled_events": ["*"]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "webhook_endpoint_limit_reached"


def test_an_idempotent_retry_of_create_makes_one_endpoint(api: APIClient):
    body = {"url": "https://crm.example/hooks", "enabled_events": ["*"]}

    first = api.post("/v1/webhook-endpoints", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/v1/webhook-endpoints", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert len(api.get("/v1/webhook-endpoints").json()["data"]) == 1


def test_openapi_schema_documents_the_webhook_endpoint_routes(anonymous_client: APIClient, db):
    schema = anonymous_client.get("/api/schema/?format=json").json()

    assert "/v1/webhook-endpoints" in schema["paths"]
    assert "/v1/webhook-endpoints/{id}" in schema["paths"]
    assert "/v1/webhook-endpoints/{id}/deliveries" in schema["paths"]
    assert "delete" in schema["paths"]["/v1/webhook-endpoints/{id}"]
    assert "Payment-Service-Signature" in str(schema["paths"]["/v1/webhook-endpoints"])
