"""What the connector says of its work while it runs: context (request, owner, model,
operation), signals for metrics and spans for traces.

Imports nothing beyond the standard library and nothing else of the connector, so every layer
may use it; the host's ``ops`` package turns it into Prometheus metrics and OpenTelemetry
traces.
"""

from connector_front.observe.context import Work, owner, request_id, serving, work, working
from connector_front.observe.signals import emit, listen, listening
from connector_front.observe.spans import operating, span, tracing, use_tracer

__all__ = [
    "Work",
    "emit",
    "listen",
    "listening",
    "operating",
    "owner",
    "request_id",
    "serving",
    "span",
    "tracing",
    "use_tracer",
    "work",
    "working",
]
