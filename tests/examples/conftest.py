"""The demo apps of examples/, each started as its own process (its own Django, its own SQLite)
with its client pointed at the service on a live server, and driven in Chromium by Playwright."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from djstripe.models import WebhookEndpoint
from payment_service_client import PaymentService

from tests.factories import Tenant

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

ROOT = Path(django_settings.BASE_DIR)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGUMENTS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
OUTPUT_DIRECTORY = ROOT / "test-output" / "examples"
PASSWORD = "correct-horse-battery"

browser_required = [
    pytest.mark.skipif(sync_playwright is None, reason="the playwright package is not installed"),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is missing (apt-get install -y chromium; .ci/run does it)",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the demo exited:\n{log.read_text()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"the demo did not answer on {port}:\n{log.read_text()}")


@pytest.fixture
def service(tenant: Tenant, live_server: Any) -> Iterator[PaymentService]:
    """The app's client against the live service: what the test reads and moves, over HTTP
    (no ORM in the test's thread while Playwright's loop runs there)."""
    with PaymentService(tenant.raw_key, live_server.url, timeout=30) as client:
        yield client


@pytest.fixture
def demo(
    tenant: Tenant,
    live_server: Any,
    stripe_webhooks: WebhookEndpoint,
    settings: Any,
    tmp_path: Path,
) -> Iterator[Callable[..., str]]:
    """`demo("coursehub")` starts that demo app on a free port, as `./run demo` does, and
    answers its address; keyword arguments are more environment variables for it."""
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = True  # the demo listens on 127.0.0.1
    started: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(name: str, **environment_extra: str) -> str:
        port = _free_port()
        log_path = tmp_path / f"{name}.log"
        log = log_path.open("wb")  # closed by the process's exit; shown when a test fails
        environment = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "examples"), str(ROOT / "clients/python")]),
            "PAYMENT_SERVICE_URL": live_server.url,
            "PAYMENT_SERVICE_API_KEY": tenant.raw_key,
            "DEMO_BASE_URL": f"http://127.0.0.1:{port}",
            "DEMO_DATA_DIR": str(tmp_path / name),
            **environment_extra,
        }
        environment.pop("DJANGO_SETTINGS_MODULE", None)
        process = subprocess.Popen(  # noqa: S603 - our own module, our arguments
            [sys.executable, "-m", "demo_common.serve", name, "--port", str(port)],
            cwd=ROOT / "examples",
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append((process, log_path))
        _wait_for(port, process, log_path)
        return f"http://127.0.0.1:{port}"

    yield start
    for process, log_path in started:
        process.terminate()
        process.wait(timeout=10)
        print(f"--- {log_path.name} ---\n{log_path.read_text()}")


@pytest.fixture
def browser() -> Iterator["Browser"]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGUMENTS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def page_open(browser: "Browser") -> "Page":
    page = browser.new_context(viewport={"width": 1100, "height": 800}).new_page()
    page.set_default_timeout(20_000)
    return page


_SESSION_STARTED = time.time()


def shot(page: "Page", demo: str, name: str) -> None:
    OUTPUT_DIRECTORY.mkdir(parents=True, exist_ok=True)
    path = OUTPUT_DIRECTORY / f"{demo}_{name}.png"
    page.screenshot(path=str(path), full_page=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Where this run's screenshots are (also under pytest-xdist, whose workers took them)."""
    taken = [
        path for path in OUTPUT_DIRECTORY.glob("*.png") if path.stat().st_mtime >= _SESSION_STARTED
    ]
    if taken:
        terminalreporter.write_line(f"[examples] {len(taken)} screenshots in {OUTPUT_DIRECTORY}")


def sign_up(page: "Page", base_url: str, username: str) -> None:
    page.goto(f"{base_url}/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#signup").click()
    page.wait_for_url(f"{base_url}/**")


def log_in(page: "Page", base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.locator("#login").click()
    page.wait_for_url(f"{base_url}/**")


def card_type(page: "Page", number: str) -> None:
    """Fills the emulator's hosted Checkout page."""
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry (MM / YY)").fill("12 / 34")
    page.get_by_label("CVC").fill("123")


def clock_advance(page: "Page", days: int) -> None:
    """The demo's own control: moves the customer's test clock through the client."""
    page.get_by_label("Advance by").select_option(str(days))
    page.locator("#advance-clock").click()
    page.wait_for_load_state()


def events_received(page: "Page", base_url: str) -> list[str]:
    """The event types the demo's webhook receiver verified and kept, newest first."""
    page.goto(f"{base_url}/events/")
    return page.locator(".event-type").all_inner_texts()
