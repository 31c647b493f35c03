"""Every operator command answers --help at a shell, and refuses bad input with a clear
message (a CommandError, which manage.py prints and exits 1 on)."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]

COMMANDS_AND_BAD_INPUT = {
    "create_app": (["Name", "--provider", "carrier-pigeon"], "provider must be one of"),
    "create_api_key": (["app_doesnotexist"], "No such app"),
    "revoke_api_key": (["psk_test_doesnotexist"], "No such API key"),
    "rotate_api_key": (["psk_test_doesnotexist"], "No such API key"),
    "setup_stripe": (["--base-url", "pay.example.com"], "must start with http"),
    "sync_plans": (["--app", "app_doesnotexist"], "No such app"),
    "sync_usage": (["--app", "app_doesnotexist"], "No such app"),
    "reconcile_usage": (["--app", "app_doesnotexist"], "No such app"),
    "replay_stripe_events": (["--since", "not-a-date"], "since"),
    "expire_grace_periods": (["--as-of", "not-a-date"], "as-of"),
    "audit": (["--format", "xml"], "format"),
}


def _manage(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        check=False,
    )


@pytest.mark.parametrize("command", sorted(COMMANDS_AND_BAD_INPUT))
def test_every_command_explains_itself_with_help(command: str):
    result = _manage(command, "--help")

    assert result.returncode == 0, result.stderr
    assert f"manage.py {command}" in result.stdout
    assert len(result.stdout.splitlines()) > 5


@pytest.mark.parametrize("command", sorted(COMMANDS_AND_BAD_INPUT))
def test_every_command_refuses_bad_input_clearly(command: str, db):
    arguments, message = COMMANDS_AND_BAD_INPUT[command]

    # manage.py turns a CommandError into its message on stderr and exit status 1.
    with pytest.raises(CommandError) as raised:
        call_command(command, *arguments, stdout=StringIO(), stderr=StringIO())

    assert message.lower() in str(raised.value).lower()
