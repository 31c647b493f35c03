import csv
import json
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, ManagementUtility, call_command

from billing.services import customer_create, customer_update
from grace.models import GraceReason
from grace.services import grace_period_open, grace_period_resolve
from tenants.actors import Actor
from tests.factories import Tenant

ALICE = Actor.staff("alice")


def _run(*arguments: str) -> str:
    output = StringIO()
    call_command("audit", *arguments, stdout=output, stderr=StringIO())
    return output.getvalue()


def _jsonl(*arguments: str) -> list[dict]:
    return [json.loads(line) for line in _run(*arguments).splitlines()]


@pytest.fixture
def trail(tenant: Tenant, other_tenant: Tenant) -> dict[str, str]:
    """A small history: customers made in January and February, a grace period opened in
    March and resolved by alice in April, and a customer of another app."""
    with time_machine.travel(datetime(2026, 1, 10, tzinfo=UTC), tick=False):
        first = customer_create(app=tenant.app, actor=ALICE, external_id="user-1")
    with time_machine.travel(datetime(2026, 2, 10, tzinfo=UTC), tick=False):
        customer_update(app=tenant.app, actor=ALICE, customer_id=first.pk, email="a@example.com")
    with time_machine.travel(datetime(2026, 3, 10, tzinfo=UTC), tick=False):
        grace_period, _ = grace_period_open(
            app=tenant.app, actor=ALICE, customer=first, reason=GraceReason.PAYMENT_FAILED
        )
    with time_machine.travel(datetime(2026, 4, 10, tzinfo=UTC), tick=False):
        grace_period_resolve(
            app=tenant.app, actor=ALICE, grace_period_id=grace_period.pk, note="paid"
        )
        other = customer_create(app=other_tenant.app, actor=ALICE, external_id="user-9")
    return {"customer": first.pk, "grace_period": grace_period.pk, "other_customer": other.pk}


def test_an_app_s_trail_is_exported_as_json_lines_newest_first(
    tenant: Tenant, trail: dict[str, str]
):
    events = _jsonl("--app", tenant.app.pk, "--until", "2026-05-01")

    assert [event["action_type"] for event in events] == [
        "RESOLVE_GRACE_PERIOD",
        "OPEN_GRACE_PERIOD",
        "UPDATE_CUSTOMER",
        "CREATE_CUSTOMER",
    ]
    assert {event["app_id"] for event in events} == {tenant.app.pk}
    assert events[0]["actor_id"] == "staff:alice"
    assert events[0]["actor_type"] == "staff"
    assert events[0]["target_id"] == trail["grace_period"]
    assert events[0]["payload_snapshot"]["note"] == "paid"
    assert events[0]["created_at"] == "2026-04-10T00:00:00+00:00"


def test_without_an_app_every_app_s_events_are_exported(
    tenant: Tenant, other_tenant: Tenant, trail: dict[str, str]
):
    events = _jsonl("--action", "create_customer", "--since", "2026-01-01")

    assert {event["target_id"] for event in events} == {trail["customer"], trail["other_customer"]}
    assert {event["app_id"] for event in events} == {tenant.app.pk, other_tenant.app.pk}


def test_filters_combine(tenant: Tenant, trail: dict[str, str]):
    by_target = _jsonl(
        "--app",
        tenant.app.pk,
        "--target-type",
        "grace_period",
        "--target-id",
        trail["grace_period"],
    )
    by_time = _jsonl("--app", tenant.app.pk, "--since", "2026-02-01", "--until", "2026-04-01")
    by_actions = _jsonl(
        "--app", tenant.app.pk, "--action", "OPEN_GRACE_PERIOD", "--action", "CREATE_CUSTOMER"
    )
    newest = _jsonl("--app", tenant.app.pk, "--until", "2026-05-01", "--limit", "1")
    by_actor = _jsonl("--app", tenant.app.pk, "--actor", "staff:bob")

    assert [event["action_type"] for event in by_target] == [
        "RESOLVE_GRACE_PERIOD",
        "OPEN_GRACE_PERIOD",
    ]
    assert [event["action_type"] for event in by_time] == ["OPEN_GRACE_PERIOD", "UPDATE_CUSTOMER"]
    assert [event["action_type"] for event in by_actions] == [
        "OPEN_GRACE_PERIOD",
        "CREATE_CUSTOMER",
    ]
    assert [event["action_type"] for event in newest] == ["RESOLVE_GRACE_PERIOD"]
    assert by_actor == []


