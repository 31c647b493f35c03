"""The database backend's health check (config/postgresql): a persistent connection is checked
before a request reuses it without a round trip, and one the server closed is replaced."""

import select
import time
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from backoffice.services import app_create
from tests.database import database_observer
from tests.factories import TEST_OPERATOR

pytestmark = pytest.mark.django_db(transaction=True)


def _request_starts() -> None:
    """What Django does to the connection when a request starts (close_old_connections)."""
    connection.health_check_done = False
    connection.close_if_health_check_failed()


def test_the_service_runs_on_the_checking_backend() -> None:
    assert settings.DATABASES["default"]["ENGINE"] == "config.postgresql"
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_a_healthy_connection_is_reused_and_the_check_sends_nothing() -> None:
    connection.ensure_connection()
    raw = connection.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'health-check-marker'")
    pid = raw.info.backend_pid

    _request_starts()

    assert connection.connection is raw
    with database_observer() as observer:
        (last_query,) = observer.execute(
            "SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]
        ).fetchone()
    assert last_query == "SELECT 'health-check-marker'"


def test_a_connection_the_server_closed_is_replaced_before_the_next_request(
    stripe: Any,
) -> None:
    _, _, raw_key = app_create(name="Health", actor=TEST_OPERATOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert client.get("/v1/app").status_code == 200
    connection.ensure_connection()
    raw = connection.connection
    with database_observer() as observer:
        observer.execute("SELECT pg_terminate_backend(%s)", [raw.info.backend_pid])
    poller = select.poll()
    poller.register(raw.pgconn.socket, select.POLLIN)
    deadline = time.monotonic() + 5
    while not poller.poll(50) and time.monotonic() < deadline:
        pass

    _request_starts()

    assert connection.connection is None
    response = client.get("/v1/app")
    assert response.status_code == 200, response.content
    assert connection.connection is not raw
