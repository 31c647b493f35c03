from audit.models import AuditEvent
from grace.models import GracePeriod
from tests.factories import (
    START,
    Tenant,
    customer_record,
    metric_record,
    over_quota_open,
    past_due_subscription_record,
    payment_failed_open,
)


def test_grace_period_retrieve_answers_the_public_shape(tenant: Tenant):
    customer = customer_record(tenant.app)
    grace_period, _ = over_quota_open(
        tenant.app, customer, metric_record(tenant.app, "api_calls"), now=START
    )

    response = tenant.client.get(f"/v1/grace-periods/{grace_period.pk}")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "id",
        "object",
        "customer",
        "subscription",
        "metric",
        "reason",
        "status",
        "starts_at",
        "ends_at",
        "resolved_at",
        "resolved_by",
        "note",
        "created_at",
    }
    assert body["id"] == grace_period.pk
    assert body["object"] == "grace_period"
    assert body["customer"] == customer.pk
    assert body["subscription"] is None
    assert body["metric"] == "api_calls"
    assert body["reason"] == "over_quota"
    assert body["status"] == "active"
    assert body["starts_at"] == "2026-03-01T09:00:00Z"
    assert body["ends_at"] == "2026-03-08T09:00:00Z"
    assert body["resolved_at"] is None
    assert body["resolved_by"] is None


def test_grace_period_retrieve_of_another_apps_id_answers_404(tenant: Tenant, other_tenant: Tenant):
    theirs, _ = payment_failed_open(
        other_tenant.app,
        past_due_subscription_record(other_tenant.app, customer_record(other_tenant.app)),
    )

    response = tenant.client.get(f"/v1/grace-periods/{theirs.pk}")

    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found"


