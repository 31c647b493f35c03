"""What the usage benchmarks share: a scratch database, the Stripe emulator, the service under
gunicorn as in production, an app and its key, and a small keep-alive load generator.

Not part of the test suite. Each benchmark is one command (`python bench/usage_batch.py`, …)
run from the repository root with the project's virtualenv.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
EMULATOR_SECRET_KEY = "sk_test_" + "emulator" * 4
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout_seconds: float = 30) -> None:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"[bench] nothing answered on port {port} after {timeout_seconds} s")


def scratch_database_url() -> str:
    """BENCH_DATABASE_URL, or a `ps_usage_bench` database next to DATABASE_URL's."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    base = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL)
    return base._replace(path="/ps_usage_bench").geturl()


def ensure_database(url: str, *, fresh: bool) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and fresh:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            say(f"created the scratch database {name}")


@dataclass
class Service:
    base_url: str
    port: int
    api_key: str
    app_id: str
    env: dict[str, str]
    database_url: str


def manage(env: dict[str, str], *arguments: str) -> str:
    completed = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return completed.stdout


@contextmanager
def service(*, workers: int = 4, fresh: bool = False) -> Iterator[Service]:
    """The emulator and the service under gunicorn (DEBUG off, production settings, several
    workers) on free ports, against the scratch database; an app and key made with
    `manage.py create_app --json`."""
    database_url = scratch_database_url()
    ensure_database(database_url, fresh=fresh)
    emulator_port, port = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "APP_SECRET": "bench-only-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
        "STRIPE_SECRET_KEY": EMULATOR_SECRET_KEY,
        "STRIPE_API_HOST": f"http://127.0.0.1:{emulator_port}",
        # The benchmark measures the service, not the per-app rate limit (1,000/s by default).
        "API_RATE_LIMIT_PER_SECOND": "1000000",
        "LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    children: list[subprocess.Popen] = []
    descriptor, log_path = tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")
    log = os.fdopen(descriptor, "w")
    try:
        children.append(
            subprocess.Popen(  # noqa: S603 - our own interpreter
                [sys.executable, "-m", "stripe_emulator", "--port", str(emulator_port)],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_for_port(emulator_port)
        say("migrating the scratch database (slow the first time: dj-stripe's migrations)")
        manage(env, "migrate", "--noinput")
        created = json.loads(manage(env, "create_app", "Bench", "--json").strip().splitlines()[-1])
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        children.append(
            subprocess.Popen(  # noqa: S603 - the virtualenv's gunicorn
                [
                    gunicorn,
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--worker-class",
                    os.environ.get("BENCH_WORKER_CLASS", "sync"),
                    "--threads",
                    os.environ.get("BENCH_THREADS", "1"),
                    "--access-logfile",
                    "-",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        )
        wait_for_port(port)
        say(
            f"gunicorn: {workers} workers on port {port}, production settings; "
            f"emulator on port {emulator_port}; app {created['app_id']}"
        )
        yield Service(
            base_url=f"http://127.0.0.1:{port}",
            port=port,
            api_key=created["api_key"],
            app_id=created["app_id"],
            env=env,
            database_url=database_url,
        )
    finally:
        for child in reversed(children):
            child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        log.close()
        say(f"gunicorn's log: {log_path}")


class Client:
    """One keep-alive connection (reopened when the server closes it, as sync workers do)."""

    def __init__(self, port: int, api_key: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=self.headers)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, payload: Any = None) -> tuple[int, Any]:
        status, body = self.request(
            method, path, None if payload is None else json.dumps(payload).encode()
        )
        return status, json.loads(body) if body else None


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0

    def line(self, label: str, *, units_per_request: int = 1, unit: str = "req") -> str:
        rate = self.requests * units_per_request / self.seconds if self.seconds else 0.0
        return (
            f"{label}: {rate:,.0f} {unit}/s over {self.requests:,} requests in "
            f"{self.seconds:.1f} s; latency p50 {self.percentile(0.50) * 1000:.1f} ms, "
            f"p99 {self.percentile(0.99) * 1000:.1f} ms, max {max(self.latencies) * 1000:.1f} ms; "
            f"statuses {dict(sorted(self.statuses.items()))}"
        )


def _worker(
    port: int,
    api_key: str,
    jobs: list[tuple[str, str, bytes | None]],
    threads: int,
    interval: float | None,
    start_at: float,
    output: Any,
) -> None:
    """A process of the load generator: `threads` connections share `jobs` (closed loop), or
    send them at a fixed `interval` each (open loop)."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    cursor = iter(range(len(jobs)))

    def run(offset: int) -> None:
        client = Client(port, api_key)
        local_latencies, local_statuses = [], {}
        next_send = start_at + offset * (interval or 0) / threads
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                break
            if interval is not None:
                pause = next_send - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                next_send += interval
            method, path, body = jobs[index]
            started = time.monotonic()
            status, _ = client.request(method, path, body)
            local_latencies.append(time.monotonic() - started)
            local_statuses[status] = local_statuses.get(status, 0) + 1
        with lock:
            latencies.extend(local_latencies)
            for status, count in local_statuses.items():
                statuses[status] = statuses.get(status, 0) + count

    pause = start_at - time.monotonic()
    if pause > 0:
        time.sleep(pause)
    workers = [threading.Thread(target=run, args=(offset,)) for offset in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    output.put((latencies, statuses))


def load(
    svc: Service,
    jobs: list[tuple[str, str, bytes | None]],
    *,
    processes: int = 2,
    threads: int = 4,
    rate_per_second: float | None = None,
) -> LoadResult:
    """Runs `jobs` (method, path, body) from `processes` × `threads` keep-alive clients, as
    fast as they answer, or at `rate_per_second` in total. Bodies are made before the clock
    starts."""
    context = multiprocessing.get_context("fork")
    output = context.Queue()
    shares = [jobs[index::processes] for index in range(processes)]
    interval = None if rate_per_second is None else processes * threads / rate_per_second
    start_at = time.monotonic() + 0.5
    children = [
        context.Process(
            target=_worker,
            args=(svc.port, svc.api_key, share, threads, interval, start_at, output),
        )
        for share in shares
    ]
    for child in children:
        child.start()
    result = LoadResult()
    for _ in children:
        latencies, statuses = output.get()
        result.latencies.extend(latencies)
        for status, count in statuses.items():
            result.statuses[status] = result.statuses.get(status, 0) + count
    for child in children:
        child.join()
    result.seconds = time.monotonic() - start_at
    return result


def setup_customers_and_metrics(
    svc: Service, *, customers: int, metrics: dict[str, str]
) -> list[str]:
    """Creates the metrics and customers through the API; returns the customers' external ids."""
    client = Client(svc.port, svc.api_key)
    for code, aggregation in metrics.items():
        status, body = client.json(
            "POST", "/v1/metrics", {"code": code, "name": code, "aggregation": aggregation}
        )
        assert status == 201, body
    external_ids = [f"bench-user-{number}" for number in range(customers)]

    def create(chunk: list[str]) -> None:
        own = Client(svc.port, svc.api_key)
        for external_id in chunk:
            status, body = own.json("POST", "/v1/customers", {"external_id": external_id})
            assert status == 201, body

    threads = [
        threading.Thread(target=create, args=(external_ids[index::8],)) for index in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return external_ids
