from typing import Any

from rest_framework.test import APIClient

from audit.models import AuditEvent
from backoffice.services import app_create
from stripe_emulator.server import EmulatorServer
from tests.factories import TEST_OPERATOR, Tenant

FROZEN_TIME = "2030-01-01T00:00:00Z"


def _clock_create(api: APIClient, **fields: Any) -> dict[str, Any]:
    response = api.post("/v1/test-clocks", {"frozen_time": FROZEN_TIME, **fields}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _stripe_clock(stripe: EmulatorServer, provider_id: str) -> dict[str, Any]:
    return next(
        event["data"]["object"]
        for event in reversed(stripe.events())
        if event["data"]["object"].get("id") == provider_id
    )


def test_test_clock_create_makes_a_clock_at_stripe_frozen_at_the_time_given(
    tenant: Tenant, stripe: EmulatorServer
):
    body = _clock_create(tenant.client, name="Trial rehearsal")

    assert body["id"].startswith("clock_")
    assert body["object"] == "test_clock"
    assert body["name"] == "Trial rehearsal"
    assert body["status"] == "ready"
    assert body["frozen_time"] == "2030-01-01T00:00:00Z"
    at_stripe = _stripe_clock(stripe, body["provider_test_clock_id"])
    assert at_stripe["object"] == "test_helpers.test_clock"
    assert at_stripe["frozen_time"] == 1_893_456_000
    event = AuditEvent.objects.for_app(tenant.app).get(target_id=body["id"])
    assert event.action_type == "CREATE_TEST_CLOCK"
    assert event.actor_id == tenant.api_key.pk


def test_test_clock_retrieve_and_list_in_the_list_shape(api: APIClient):
    first = _clock_create(api, name="first")
    second = _clock_create(api, name="second")

    fetched = api.get(f"/v1/test-clocks/{first['id']}")
    listed = api.get("/v1/test-clocks", {"limit": 1})

    assert fetched.status_code == 200
    assert fetched.json()["name"] == "first"
    assert listed.status_code == 200
    assert listed.json()["object"] == "list"
    assert [clock["id"] for clock in listed.json()["data"]] == [second["id"]]
    assert listed.json()["has_more"] is True


def test_test_clock_advance_moves_the_clock_and_is_audited(tenant: Tenant):
    clock = _clock_create(tenant.client)

    advanced = tenant.client.post(
        f"/v1/test-clocks/{clock['id']}/advance",
        {"frozen_time": "2030-01-10T00:00:00Z"},
        format="json",
    )
    fetched = tenant.client.get(f"/v1/test-clocks/{clock['id']}")

    assert advanced.status_code == 200, advanced.content
    assert advanced.json()["status"] == "advancing"
    assert advanced.json()["target_frozen_time"] == "2030-01-10T00:00:00Z"
    assert fetched.json()["status"] == "ready"
    assert fetched.json()["frozen_time"] == "2030-01-10T00:00:00Z"
    actions = set(
        AuditEvent.objects.for_app(tenant.app)
        .filter(target_id=clock["id"])
        .values_list("action_type", flat=True)
    )
    assert actions == {"CREATE_TEST_CLOCK", "ADVANCE_TEST_CLOCK", "SYNC_TEST_CLOCK"}


def test_test_clock_advance_to_the_past_or_the_same_time_answers_400(api: APIClient):
    clock = _clock_create(api)

    for frozen_time in (FROZEN_TIME, "2029-12-31T00:00:00Z"):
        response = api.post(
            f"/v1/test-clocks/{clock['id']}/advance", {"frozen_time": frozen_time}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["error"]["param"] == "frozen_time"


def test_test_clock_advance_beyond_stripes_limit_answers_400_with_stripes_reason(api: APIClient):
    clock = _clock_create(api)

    response = api.post(
        f"/v1/test-clocks/{clock['id']}/advance",
        {"frozen_time": "2033-01-01T00:00:00Z"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "frozen_time"
    assert "two years" in response.json()["error"]["message"]


def test_test_clock_create_without_frozen_time_answers_400(api: APIClient):
    response = api.post("/v1/test-clocks", {"name": "no time"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "frozen_time"


def test_test_clock_delete_deletes_it_and_its_customers_at_stripe(
    tenant: Tenant, stripe: EmulatorServer
):
    clock = _clock_create(tenant.client)
    customer = tenant.client.post(
        "/v1/customers", {"external_id": "user-1", "test_clock": clock["id"]}, format="json"
    ).json()

    deleted = tenant.client.delete(f"/v1/test-clocks/{clock['id']}")

    assert deleted.status_code == 200
    assert deleted.json() == {"id": clock["id"], "object": "test_clock", "deleted": True}
    assert tenant.client.get(f"/v1/test-clocks/{clock['id']}").status_code == 404
    assert tenant.client.get("/v1/test-clocks").json()["data"] == []
    deleted_at_stripe = [
        event["data"]["object"]["id"] for event in stripe.events("customer.deleted")
    ]
    assert deleted_at_stripe == [customer["provider_customer_id"]]
    assert (
        AuditEvent.objects.for_app(tenant.app)
        .filter(target_id=clock["id"], action_type="DELETE_TEST_CLOCK")
        .exists()
    )


def test_a_customer_created_on_a_test_clock_lives_at_its_frozen_time_at_stripe(
    tenant: Tenant, stripe: EmulatorServer
):
    clock = _clock_create(tenant.client)

    response = tenant.client.post(
        "/v1/customers", {"external_id": "user-1", "test_clock": clock["id"]}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["test_clock"] == clock["id"]
    at_stripe = next(event["data"]["object"] for event in stripe.events("customer.created"))
    assert at_stripe["test_clock"] == clock["provider_test_clock_id"]
    assert at_stripe["created"] == 1_893_456_000


def test_a_customer_on_another_apps_test_clock_answers_404(tenant: Tenant, other_tenant: Tenant):
    clock = _clock_create(other_tenant.client)

    response = tenant.client.post(
        "/v1/customers", {"external_id": "user-1", "test_clock": clock["id"]}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["error"]["param"] == "test_clock"
    assert tenant.client.get("/v1/customers").json()["data"] == []


def test_another_apps_test_clock_answers_404_on_every_route(tenant: Tenant, other_tenant: Tenant):
    clock = _clock_create(other_tenant.client)
    path = f"/v1/test-clocks/{clock['id']}"

    responses = [
        tenant.client.get(path),
        tenant.client.post(
            f"{path}/advance", {"frozen_time": "2030-02-01T00:00:00Z"}, format="json"
        ),
        tenant.client.delete(path),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    assert other_tenant.client.get(path).json()["frozen_time"] == "2030-01-01T00:00:00Z"


def test_a_live_mode_app_has_no_test_clocks(db: Any):
    _, _, raw_key = app_create(name="Live app", actor=TEST_OPERATOR, mode="live")
    live = APIClient()
    live.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")

    responses = {
        "create": live.post("/v1/test-clocks", {"frozen_time": FROZEN_TIME}, format="json"),
        "list": live.get("/v1/test-clocks"),
        "retrieve": live.get("/v1/test-clocks/clock_anything"),
        "customer": live.post("/v1/customers", {"test_clock": "clock_anything"}, format="json"),
    }

    assert {name: response.status_code for name, response in responses.items()} == {
        "create": 400,
        "list": 400,
        "retrieve": 400,
        "customer": 400,
    }
    assert {response.json()["error"]["code"] for response in responses.values()} == {
        "test_mode_only"
    }
    assert responses["customer"].json()["error"]["param"] == "test_clock"
