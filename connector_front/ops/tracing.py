"""OpenTelemetry traces, with the ``otel`` extra (``pip install 'connector-front[otel]'``).

Configured the standard ``OTEL_*`` way: tracing is on when the environment names an exporter
(``OTEL_TRACES_EXPORTER``: ``otlp``, ``console``, or several comma-separated; or an
``OTEL_EXPORTER_OTLP_ENDPOINT`` / ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``), unless
``OTEL_SDK_DISABLED`` is true; the exporter, service name, resource attributes and sampler
read their own variables. A tracer provider installed by the process already (such as
``opentelemetry-instrument``'s) is used as it is. Nothing of OpenTelemetry is imported unless
tracing is on.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

from connector_front import observe
from connector_front.observe.spans import Attribute, Span, SpanKind

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer as OtelTracer
    from opentelemetry.trace import TracerProvider

logger = logging.getLogger("connector_front.ops")

TRACER_NAME = "connector_front"
EXPORTER_VARIABLES = (
    "OTEL_TRACES_EXPORTER",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
)


def wanted(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the environment asks for traces (read without importing OpenTelemetry)."""
    env = os.environ if environ is None else environ
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporters == "none":
        return False
    return any(env.get(name, "").strip() for name in EXPORTER_VARIABLES)


class _OtelSpan:
    def __init__(self, span: Any) -> None:
        self._span = span

    def set(self, key: str, value: Attribute) -> None:
        self._span.set_attribute(key, value)


class OpenTelemetryTracer:
    """:class:`observe.spans.Tracer` on an OpenTelemetry tracer."""

    def __init__(self, tracer: OtelTracer) -> None:
        from opentelemetry import propagate, trace

        self._tracer = tracer
        self._propagate = propagate
        self._kinds = {
            "server": trace.SpanKind.SERVER,
            "client": trace.SpanKind.CLIENT,
            "internal": trace.SpanKind.INTERNAL,
        }

    def span(
        self,
        name: str,
        kind: SpanKind,
        attributes: Mapping[str, Attribute],
        carrier: Mapping[str, str] | None,
    ) -> AbstractContextManager[Span]:
        return self._opened(name, kind, attributes, carrier)

    @contextmanager
    def _opened(
        self,
        name: str,
        kind: SpanKind,
        attributes: Mapping[str, Attribute],
        carrier: Mapping[str, str] | None,
    ) -> Iterator[Span]:
        parent = None if carrier is None else self._propagate.extract(carrier)
        with self._tracer.start_as_current_span(
            name, context=parent, kind=self._kinds[kind], attributes=dict(attributes)
        ) as opened:
            yield _OtelSpan(opened)


def use_provider(provider: TracerProvider) -> None:
    """Trace with ``provider`` from now on (tests hand an in-memory exporter's)."""
    observe.use_tracer(OpenTelemetryTracer(provider.get_tracer(TRACER_NAME)))


def install_from_environment() -> bool:
    """Turn tracing on when the environment asks for it (see the module); whether it is on."""
    if not wanted():
        return False
    try:
        from opentelemetry import trace
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider as SdkProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        logger.warning(
            "OTEL_* variables ask for traces but OpenTelemetry is not installed: install "
            "connector-front[otel]; running without traces"
        )
        return False
    current = trace.get_tracer_provider()
    if isinstance(current, SdkProvider):  # the process set one up already: use it
        use_provider(current)
        return True
    provider = SdkProvider(resource=Resource.create({"service.name": _service_name()}))
    for exporter in _exporters():
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    use_provider(provider)
    return True


def _service_name() -> str:
    """``OTEL_SERVICE_NAME`` when set (Resource.create reads it too), else connector-front."""
    return os.environ.get("OTEL_SERVICE_NAME") or "connector-front"


def _exporters() -> list[Any]:
    """The span exporters ``OTEL_TRACES_EXPORTER`` names (``otlp`` by default)."""
    names = os.environ.get("OTEL_TRACES_EXPORTER", "otlp").lower().split(",")
    found: list[Any] = []
    for name in (n.strip() for n in names):
        if name == "console":
            from opentelemetry.sdk.trace.export import ConsoleSpanExporter

            found.append(ConsoleSpanExporter())
        elif name in ("otlp", ""):
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            found.append(OTLPSpanExporter())
        else:
            logger.warning("OTEL_TRACES_EXPORTER names %r, which is not offered here", name)
    return found
