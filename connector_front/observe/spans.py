"""Trace spans without a tracing library: a no-op until a tracer is installed.

The host installs an OpenTelemetry tracer (``connector_front.ops.tracing``) when the ``otel``
extra is installed and configured; the code that opens spans imports nothing of it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Literal, Protocol

from connector_front.observe.context import Work, working

SpanKind = Literal["server", "client", "internal"]
Attribute = str | int | float | bool


class Span(Protocol):
    """An open span: attributes can still be added."""

    def set(self, key: str, value: Attribute) -> None: ...


class Tracer(Protocol):
    """Opens spans (as the current span of the block, so spans opened inside are children)."""

    def span(
        self,
        name: str,
        kind: SpanKind,
        attributes: Mapping[str, Attribute],
        carrier: Mapping[str, str] | None,
    ) -> AbstractContextManager[Span]: ...


class _NoSpan:
    def set(self, key: str, value: Attribute) -> None:
        return None


_NOTHING: AbstractContextManager[Span] = nullcontext(_NoSpan())
_tracer: Tracer | None = None


def use_tracer(tracer: Tracer | None) -> None:
    """Open spans with ``tracer`` from now on (None: spans are no-ops again)."""
    global _tracer
    _tracer = tracer


def tracing() -> bool:
    """Whether spans are recorded (callers skip work done only for span attributes)."""
    return _tracer is not None


def span(
    name: str,
    kind: SpanKind = "internal",
    attributes: Mapping[str, Attribute] | None = None,
    *,
    carrier: Mapping[str, str] | None = None,
) -> AbstractContextManager[Span]:
    """A span around the block; ``carrier``: a caller's headers with its trace context
    (``traceparent``), for a span that continues the caller's trace."""
    tracer = _tracer
    if tracer is None:
        return _NOTHING
    return tracer.span(name, kind, attributes or {}, carrier)


@contextmanager
def operating(operation_id: str, owner_id: str | None = None) -> Iterator[Span]:
    """A connector operation (``genericContact::list``): its span, and the work its Front
    requests, log lines and metrics are counted for."""
    current = Work.of(operation_id)
    attributes: dict[str, Attribute] = {
        "connector_front.model": current.model,
        "connector_front.operation": current.operation,
    }
    if owner_id is not None:
        attributes["connector_front.owner"] = owner_id
    with working(current, owner_id), span(operation_id, "internal", attributes) as opened:
        yield opened
