"""The client's retries against a tiny scripted HTTP server on 127.0.0.1: Retry-After is
honoured, the Idempotency-Key is one per logical call and the same on each retry, and retries
stop at max_retries."""

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from payment_service_client import (
    APIError,
    AuthenticationError,
    ConflictError,
    IdempotencyError,
    InvalidRequestError,
    PaymentService,
    ProviderError,
    RateLimitError,
)
from payment_service_client.generated.api.v1 import v1_app_retrieve, v1_metrics_create
from payment_service_client.generated.models import MetricCreateInputRequest

SCHEMAS = json.loads(
    (Path(__file__).resolve().parents[2] / "clients/python/openapi.json").read_text()
)["components"]["schemas"]


def _example(schema_name: str, /, **fields: Any) -> dict[str, Any]:
    """An answer with every property the schema requires of `schema_name` (so the generated model
    parses it whatever fields the API grows), with `fields` on top."""
    schema = SCHEMAS[schema_name]
    placeholders = {"string": "x", "boolean": False, "integer": 0, "number": 0, "object": {}}
    example: dict[str, Any] = {}
    for field_name in schema["required"]:
        prop = schema["properties"][field_name]
        if prop.get("format") == "date-time":
            example[field_name] = "2026-12-01T00:00:00Z"
        elif "$ref" in prop:
            referenced = SCHEMAS[prop["$ref"].rsplit("/", 1)[-1]]
            example[field_name] = referenced["enum"][0] if "enum" in referenced else {}
        else:
            example[field_name] = placeholders.get(prop.get("type", "string"), "x")
    return example | fields


APP = _example("AppOutput", object="app", id="app_1", name="Acme", mode="test")
METRIC = _example("MetricOutput", object="metric", id="mtr_1", code="api_calls", aggregation="sum")


def _error(type_: str, code: str, message: str = "no") -> dict[str, Any]:
    return {"error": {"type": type_, "code": code, "message": message, "param": None}}


@dataclass
class Scripted:
    url: str
    # (status, headers, body) answered in order; the last one repeats.
    answers: list[tuple[int, dict[str, str], Any]] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    # Seconds to stall before each of the next answers.
    delays: list[float] = field(default_factory=list)

    def script(self, *answers: tuple[int, dict[str, str], Any]) -> None:
        self.answers[:] = answers


@pytest.fixture
def server() -> Iterator[Scripted]:
    scripted = Scripted(url="")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            scripted.received.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": body,
                    "at": time.monotonic(),
                }
            )
            if scripted.delays:
                time.sleep(scripted.delays.pop(0))
            status, headers, payload = (
                scripted.answers.pop(0) if len(scripted.answers) > 1 else scripted.answers[0]
            )
            headers = dict(headers)
            text = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
            self.send_header("Content-Length", str(len(text)))
            self.send_header("X-Request-Id", f"req_{len(scripted.received)}")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(text)

        do_GET = do_POST = _answer  # noqa: N815 - http.server's naming

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    scripted.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield scripted
    httpd.shutdown()
    httpd.server_close()


def _create_metric(service: PaymentService, **arguments: Any) -> Any:
    return service.call(
        v1_metrics_create.sync_detailed,
        body=MetricCreateInputRequest(code="api_calls", name="API calls"),
        **arguments,
    )


def test_a_429_waits_the_retry_after_and_the_retry_carries_the_same_idempotency_key(server):
    server.script(
        (429, {"Retry-After": "2"}, _error("rate_limit_error", "rate_limited")),
        (201, {}, METRIC),
    )
    service = PaymentService("psk_test_k", server.url, max_retries=2, backoff_base_seconds=0.01)

    metric = _create_metric(service)

    assert metric.id == "mtr_1"
    first, retry = server.received
    assert 2.0 <= retry["at"] - first["at"] < 3.0
    key = first["headers"]["Idempotency-Key"]
    assert len(key) == 36  # a UUID4
    assert retry["headers"]["Idempotency-Key"] == key
    assert retry["body"] == first["body"]
    assert first["headers"]["Authorization"] == "Bearer psk_test_k"


def test_each_logical_call_has_its_own_key_and_a_given_key_is_kept(server):
    server.script((201, {}, METRIC))
    service = PaymentService("psk_test_k", server.url)

    _create_metric(service)
    _create_metric(service)
    _create_metric(service, idempotency_key="order-42")

    keys = [request["headers"]["Idempotency-Key"] for request in server.received]
    assert keys[0] != keys[1]
    assert keys[2] == "order-42"


def test_a_get_carries_no_idempotency_key(server):
    server.script((200, {}, APP))
    service = PaymentService("psk_test_k", server.url)

    app = service.call(v1_app_retrieve.sync_detailed)

    assert app.id == "app_1"
    assert "Idempotency-Key" not in server.received[0]["headers"]