def test_grace_period_resolve_closes_it_and_names_the_key(tenant: Tenant):
    subscription = past_due_subscription_record(tenant.app, customer_record(tenant.app))
    grace_period, _ = payment_failed_open(tenant.app, subscription)

    response = tenant.client.post(
        f"/v1/grace-periods/{grace_period.pk}/resolve",
        {"note": "Paid by bank transfer"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "resolved"
    assert body["resolved_by"] == tenant.api_key.pk
    assert body["resolved_at"] is not None
    assert body["note"] == "Paid by bank transfer"
    event = AuditEvent.objects.for_app(tenant.app).get(action_type="RESOLVE_GRACE_PERIOD")
    assert event.target_id == grace_period.pk
    assert event.actor_id == tenant.api_key.pk
    assert event.payload_snapshot["status"] == "resolved"


def test_grace_period_resolve_twice_answers_409_and_writes_nothing(tenant: Tenant):
    grace_period, _ = payment_failed_open(
        tenant.app, past_due_subscription_record(tenant.app, customer_record(tenant.app))
    )
    tenant.client.post(f"/v1/grace-periods/{grace_period.pk}/resolve", {}, format="json")

    response = tenant.client.post(
        f"/v1/grace-periods/{grace_period.pk}/resolve", {"note": "again"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["type"] == "conflict"
    assert response.json()["error"]["code"] == "grace_period_not_active"
    assert GracePeriod.objects.for_app(tenant.app).get().note == ""
    resolutions = AuditEvent.objects.for_app(tenant.app).filter(action_type="RESOLVE_GRACE_PERIOD")
    assert resolutions.count() == 1


def test_grace_period_resolve_of_another_apps_id_answers_404_and_leaves_it_open(
    tenant: Tenant, other_tenant: Tenant
):
    theirs, _ = payment_failed_open(
        other_tenant.app,
        past_due_subscription_record(other_tenant.app, customer_record(other_tenant.app)),
    )

    response = tenant.client.post(
        f"/v1/grace-periods/{theirs.pk}/resolve", {"note": "not mine"}, format="json"
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "active"


def test_grace_period_resolve_rejects_a_note_over_1000_characters(tenant: Tenant):
    grace_period, _ = payment_failed_open(
        tenant.app, past_due_subscription_record(tenant.app, customer_record(tenant.app))
    )

    response = tenant.client.post(
        f"/v1/grace-periods/{grace_period.pk}/resolve", {"note": "x" * 1001}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "note"
    grace_period.refresh_from_db()
    assert grace_period.status == "active"


def test_grace_period_resolve_rejects_unknown_fields(tenant: Tenant):
    grace_period, _ = payment_failed_open(
        tenant.app, past_due_subscription_record(tenant.app, customer_record(tenant.app))
    )

    response = tenant.client.post(
        f"/v1/grace-periods/{grace_period.pk}/resolve", {"status": "resolved"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "status"


def test_grace_period_resolve_replays_with_the_same_idempotency_key(tenant: Tenant):
    grace_period, _ = payment_failed_open(
        tenant.app, past_due_subscription_record(tenant.app, customer_record(tenant.app))
    )
    path = f"/v1/grace-periods/{grace_period.pk}/resolve"

    first = tenant.client.post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="resolve-1")
    second = tenant.client.post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="resolve-1")

    assert first.status_code == second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.content == first.content


def test_grace_period_list_filters_by_status_customer_and_reason(tenant: Tenant):
    ada, bob = customer_record(tenant.app, "ada"), customer_record(tenant.app, "bob")
    ada_payment, _ = payment_failed_open(tenant.app, past_due_subscription_record(tenant.app, ada))
    ada_quota, _ = over_quota_open(tenant.app, ada, metric_record(tenant.app))
    bob_payment, _ = payment_failed_open(
        tenant.app, past_due_subscription_record(tenant.app, bob, code="b")
    )
    tenant.client.post(f"/v1/grace-periods/{bob_payment.pk}/resolve", {}, format="json")

    def listed(query: str) -> list[str]:
        response = tenant.client.get(f"/v1/grace-periods{query}")
        assert response.status_code == 200, response.content
        return [grace_period["id"] for grace_period in response.json()["data"]]

    assert listed("") == [bob_payment.pk, ada_quota.pk, ada_payment.pk]
    assert listed("?status=active") == [ada_quota.pk, ada_payment.pk]
    assert listed("?status=resolved") == [bob_payment.pk]
    assert listed(f"?customer={ada.pk}") == [ada_quota.pk, ada_payment.pk]
    assert listed("?reason=payment_failed") == [bob_payment.pk, ada_payment.pk]
    assert listed(f"?customer={ada.pk}&reason=over_quota&status=active") == [ada_quota.pk]


def test_grace_period_list_paginates_newest_first(tenant: Tenant):
    customer = customer_record(tenant.app)
    opened = [
        over_quota_open(tenant.app, customer, metric_record(tenant.app, f"metric_{index}"))[0].pk
        for index in range(3)
    ]

    first = tenant.client.get("/v1/grace-periods?limit=2").json()
    second = tenant.client.get(
        f"/v1/grace-periods?limit=2&starting_after={first['data'][-1]['id']}"
    ).json()

    assert [item["id"] for item in first["data"] + second["data"]] == opened[::-1]
    assert (first["has_more"], second["has_more"]) == (True, False)


def test_grace_period_list_rejects_an_unknown_status(tenant: Tenant):
    response = tenant.client.get("/v1/grace-periods?status=paused")

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "status"


def test_grace_period_list_shows_only_the_callers_periods(tenant: Tenant, other_tenant: Tenant):
    mine, _ = payment_failed_open(
        tenant.app, past_due_subscription_record(tenant.app, customer_record(tenant.app))
    )
    payment_failed_open(
        other_tenant.app,
        past_due_subscription_record(other_tenant.app, customer_record(other_tenant.app)),
    )

    body = tenant.client.get("/v1/grace-periods").json()

    assert [grace_period["id"] for grace_period in body["data"]] == [mine.pk]


def test_openapi_schema_documents_the_grace_period_routes(anonymous_client, db):
    paths = anonymous_client.get("/api/schema/?format=json").json()["paths"]

    assert "get" in paths["/v1/grace-periods"]
    assert "get" in paths["/v1/grace-periods/{id}"]
    assert "post" in paths["/v1/grace-periods/{id}/resolve"]
