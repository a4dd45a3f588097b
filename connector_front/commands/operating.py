"""What ``serve`` sets up for operators: its log format, the workers' shared metrics, and
``/metrics`` on a port of its own."""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from connector_front.commands.listen import Named, listen
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


METRICS_PORT = Named(
    port="--metrics-port",
    busy="stop that process, or choose another --metrics-port (the metrics_port setting)",
)


def metrics_socket(host: str, port: int | None) -> socket.socket | None:
    """The metrics port's socket, bound before anything is printed (like the host's own
    port: one line and exit 2 when it cannot be); None without a metrics port."""
    return None if port is None else listen(host, port, METRICS_PORT)


@contextmanager
def metrics_listener(
    settings: ConnectorSettings, listener: socket.socket | None, *, workers: bool
) -> Iterator[None]:
    """For the block: with ``workers``, the multiprocess directory the workers share (set
    before they start); with ``listener`` (:func:`metrics_socket`), ``GET /metrics`` served
    there without the host key (by this process: in ``serve --workers N``, the supervisor,
    adding up every worker's)."""
    from connector_front.ops import multiprocess

    with ExitStack() as stack:
        if workers:
            made = multiprocess.prepare_for_workers()
            stack.callback(multiprocess.remove, made)
        if listener is not None:
            from connector_front.host.ops_routes import metrics_app
            from connector_front.host.server import BackgroundServer
            from connector_front.readings import FigureSource

            server = BackgroundServer(metrics_app(FigureSource(settings)), listener=listener)
            stack.enter_context(server)
            notice(f"metrics on {server.url}/metrics (no host key needed there)")
        yield
