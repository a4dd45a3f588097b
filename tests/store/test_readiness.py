"""``/readyz`` follows the database: 503 while PostgreSQL cannot be reached, 200 once it can
again, and ``/metrics`` says ``database_up 0`` meanwhile. The host reaches the server through
a TCP relay the test cuts and restores (the server itself serves the whole session)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from connector_front.sandbox import SandboxServer
from tests.conftest import start_host


class Relay:
    """Forwards loopback connections to ``target``; :meth:`cut` drops them all and refuses
    new ones until :meth:`restore`."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.up = True
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.target)
            with self._lock:
                self._open |= {client, server}
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up = False
        with self._lock:
            for end in self._open:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
            self._open.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self._listener.close()


@pytest.fixture
def relayed(fresh_postgres: str) -> Iterator[tuple[Relay, str]]:
    parts = urlsplit(fresh_postgres)
    relay = Relay((parts.hostname or "127.0.0.1", parts.port or 5432))
    user = f"{parts.username}@" if parts.username else ""
    netloc = f"{user}127.0.0.1:{relay.port}"
    yield relay, urlunsplit(parts._replace(netloc=netloc))
    relay.close()


def _until(check: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_readyz_turns_503_when_the_database_is_unreachable_and_200_when_it_returns(
    tmp_path: Path, sandbox: SandboxServer, relayed: tuple[Relay, str]
) -> None:
    relay, url = relayed
    with start_host(tmp_path, sandbox, database=url) as host, httpx.Client(
        base_url=host.url, timeout=30
    ) as http:
        assert http.get("/readyz").status_code == 200
        relay.cut()
        answer = http.get("/readyz")
        assert answer.status_code == 503, answer.text
        checks = answer.json()["checks"]
        assert not checks["database"]["ok"] and "unreachable" in checks["database"]["detail"]
        assert checks["webhook_processor"]["ok"]  # the process itself still runs
        assert http.get("/healthz").status_code == 200
        assert "connector_front_database_up 0.0" in http.get("/metrics").text
        relay.restore()
        _until(lambda: http.get("/readyz").status_code == 200, "/readyz to answer 200 again")
        assert "connector_front_database_up 1.0" in http.get("/metrics").text
