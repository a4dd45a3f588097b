"""What an operator's tools get from a running host: the request id on every answer and in
the log lines of its request, JSON logs, the health probes, and one call's trace (host,
operation and Front spans linked, continuing the caller's ``traceparent``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from connector_front import observe
from connector_front.ops.logs import JsonFormatter
from connector_front.ops.tracing import use_provider
from tests.conftest import Host, HostFactory

KEY = "operating-test-host-key"
CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{CALLER_TRACE}-00f067aa0ba902b7-01"


class Lines(logging.Handler):
    """Every record, written as the JSON log writes it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def json_lines() -> Iterator[Lines]:
    lines = Lines()
    root = logging.getLogger()
    root.addHandler(lines)
    yield lines
    root.removeHandler(lines)


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    use_provider(provider)
    yield exporter
    observe.use_tracer(None)
    provider.shutdown()


def test_every_answer_carries_a_request_id_its_log_lines_share(
    host: Host, json_lines: Lines
) -> None:
    with host.client() as http:
        given = http.get("/resources/genericContact", params={"limit": 1},
                         headers={"x-request-id": "caller-id-42"})  # fmt: skip
        made = http.get("/resources/genericContact/crd_nope")
        forged = http.get("/connectors/front", headers={"x-request-id": "a\tb" + "x" * 200})
        missing = http.get("/no/such/route")
    assert given.headers["x-request-id"] == "caller-id-42"
    assert len(made.headers["x-request-id"]) == 32 and made.status_code == 404
    assert forged.headers["x-request-id"] != "a\tb" + "x" * 200  # unusable: a new one
    assert missing.status_code == 404 and missing.headers["x-request-id"]
    records = [json.loads(line) for line in json_lines.lines]
    mine = [r for r in records if r["request_id"] == "caller-id-42"]
    assert mine, "no log line of the request carried its id"
    assert {r["owner"] for r in mine if r["owner"]} == {"acme"}
    front = [r for r in mine if r["logger"] == "connector_front.transport"]
    assert front and all(
        (r["model"], r["operation"], r["lane"]) == ("genericContact", "list", "interactive")
        for r in front
    )
    for record in records:
        assert set(record) >= {"time", "level", "logger", "message", "owner", "model",
                               "operation", "lane", "request_id"}  # fmt: skip


def test_probes_are_open_and_metrics_need_the_key(make_host: HostFactory) -> None:
    with make_host(host_key=KEY) as host, httpx.Client(base_url=host.url, timeout=30) as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        ready = http.get("/readyz")
        assert ready.status_code == 200, ready.text
        checks = ready.json()["checks"]
        assert {"database", "migrations", "webhook_processor"} <= set(checks)
        assert all(check["ok"] for check in checks.values())
        assert "acme" not in ready.text
        refused = http.get("/metrics")
        assert refused.status_code == 401 and refused.headers["x-request-id"]
        keyed = http.get("/metrics", headers={"authorization": f"Bearer {KEY}"})
        assert keyed.status_code == 200 and "connector_front_host_requests_total" in keyed.text


def test_one_host_call_is_one_trace_of_host_operation_and_front_spans(
    host: Host, spans: InMemorySpanExporter
) -> None:
    with host.client() as http:
        answer = http.get("/resources/genericContact", params={"limit": 2},
                          headers={"traceparent": TRACEPARENT})  # fmt: skip
    assert answer.status_code == 200
    finished = spans.get_finished_spans()
    server = next(s for s in finished if s.name == "GET /resources/{model}")
    operation = next(s for s in finished if s.name == "genericContact::list")
    front = [s for s in finished if s.name == "front GET /contacts"]
    assert format(server.context.trace_id, "032x") == CALLER_TRACE  # the caller's trace
    assert server.attributes["http.response.status_code"] == 200
    assert operation.parent is not None and operation.parent.span_id == server.context.span_id
    assert operation.attributes["connector_front.model"] == "genericContact"
    assert front, [s.name for s in finished]
    for request in front:
        assert request.parent is not None and request.parent.span_id == operation.context.span_id
        assert request.context.trace_id == server.context.trace_id
        assert request.attributes["http.request.method"] == "GET"
        assert request.attributes["url.template"] == "/contacts"
        assert request.attributes["http.response.status_code"] == 200
        assert request.attributes["connector_front.lane"] == "interactive"
        assert request.attributes["http.request.resend_count"] == 0
