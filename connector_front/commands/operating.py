"""What ``serve`` sets up for operators: its log format, the workers' shared metrics, and
``/metrics`` on a port of its own."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from connector_front.ops.logs import LogFormat, configure, current
from connector_front.settings import ConnectorSettings


def serving_logs(log_format: LogFormat) -> LogFormat:
    """Set the log up before anything is written; answers the format."""
    configure(log_format)
    return log_format


def notice(text: str) -> None:
    """A line ``serve`` tells its user: on stderr, or a log record when the log is JSON
    (every line of a JSON log is JSON; URLs in it are redacted like any log line's)."""
    if current() == "json":
        logging.getLogger("connector_front.serve").info(text)
    else:
        print(text, file=sys.stderr, flush=True)


@contextmanager
def metrics_listener(
    settings: ConnectorSettings, host: str, port: int | None, *, workers: bool
) -> Iterator[None]:
    """For the block: with ``workers``, the multiprocess directory the workers share (set
    before they start); with ``port``, ``GET /metrics`` served there without the host key (by
    this process: in ``serve --workers N``, the supervisor, adding up every worker's)."""
    from connector_front.ops import multiprocess

    with ExitStack() as stack:
        if workers:
            made = multiprocess.prepare_for_workers()
            stack.callback(multiprocess.remove, made)
        if port is not None:
            from connector_front.host.ops_routes import metrics_app
            from connector_front.host.server import BackgroundServer
            from connector_front.readings import FigureSource

            server = BackgroundServer(metrics_app(FigureSource(settings)), host=host, port=port)
            stack.enter_context(server)
            notice(f"metrics on {server.url}/metrics (no host key needed there)")
        yield
