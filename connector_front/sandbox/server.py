"""Serving a sandbox over real loopback HTTP: `SandboxServer` (a thread) and `serve` (blocking).

The listening socket is bound before uvicorn starts (or handed in, bound already), so `port=0`
gives a free port that `url` knows at once; `start()` returns once connections are accepted.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from .app import SandboxApp, create_app
from .config import SandboxConfig
from .state import SandboxState

START_TIMEOUT = 10.0


class _QuietH11(H11Protocol):
    """HTTP/1.1 without an access log, even when a host in the same process turns it on."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.access_log = False


def _uvicorn_config(app: SandboxApp, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=_QuietH11,
        lifespan="off",
        log_level="warning",
        access_log=False,  # request lines could carry OAuth codes; never log them
        timeout_graceful_shutdown=2,
    )


class SandboxServer:
    """A sandbox Front served by uvicorn in a daemon thread."""

    def __init__(
        self, config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.config = config or SandboxConfig()
        self.host = host
        self.app = create_app(self.config)
        self._requested_port = port
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port: int = port

    @property
    def state(self) -> SandboxState:
        return self.app.state

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def reset(self, config: SandboxConfig | None = None) -> SandboxServer:
        """Back to a just-started sandbox, with `config` if given: reuse one server across tests."""
        if config is not None:
            self.config = config
        self.state.reset(config=self.config)
        return self

    def start(self, listener: socket.socket | None = None) -> SandboxServer:
        """Serve (on ``listener`` when given: a socket bound and listening already)."""
        if self._thread is not None:
            return self
        sock = listener if listener is not None else self._bind()
        self._socket = sock
        self.port = int(sock.getsockname()[1])
        self.state.served_url = self.url
        server = uvicorn.Server(_uvicorn_config(self.app, self.host, self.port))
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="front-sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the sandbox server stopped while starting")
            if time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start in time")
            time.sleep(0.005)
        return self

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # proto must say TCP: asyncio only sets TCP_NODELAY on accepted sockets whose proto
        # is IPPROTO_TCP, and without it every answer waits ~40 ms on delayed ACKs
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((self.host, self._requested_port))
        sock.listen(128)
        sock.setblocking(False)
        return sock

    def stop(self) -> None:
        """Stop serving and stop the webhook worker (queued deliveries are cancelled)."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self.state.webhooks.close()
        server.should_exit = True
        thread.join(timeout=5)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=5)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        running = "running" if self._thread is not None else "stopped"
        return f"SandboxServer({self.url}, {running})"


def serve(config: SandboxConfig, host: str, port: int) -> None:
    """Serve a sandbox Front in the foreground until interrupted (the CLI's `sandbox`)."""
    app = create_app(config)
    shown = f"[{host}]" if ":" in host else host
    app.state.served_url = f"http://{shown}:{port}"
    try:
        uvicorn.Server(_uvicorn_config(app, host, port)).run()
    finally:
        app.state.webhooks.close()
