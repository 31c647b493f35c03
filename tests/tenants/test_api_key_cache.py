"""Each process caches the keys it authenticated (tenants.selectors); a change to a key or an
app made by any process takes effect on the very next request."""

from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.throttling import redis_client
from backoffice.services import api_key_revoke
from tenants.selectors import API_KEYS_EPOCH_KEY
from tests.factories import TEST_OPERATOR, Tenant

needs_redis = pytest.mark.skipif(
    not settings.REDIS_URL, reason="the key cache lives only where REDIS_URL is set"
)


def _queries_of(tenant: Tenant) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = tenant.client.get("/v1/app")
    return response.status_code, [query["sql"] for query in captured.captured_queries]


@needs_redis
def test_a_key_seen_before_is_checked_without_reading_the_database(tenant: Tenant):
    first_status, first_queries = _queries_of(tenant)
    second_status, second_queries = _queries_of(tenant)

    assert (first_status, second_status) == (200, 200)
    assert any("tenants_apikey" in sql for sql in first_queries)
    assert second_queries == []


@needs_redis
def test_revoking_a_key_that_was_cached_answers_401_on_the_next_request(tenant: Tenant):
    assert tenant.client.get("/v1/app").status_code == 200

    api_key_revoke(key_id=tenant.api_key.pk, actor=TEST_OPERATOR)

    response = tenant.client.get("/v1/app")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "api_key_revoked"


@needs_redis
def test_a_change_made_by_another_process_reaches_this_one_through_the_epoch(tenant: Tenant):
    assert tenant.client.get("/v1/app").status_code == 200
    # Another process revokes the key: its row changes and it bumps the shared epoch (which is
    # all its api_keys_changed() does beyond its own process).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tenants_apikey SET revoked_at = now() WHERE id = %s", [tenant.api_key.pk]
        )
    redis_client().incr(API_KEYS_EPOCH_KEY)

    assert tenant.client.get("/v1/app").status_code == 401


@needs_redis
def test_disabling_an_app_in_the_admin_way_answers_401_at_once(tenant: Tenant):
    assert tenant.client.get("/v1/app").status_code == 200

    tenant.app.is_active = False
    tenant.app.save()

    response = tenant.client.get("/v1/app")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "app_disabled"


def test_without_redis_every_request_reads_the_key(tenant: Tenant, settings: Any):
    settings.REDIS_URL = ""

    statuses_and_queries = [_queries_of(tenant) for _ in range(2)]

    for status, queries in statuses_and_queries:
        assert status == 200
        assert any("tenants_apikey" in sql for sql in queries)


@needs_redis
def test_a_redis_that_forgot_its_scripts_still_counts_and_checks(tenant: Tenant):
    assert tenant.client.get("/v1/app").status_code == 200
    redis_client().script_flush()

    assert tenant.client.get("/v1/app").status_code == 200
    api_key_revoke(key_id=tenant.api_key.pk, actor=TEST_OPERATOR)
    assert tenant.client.get("/v1/app").status_code == 401


@needs_redis
def test_a_wrong_secret_for_a_cached_keys_id_is_refused_and_evicts_nothing(
    tenant: Tenant, anonymous_client
):
    assert tenant.client.get("/v1/app").status_code == 200
    forged = tenant.raw_key[:-4] + ("aaaa" if not tenant.raw_key.endswith("aaaa") else "bbbb")
    anonymous_client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")

    assert anonymous_client.get("/v1/app").status_code == 401
    status, queries = _queries_of(tenant)
    assert (status, queries) == (200, [])