def test_502_and_503_back_off_exponentially_then_succeed(server):
    server.script(
        (502, {}, _error("provider_error", "provider_unavailable")),
        (503, {}, _error("api_error", "database_unavailable")),
        (201, {}, METRIC),
    )
    service = PaymentService("psk_test_k", server.url, max_retries=2, backoff_base_seconds=0.2)

    assert _create_metric(service).id == "mtr_1"

    at = [request["at"] for request in server.received]
    assert len(at) == 3
    assert 0.1 <= at[1] - at[0] <= 0.3  # half to all of 0.2 s
    assert 0.2 <= at[2] - at[1] <= 0.5  # half to all of 0.4 s
    assert len({request["headers"]["Idempotency-Key"] for request in server.received}) == 1


def test_an_idempotency_key_still_in_progress_is_retried_until_its_answer_is_replayed(server):
    server.script(
        (409, {}, _error("idempotency_error", "idempotency_key_in_progress")),
        (201, {"Idempotent-Replayed": "true"}, METRIC),
    )
    service = PaymentService("psk_test_k", server.url, backoff_base_seconds=0.01)

    assert _create_metric(service).id == "mtr_1"
    assert len(server.received) == 2


def test_retries_stop_at_max_retries_and_raise_the_last_error(server):
    server.script((429, {"Retry-After": "0"}, _error("rate_limit_error", "rate_limited")))
    service = PaymentService("psk_test_k", server.url, max_retries=2)

    with pytest.raises(RateLimitError) as raised:
        _create_metric(service)

    assert len(server.received) == 3
    assert raised.value.retry_after == 0
    assert raised.value.request_id == "req_3"


def test_errors_that_a_retry_cannot_fix_are_not_retried(server):
    service = PaymentService("psk_test_k", server.url, max_retries=3)
    server.script((409, {}, _error("idempotency_error", "idempotency_key_reused")))
    with pytest.raises(IdempotencyError) as reused:
        _create_metric(service)
    server.script((409, {}, _error("conflict", "conflict")))
    with pytest.raises(ConflictError):
        _create_metric(service)
    server.script((401, {}, _error("authentication_error", "invalid_api_key")))
    with pytest.raises(AuthenticationError):
        _create_metric(service)

    assert len(server.received) == 3
    assert reused.value.code == "idempotency_key_reused"


def test_an_answer_that_is_not_the_error_shape_still_raises_by_its_status(server):
    server.script(
        (502, {"Content-Type": "text/html"}, b"<html>Bad gateway</html>"),
    )
    service = PaymentService("psk_test_k", server.url, max_retries=0)
    with pytest.raises(ProviderError) as raised:
        _create_metric(service)
    assert raised.value.status == 502

    server.script((500, {}, _error("api_error", "internal_error")))
    with pytest.raises(APIError):
        _create_metric(service)

    server.script((400, {}, _error("quota_error", "plan_limit")))  # a type this client predates
    with pytest.raises(InvalidRequestError) as newer:
        _create_metric(service)
    assert (newer.value.type, newer.value.code) == ("quota_error", "plan_limit")


def test_a_read_timeout_is_retried_with_the_same_key(server):
    service = PaymentService(
        "psk_test_k", server.url, timeout=0.3, max_retries=1, backoff_base_seconds=0.01
    )
    server.script((201, {}, METRIC))
    server.delays[:] = [0.6]

    metric = _create_metric(service)

    assert metric.id == "mtr_1"
    assert len(server.received) == 2
    keys = {request["headers"]["Idempotency-Key"] for request in server.received}
    assert len(keys) == 1


def test_timeouts_past_max_retries_raise_httpxs_timeout(server):
    service = PaymentService(
        "psk_test_k", server.url, timeout=0.2, max_retries=1, backoff_base_seconds=0.01
    )
    server.script((201, {}, METRIC))
    server.delays[:] = [0.4, 0.4]

    with pytest.raises(httpx.ReadTimeout):
        _create_metric(service)
    assert len(server.received) == 2


def test_the_async_operations_retry_with_the_same_key_and_raise_typed_errors(server):
    server.script(
        (503, {"Retry-After": "1"}, _error("api_error", "database_unavailable")),
        (201, {}, METRIC),
        (409, {}, _error("idempotency_error", "idempotency_key_reused")),
    )
    service = PaymentService("psk_test_k", server.url, max_retries=2)
    body = MetricCreateInputRequest(code="api_calls", name="API calls")

    async def run() -> tuple[Any, IdempotencyError]:
        async with service:
            metric = await service.acall(v1_metrics_create.asyncio_detailed, body=body)
            with pytest.raises(IdempotencyError) as raised:
                await v1_metrics_create.asyncio(client=service.client, body=body)
            return metric, raised.value

    metric, reused = asyncio.run(run())

    assert metric.id == "mtr_1"
    assert reused.code == "idempotency_key_reused"
    first, retry, second_call = server.received
    assert 1.0 <= retry["at"] - first["at"] < 2.0
    assert retry["headers"]["Idempotency-Key"] == first["headers"]["Idempotency-Key"]
    assert second_call["headers"]["Idempotency-Key"] != first["headers"]["Idempotency-Key"]
    assert first["headers"]["Authorization"] == "Bearer psk_test_k"
