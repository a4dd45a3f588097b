"""Run an ASGI app with uvicorn in a background thread on loopback (tests, embedding)."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from connector_front.host.config import DEFAULT_HEADER_TIMEOUT
from connector_front.host.protocol import host_protocol


class BackgroundServer:
    """``with BackgroundServer(app) as server: server.url`` — started, ready, stopped on exit."""

    def __init__(
        self,
        app: Any,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        listener: socket.socket | None = None,
    ) -> None:
        """``app``'s ``state.host_config`` (if any) sets the request header deadline; with
        ``listener`` (a socket already bound), it serves there instead of binding ``host``."""
        if listener is None:
            # IPPROTO_TCP (not 0) so asyncio sets TCP_NODELAY on accepted connections
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((host, port))
        self._socket = listener
        self.host, self.port = self._socket.getsockname()[:2]
        config = uvicorn.Config(
            app, log_level="warning", lifespan="on", http=host_protocol(_header_timeout(app))
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="connector-front-host", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _run(self) -> None:
        self._server.run(sockets=[self._socket])

    def start(self, timeout: float = 15.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"host server on {self.url} did not start within {timeout} s")
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> BackgroundServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _header_timeout(app: Any) -> float:
    config = getattr(getattr(app, "state", None), "host_config", None)
    return float(getattr(config, "header_timeout", DEFAULT_HEADER_TIMEOUT))