def test_csv_goes_to_a_file_with_a_header_and_the_payload_as_json(
    tenant: Tenant, trail: dict[str, str], tmp_path: Path
):
    path = tmp_path / "trail.csv"
    errors = StringIO()

    call_command(
        "audit",
        "--app",
        tenant.app.pk,
        "--action",
        "RESOLVE_GRACE_PERIOD",
        "--format",
        "csv",
        "--output",
        str(path),
        stdout=StringIO(),
        stderr=errors,
    )

    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 1
    assert rows[0]["action_type"] == "RESOLVE_GRACE_PERIOD"
    assert rows[0]["target_id"] == trail["grace_period"]
    assert json.loads(rows[0]["payload_snapshot"])["note"] == "paid"
    assert list(rows[0]) == [
        "id",
        "created_at",
        "app_id",
        "actor_type",
        "actor_id",
        "action_type",
        "target_type",
        "target_id",
        "request_id",
        "payload_snapshot",
    ]
    assert f"Exported 1 audit event(s) to {path}." in errors.getvalue()


def test_csv_on_stdout_is_one_header_and_one_row_per_event(tenant: Tenant, trail: dict[str, str]):
    output = _run(
        "--app", tenant.app.pk, "--format", "csv", "--since", "2026-03-01", "--until", "2026-05-01"
    )

    rows = list(csv.reader(StringIO(output)))
    assert rows[0][0] == "id"
    assert [row[5] for row in rows[1:]] == ["RESOLVE_GRACE_PERIOD", "OPEN_GRACE_PERIOD"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--app", "app_missing"), "No app with the id 'app_missing'"),
        (("--since", "last tuesday"), "--since must be an ISO 8601 timestamp"),
        (("--until", "2026-13-45"), "--until must be an ISO 8601 timestamp"),
        (("--since", "2026-03-01", "--until", "2026-03-01"), "--since must be before --until"),
        (("--limit", "0"), "--limit must be a positive whole number"),
        (("--limit", "ten"), "--limit must be a positive whole number"),
        (("--output", "/nonexistent-directory/trail.jsonl"), "Cannot write"),
    ],
)
def test_bad_input_fails_with_a_clear_message(db, arguments: tuple[str, ...], message: str):
    with pytest.raises(CommandError, match=message):
        _run(*arguments)


def test_bad_input_exits_non_zero_from_the_command_line(capsys):
    command_line = ManagementUtility(["manage.py", "audit", "--since", "soon", "--skip-checks"])

    with pytest.raises(SystemExit) as exited:
        command_line.execute()

    assert exited.value.code != 0
    assert "--since must be an ISO 8601 timestamp" in capsys.readouterr().err


def test_an_unknown_format_is_refused_by_the_argument_parser(capsys):
    command_line = ManagementUtility(["manage.py", "audit", "--format", "xml", "--skip-checks"])

    with pytest.raises(SystemExit) as exited:
        command_line.execute()

    assert exited.value.code != 0
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_the_help_names_every_option(capsys):
    command_line = ManagementUtility(["manage.py", "audit", "--help"])

    with pytest.raises(SystemExit) as exited:
        command_line.execute()

    help_text = capsys.readouterr().out
    assert exited.value.code == 0
    for option in (
        "--app",
        "--action",
        "--target-type",
        "--target-id",
        "--since",
        "--until",
        "--limit",
        "--format",
        "--output",
    ):
        assert option in help_text
