import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tenants.models import ApiKey, App


def _run(*arguments: str) -> str:
    output = StringIO()
    call_command(*arguments, stdout=output)
    return output.getvalue()


def _client(raw_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


def test_create_app_prints_a_working_key_on_its_last_line(db):
    output = _run("create_app", "Acme CRM")

    raw_key = output.strip().splitlines()[-1]
    response = _client(raw_key).get("/v1/app")
    assert response.status_code == 200
    assert response.json()["name"] == "Acme CRM"


def test_create_app_json_prints_one_line_for_scripts(db):
    output = _run("create_app", "Scripted", "--json")

    lines = output.strip().splitlines()
    assert len(lines) == 1
    created = json.loads(lines[0])
    assert App.objects.get(pk=created["app_id"]).name == "Scripted"
    assert _client(created["api_key"]).get("/v1/app").json()["id"] == created["app_id"]


def test_create_app_records_audit_events_for_the_app_and_its_key(db):
    created = json.loads(_run("create_app", "Audited", "--json"))

    app = App.objects.get(pk=created["app_id"])
    actions = set(AuditEvent.objects.for_app(app).values_list("action_type", flat=True))
    assert actions == {"CREATE_APP", "CREATE_API_KEY"}
    assert all(event.actor_id.startswith("staff:cli:") for event in AuditEvent.objects.for_app(app))


def test_create_app_with_an_unknown_provider_fails_clearly(db):
    with pytest.raises(CommandError, match="provider must be one of"):
        _run("create_app", "Bad", "--provider", "carrier-pigeon")


def test_create_api_key_adds_a_second_working_key(db):
    created = json.loads(_run("create_app", "Two keys", "--json"))

    second = json.loads(_run("create_api_key", created["app_id"], "--name", "ci", "--json"))

    assert second["api_key"] != created["api_key"]
    assert _client(second["api_key"]).get("/v1/app").json()["id"] == created["app_id"]
    assert ApiKey.objects.all_tenants().filter(app_id=created["app_id"]).count() == 2


def test_create_api_key_for_an_unknown_app_fails(db):
    with pytest.raises(CommandError, match="No such app"):
        _run("create_api_key", "app_doesnotexist")


def test_revoke_api_key_makes_the_key_answer_401(db):
    created = json.loads(_run("create_app", "Revoked", "--json"))

    _run("revoke_api_key", created["key_id"])

    response = _client(created["api_key"]).get("/v1/app")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "api_key_revoked"


def test_revoking_twice_fails_clearly(db):
    created = json.loads(_run("create_app", "Twice", "--json"))
    _run("revoke_api_key", created["key_id"])

    with pytest.raises(CommandError, match="already revoked"):
        _run("revoke_api_key", created["key_id"])


def test_rotate_api_key_issues_a_new_key_and_revokes_the_old(db):
    created = json.loads(_run("create_app", "Rotated", "--json"))

    rotated = json.loads(_run("rotate_api_key", created["key_id"], "--json"))

    assert _client(created["api_key"]).get("/v1/app").status_code == 401
    assert _client(rotated["api_key"]).get("/v1/app").status_code == 200
    app = App.objects.get(pk=created["app_id"])
    assert AuditEvent.objects.for_app(app).filter(action_type="ROTATE_API_KEY").count() == 1


def test_create_app_with_provider_paypal_makes_a_paypal_app_operators_see_in_the_admin(
    db, admin_client
):
    paypal = json.loads(_run("create_app", "PayPal shop", "--provider", "paypal", "--json"))
    stripe = json.loads(_run("create_app", "Stripe shop", "--json"))

    shown = _client(paypal["api_key"]).get("/v1/app").json()
    listed = admin_client.get("/admin/tenants/app/").content.decode()
    filtered = admin_client.get("/admin/tenants/app/?provider__exact=paypal").content.decode()
    page = admin_client.get(f"/admin/tenants/app/{paypal['app_id']}/change/").content.decode()

    assert (shown["id"], shown["provider"]) == (paypal["app_id"], "paypal")
    assert App.objects.get(pk=stripe["app_id"]).provider == "stripe"
    rows = re.findall(r"<tr>.*?</tr>", listed, re.S)
    assert any("PayPal shop" in row and ">paypal<" in row.lower() for row in rows)
    assert any("Stripe shop" in row and ">stripe<" in row.lower() for row in rows)
    assert "PayPal shop" in filtered and "Stripe shop" not in filtered
    assert "paypal" in page.lower()
    [created] = AuditEvent.objects.for_app(App.objects.get(pk=paypal["app_id"])).filter(
        action_type="CREATE_APP"
    )
    assert created.payload_snapshot.get("provider") == "paypal"
