"""How `./run test` spreads the suite over the machine's cores."""

import os

import pytest

from config.launch import test_workers as workers_for


def test_the_whole_suite_runs_on_two_workers_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEST_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 3)

    assert workers_for(["-q", "--durations=15"]) == "6"


def test_picked_tests_and_an_explicit_worker_count_run_in_one_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TEST_WORKERS", raising=False)

    assert workers_for(["tests/billing", "-k", "refund"]) == "0"
    assert workers_for(["-n", "4"]) == "0"
    assert workers_for(["--numprocesses=3"]) == "0"


def test_test_workers_overrides_the_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_WORKERS", "1")

    assert workers_for(["-q"]) == "1"
