from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.factories import Tenant


def _create(api: APIClient, **fields):
    response = api.post("/v1/customers", fields, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_customer_create_returns_the_customer(api: APIClient):
    response = api.post(
        "/v1/customers",
        {
            "external_id": "user-1",
            "email": "ada@example.com",
            "name": "Ada",
            "metadata": {"plan": "pro"},
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["id"].startswith("cus_")
    assert body["object"] == "customer"
    assert body["external_id"] == "user-1"
    assert body["email"] == "ada@example.com"
    assert body["metadata"] == {"plan": "pro"}


def test_customer_create_records_one_audit_event(tenant: Tenant):
    body = _create(tenant.client, external_id="user-1")

    events = AuditEvent.objects.for_app(tenant.app).filter(target_id=body["id"])
    assert events.count() == 1
    event = events.get()
    assert event.action_type == "CREATE_CUSTOMER"
    assert event.target_type == "customer"
    assert event.actor_id == tenant.api_key.pk
    assert event.payload_snapshot["external_id"] == "user-1"


def test_duplicate_external_id_answers_409(api: APIClient):
    _create(api, external_id="user-1")

    response = api.post("/v1/customers", {"external_id": "user-1"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "external_id_taken"
    assert response.json()["error"]["param"] == "external_id"


def test_the_same_external_id_may_exist_in_two_apps(api: APIClient, other_tenant: Tenant):
    _create(api, external_id="user-1")

    response = other_tenant.client.post("/v1/customers", {"external_id": "user-1"}, format="json")

    assert response.status_code == 201


def test_customer_retrieve_and_update(tenant: Tenant):
    created = _create(tenant.client, external_id="user-1", name="Ada")

    updated = tenant.client.patch(
        f"/v1/customers/{created['id']}", {"name": "Ada L."}, format="json"
    )
    fetched = tenant.client.get(f"/v1/customers/{created['id']}")

    assert updated.status_code == 200
    assert fetched.json()["name"] == "Ada L."
    assert fetched.json()["external_id"] == "user-1"
    actions = list(
        AuditEvent.objects.for_app(tenant.app)
        .filter(target_id=created["id"])
        .order_by("created_at")
        .values_list("action_type", flat=True)
    )
    assert actions == ["CREATE_CUSTOMER", "UPDATE_CUSTOMER"]


def test_customer_list_is_newest_first_and_paginates(api: APIClient):
    ids = [_create(api, external_id=f"user-{index}")["id"] for index in range(5)]

    first_page = api.get("/v1/customers?limit=2").json()
    second_page = api.get(
        f"/v1/customers?limit=2&starting_after={first_page['data'][-1]['id']}"
    ).json()
    last_page = api.get(
        f"/v1/customers?limit=2&starting_after={second_page['data'][-1]['id']}"
    ).json()

    listed = [
        customer["id"] for page in (first_page, second_page, last_page) for customer in page["data"]
    ]
    assert listed == list(reversed(ids))
    assert first_page["has_more"] is True
    assert second_page["has_more"] is True
    assert last_page["has_more"] is False


def test_customer_list_filters_by_external_id(api: APIClient):
    _create(api, external_id="user-1")
    wanted = _create(api, external_id="user-2")

    body = api.get("/v1/customers?external_id=user-2").json()

    assert [customer["id"] for customer in body["data"]] == [wanted["id"]]


def test_customer_list_shows_only_the_callers_customers(api: APIClient, other_tenant: Tenant):
    mine = _create(api, external_id="mine")
    _create(other_tenant.client, external_id="theirs")

    body = api.get("/v1/customers").json()

    assert [customer["id"] for customer in body["data"]] == [mine["id"]]


def test_starting_after_another_apps_id_is_rejected(api: APIClient, other_tenant: Tenant):
    theirs = _create(other_tenant.client, external_id="theirs")

    response = api.get(f"/v1/customers?starting_after={theirs['id']}")

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "starting_after"
