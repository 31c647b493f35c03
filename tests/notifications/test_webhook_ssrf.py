"""Outbound webhooks never reach our own network, however the URL is spelled (issue item 1)."""

import pytest
from rest_framework.test import APIClient

from tests.factories import Tenant, deliveries_of, endpoint_create


def _create(api: APIClient, url: str):
    return api.post("/v1/webhook-endpoints", {"url": url, "enabled_events": ["*"]}, format="json")


def test_webhook_endpoint_backslash_host_ssrf_is_refused(api: APIClient, settings, receiver):
    port = receiver.base_url.rsplit(":", 1)[1]

    for allowed in (False, True):
        settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = allowed
        response = _create(api, f"http://127.0.0.1:{port}\\@93.184.215.14/x")

        assert response.status_code == 400, response.content
        assert response.json()["error"]["param"] == "url"
    assert receiver.received == []


def test_webhook_endpoint_loopback_refusal_names_the_setting(api: APIClient, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = False

    response = _create(api, "http://127.0.0.1:8000/hooks")

    assert response.status_code == 400
    assert "WEBHOOK_ALLOW_PRIVATE_DESTINATIONS" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "host",
    [
        "[::ffff:127.0.0.1]",
        "[::127.0.0.1]",
        "[64:ff9b::7f00:1]",
        "[64:ff9b::a00:1]",
        "[2002:7f00:1::]",
        "[2002:c0a8:101::1]",
        "[::ffff:169.254.169.254]",
    ],
)
def test_webhook_endpoint_ipv6_embedding_a_private_ipv4_ssrf_is_refused(
    api: APIClient, settings, host: str
):
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = False

    response = _create(api, f"http://{host}/hooks")

    assert response.status_code == 400, host
    assert response.json()["error"]["param"] == "url"


def test_webhook_destination_body_is_not_echoed_into_the_delivery_log(
    tenant: Tenant, receiver, publish
):
    endpoint = endpoint_create(tenant.client, url=receiver.url("/hooks"))
    receiver.expect_secret("/hooks", endpoint["secret"])
    receiver.answer("/hooks", 500)

    publish(app=tenant.app, event_type="refund.created", data={"refund": "re_1"})

    [delivery] = deliveries_of(tenant.client, endpoint["id"])
    assert delivery["last_response_status"] == 500
    assert delivery["last_error"].startswith("HTTP 500")
    assert "receiver says" not in delivery["last_error"]


def test_webhook_redirect_location_is_neither_followed_nor_echoed(
    tenant: Tenant, receiver, publish
):
    endpoint = endpoint_create(tenant.client, url=receiver.url("/hooks"))
    receiver.expect_secret("/hooks", endpoint["secret"])
    receiver.answer("/hooks", 302, headers={"Location": "http://169.254.169.254/latest/"})

    publish(app=tenant.app, event_type="refund.created", data={"refund": "re_1"})

    [delivery] = deliveries_of(tenant.client, endpoint["id"])
    assert len(receiver.at("/hooks")) == 1
    assert "169.254.169.254" not in delivery["last_error"]


def test_webhook_delivery_to_a_name_connects_to_the_address_it_checked(
    tenant: Tenant, receiver, publish
):
    port = receiver.base_url.rsplit(":", 1)[1]
    endpoint = endpoint_create(tenant.client, url=f"http://localhost:{port}/hooks")
    receiver.expect_secret("/hooks", endpoint["secret"])

    publish(app=tenant.app, event_type="refund.created", data={"refund": "re_1"})

    [received] = receiver.at("/hooks")
    assert received.signature_error is None
    assert received.headers["Host"] == f"localhost:{port}"
