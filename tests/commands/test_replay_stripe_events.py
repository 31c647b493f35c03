from collections.abc import Iterator
from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from djstripe.models import Event
from djstripe.signals import WEBHOOK_SIGNALS

# A type dj-stripe itself does not handle, so only the test's handler runs.
EVENT_TYPE = "billing.alert.triggered"


def _stored_event(event_id: str, created: datetime, event_type: str = EVENT_TYPE) -> Event:
    """Stores an event as dj-stripe does when a webhook arrives."""
    return Event.sync_from_stripe_data(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "created": int(created.timestamp()),
            "livemode": False,
            "api_version": "2026-08-26.dahlia",
            "data": {"object": {"id": f"alrt_{event_id}", "object": "billing.alert"}},
            "request": {"id": None, "idempotency_key": None},
            "pending_webhooks": 0,
        }
    )


class Handled:
    def __init__(self) -> None:
        self.event_ids: list[str] = []
        self.failing: set[str] = set()

    def __call__(self, sender: Any, event: Event, **kwargs: Any) -> None:
        if event.id in self.failing:
            raise RuntimeError("the handler broke")
        self.event_ids.append(event.id)


@pytest.fixture
def handled() -> Iterator[Handled]:
    handler = Handled()
    signal = WEBHOOK_SIGNALS[EVENT_TYPE]
    signal.connect(handler, sender=Event, weak=False, dispatch_uid="replay-test")
    yield handler
    signal.disconnect(sender=Event, dispatch_uid="replay-test")


@pytest.fixture
def events(db: Any) -> list[Event]:
    return [
        _stored_event("evt_jan", datetime(2026, 1, 15, tzinfo=UTC)),
        _stored_event("evt_feb", datetime(2026, 2, 15, tzinfo=UTC)),
        _stored_event("evt_mar", datetime(2026, 3, 15, tzinfo=UTC)),
    ]


def _run(*arguments: str) -> str:
    output = StringIO()
    call_command("replay_stripe_events", *arguments, stdout=output, stderr=StringIO())
    return output.getvalue()


def test_replaying_by_id_runs_each_named_event_s_handlers_again(events, handled: Handled):
    output = _run("--id", "evt_mar", "--id", "evt_jan")

    assert handled.event_ids == ["evt_jan", "evt_mar"]
    assert f"Replayed evt_jan {EVENT_TYPE} (created 2026-01-15T00:00:00+00:00)" in output
    assert "Replayed 2 event(s)." in output


def test_replaying_a_time_range_takes_the_events_stripe_created_in_it_oldest_first(
    events, handled: Handled
):
    _run("--since", "2026-02-01", "--until", "2026-03-31T00:00:00Z")

    assert handled.event_ids == ["evt_feb", "evt_mar"]


def test_replaying_twice_runs_the_handlers_twice_and_stores_no_new_event(events, handled: Handled):
    _run("--id", "evt_feb")
    _run("--id", "evt_feb")

    assert handled.event_ids == ["evt_feb", "evt_feb"]
    assert Event.objects.count() == 3


def test_a_dry_run_lists_the_events_and_runs_no_handler(events, handled: Handled):
    output = _run("--since", "2026-01-01", "--dry-run")

    assert handled.event_ids == []
    assert output.splitlines() == [
        f"Would replay evt_jan {EVENT_TYPE} (created 2026-01-15T00:00:00+00:00)",
        f"Would replay evt_feb {EVENT_TYPE} (created 2026-02-15T00:00:00+00:00)",
        f"Would replay evt_mar {EVENT_TYPE} (created 2026-03-15T00:00:00+00:00)",
        "Would replay 3 event(s).",
    ]


def test_the_type_filter_narrows_a_time_range(events, handled: Handled):
    _stored_event("evt_other", datetime(2026, 2, 20, tzinfo=UTC), event_type="coupon.created")

    output = _run(
        "--since", "2026-02-01", "--until", "2026-03-01", "--type", EVENT_TYPE, "--dry-run"
    )

    assert "evt_feb" in output
    assert "evt_other" not in output


def test_an_unknown_id_fails_and_replays_nothing(events, handled: Handled):
    with pytest.raises(CommandError, match="No stored event with the id evt_nope"):
        _run("--id", "evt_jan", "--id", "evt_nope")

    assert handled.event_ids == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((), "Name the events"),
        (("--id", "cus_123"), "Not a Stripe event id: cus_123"),
        (("--since", "yesterday"), "--since must be an ISO 8601 timestamp"),
        (("--since", "2026-03-01", "--until", "2026-02-01"), "--since must be before --until"),
    ],
)
def test_bad_input_fails_with_a_clear_message(
    events, handled: Handled, arguments: tuple[str, ...], message: str
):
    with pytest.raises(CommandError, match=message):
        _run(*arguments)

    assert handled.event_ids == []


def test_a_failing_handler_is_reported_the_others_still_replay_and_the_exit_is_non_zero(
    events, handled: Handled
):
    handled.failing.add("evt_feb")
    errors = StringIO()

    with pytest.raises(CommandError, match="1 of 3 event\\(s\\) failed: evt_feb"):
        call_command(
            "replay_stripe_events", "--since", "2026-01-01", stdout=StringIO(), stderr=errors
        )

    assert handled.event_ids == ["evt_jan", "evt_mar"]
    assert "Failed evt_feb" in errors.getvalue()
    assert "RuntimeError: the handler broke" in errors.getvalue()


def test_no_matching_events_is_said_plainly(events, handled: Handled):
    output = _run("--since", "2030-01-01")

    assert output.strip() == "No stored events match; nothing replayed."
    assert handled.event_ids == []


def test_bad_input_exits_non_zero_from_the_command_line(capsys):
    command_line = ManagementUtility(["manage.py", "replay_stripe_events", "--skip-checks"])

    with pytest.raises(SystemExit) as exited:
        command_line.execute()

    assert exited.value.code != 0
    assert "Name the events" in capsys.readouterr().err


def test_the_help_names_every_option(capsys):
    command_line = ManagementUtility(["manage.py", "replay_stripe_events", "--help"])

    with pytest.raises(SystemExit) as exited:
        command_line.execute()

    help_text = capsys.readouterr().out
    assert exited.value.code == 0
    for option in ("--id", "--since", "--until", "--type", "--dry-run"):
        assert option in help_text
