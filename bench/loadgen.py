"""Load generators that leave the two cores to the service: wrk (C, from Debian's packages) for
closed loops, and a small asyncio client for an open loop at a fixed rate (wrk cannot pace).

The first version of these benchmarks drove the service from threads of `http.client`, which
took most of a core on this 2-core machine and measured the generator as much as the service.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.harness import LoadResult, Service, say

_DURATION_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def wrk_path() -> str:
    """wrk, installed from Debian's packages on first use where we may."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing wrk (apt-get install wrk)")
        subprocess.run(  # noqa: S603 - fixed arguments
            ["apt-get", "install", "-y", "-qq", "wrk"],  # noqa: S607 - the system's apt-get
            check=False,
            capture_output=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit("[bench] wrk is needed: apt-get install wrk (Debian) or brew install wrk")


@dataclass
class WrkResult:
    label: str
    requests: int
    seconds: float
    requests_per_second: float
    p50: float
    p90: float
    p99: float
    max: float
    not_2xx: int
    socket_errors: str

    def line(self) -> str:
        return (
            f"{self.label}: {self.requests_per_second:,.0f} req/s over {self.requests:,} "
            f"requests in {self.seconds:.1f} s; latency p50 {self.p50 * 1000:.1f} ms, "
            f"p90 {self.p90 * 1000:.1f} ms, p99 {self.p99 * 1000:.1f} ms, "
            f"max {self.max * 1000:.1f} ms; non-2xx {self.not_2xx}"
            + (f"; socket errors {self.socket_errors}" if self.socket_errors else "")
        )


def _duration(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]  # wrk always prints this line
    return float(number) * _DURATION_UNITS[unit]


def wrk(
    svc: Service,
    path: str,
    *,
    label: str,
    connections: int,
    seconds: float,
    script: str | None = None,
    script_arguments: Sequence[str] = (),
) -> WrkResult:
    """Runs wrk (2 threads, keep-alive where the server allows it; gunicorn's sync workers
    close each connection and wrk reconnects) against `path` for `seconds`, optionally with a
    Lua `script` that builds the requests."""
    command = [
        wrk_path(),
        "--threads",
        "2",
        "--connections",
        str(connections),
        "--duration",
        f"{seconds:.0f}s",
        "--latency",
        "--header",
        f"Authorization: Bearer {svc.api_key}",
        "--header",
        "Content-Type: application/json",
    ]
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as directory:
        if script is not None:
            script_path = Path(directory) / "requests.lua"
            script_path.write_text(script)
            command += ["--script", str(script_path)]
        command += [f"{svc.base_url}{path}"]
        if script_arguments:
            command += ["--", *script_arguments]
        completed = subprocess.run(  # noqa: S603 - wrk with our arguments
            command, check=True, capture_output=True, text=True
        )
    output = completed.stdout
    percentiles = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", output, re.MULTILINE))
    requests, elapsed = re.search(r"(\d+) requests in ([\d.]+\w+),", output).groups()  # type: ignore[union-attr]  # wrk always prints this line
    maximum = re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", output, re.MULTILINE).group(1)  # type: ignore[union-attr]  # wrk always prints this line
    not_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)$", output, re.MULTILINE)
    return WrkResult(
        label=label,
        requests=int(requests),
        seconds=_duration(elapsed),
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]  # wrk always prints this line
        p50=_duration(percentiles["50"]),
        p90=_duration(percentiles["90"]),
        p99=_duration(percentiles["99"]),
        max=_duration(maximum),
        not_2xx=int(not_2xx.group(1)) if not_2xx else 0,
        socket_errors=errors.group(1).strip() if errors else "",
    )


def wrk_baseline(svc: Service, *, connections: int, seconds: float = 8) -> list[WrkResult]:
    """What the stack itself costs at the same concurrency: GET /healthz (Django's middleware
    and gunicorn) and GET /v1/app (plus DRF, the key check and the rate limit, and a DRF
    serializer). No API route can be much faster than the second."""
    return [
        wrk(
            svc,
            path,
            label=f"baseline GET {path} (closed loop)",
            connections=connections,
            seconds=seconds,
        )
        for path in ("/healthz", "/v1/app")
    ]


async def _open_loop(
    port: int, requests: list[bytes], rate: float, result: LoadResult, timeout: float
) -> None:
    async def send(request: bytes) -> None:
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            answer = await asyncio.wait_for(reader.read(), timeout)
            writer.close()
            status = int(answer[9:12])
        except (OSError, TimeoutError, ValueError):
            status = 0
        result.latencies.append(time.perf_counter() - started)
        result.statuses[status] = result.statuses.get(status, 0) + 1

    start = time.perf_counter()
    pending = []
    for number, request in enumerate(requests):
        pause = start + number / rate - time.perf_counter()
        if pause > 0:
            await asyncio.sleep(pause)
        pending.append(asyncio.create_task(send(request)))
    await asyncio.gather(*pending)
    result.seconds = time.perf_counter() - start


def open_loop(
    svc: Service, paths: list[str], *, rate: float, timeout: float = 10
) -> tuple[LoadResult, float]:
    """GETs `paths` at a fixed `rate` per second whatever the answers' latency (each request
    on its own connection, as gunicorn's sync workers close them), so a slow answer cannot
    hold the next ones back. Returns the result and the share of a core the generator used."""
    requests = [
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {svc.api_key}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        for path in paths
    ]
    result = LoadResult()
    cpu_started = time.process_time()
    asyncio.run(_open_loop(svc.port, requests, rate, result, timeout))
    return result, (time.process_time() - cpu_started) / result.seconds
