"""Attack: PostgreSQL connections killed (`pg_terminate_backend`) under requests in flight.

Each request below waits on a table lock the test holds, so its connection is killed in the
middle of its own statement, not between requests (where the health check replaces it)."""

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from rest_framework.test import APIClient

from backoffice.services import app_create
from tests.database import database_observer
from tests.factories import TEST_OPERATOR

pytestmark = pytest.mark.django_db(transaction=True)

_CUSTOMERS_TABLE = "billing_customer"


def _client() -> APIClient:
    _, _, raw_key = app_create(name="Killed connections", actor=TEST_OPERATOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


def _while_the_table_is_locked_kill_the_request(request: Callable[[], Any]) -> tuple[Any, int]:
    """Runs `request` on its own thread (its own connection) while this test holds an exclusive
    lock on the customers table, kills the backend that waits for the lock, then lets go."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["response"] = request()
        finally:
            connections.close_all()

    # The lock holder and the watcher are two connections: within a transaction,
    # pg_stat_activity is a snapshot that would never show the request arrive.
    with database_observer() as holder, database_observer() as observer, holder.transaction():
        holder.execute(f"LOCK TABLE {_CUSTOMERS_TABLE} IN ACCESS EXCLUSIVE MODE")
        thread = threading.Thread(target=run)
        thread.start()
        killed = 0
        deadline = time.monotonic() + 10
        while not killed and time.monotonic() < deadline:
            row = observer.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE %s",
                [f"%{_CUSTOMERS_TABLE}%"],
            ).fetchone()
            if row is None:
                time.sleep(0.02)
                continue
            (terminated,) = observer.execute("SELECT pg_terminate_backend(%s)", [row[0]]).fetchone()
            assert terminated is True
            killed = row[0]
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert killed, "the request never waited on the lock"
    return outcome["response"], killed


def test_a_read_whose_connection_is_killed_is_retried_on_a_fresh_one() -> None:
    client = _client()
    created = client.post("/v1/customers", {"external_id": "reader-1"}, format="json")
    assert created.status_code == 201, created.content

    response, killed = _while_the_table_is_locked_kill_the_request(
        lambda: client.get("/v1/customers")
    )

    assert response.status_code == 200, response.content
    assert [customer["id"] for customer in response.json()["data"]] == [created.json()["id"]]
    with database_observer() as observer:
        assert observer.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [killed]
        ).fetchone() == (0,)


def test_a_write_whose_connection_is_killed_answers_503_and_its_retry_creates_it_once(
    stripe: Any,
) -> None:
    client = _client()

    def create() -> Any:
        return client.post(
            "/v1/customers",
            {"external_id": "writer-1", "email": "writer@example.com"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="create-writer-1",
        )

    response, _ = _while_the_table_is_locked_kill_the_request(create)

    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "1"
    error = response.json()["error"]
    assert error["type"] == "api_error"
    assert error["code"] == "database_unavailable"
    assert "Idempotency-Key" in error["message"]

    retried = create()
    assert retried.status_code == 201, retried.content
    assert "Idempotent-Replayed" not in retried
    listed = client.get("/v1/customers", {"external_id": "writer-1"}).json()["data"]
    assert [customer["id"] for customer in listed] == [retried.json()["id"]]
    at_the_provider = [
        obj
        for obj in stripe.state.objects.values()
        if obj.get("object") == "customer" and obj.get("email") == "writer@example.com"
    ]
    assert len(at_the_provider) == 1


def test_a_write_that_fails_on_the_database_leaves_the_connection_usable() -> None:
    client = _client()

    response, _ = _while_the_table_is_locked_kill_the_request(
        lambda: client.post("/v1/customers", {"external_id": "writer-2"}, format="json")
    )
    assert response.status_code == 503

    after = client.get("/v1/customers", {"external_id": "writer-2"})
    assert after.status_code == 200
    assert after.json()["data"] == []
