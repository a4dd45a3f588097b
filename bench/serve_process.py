"""`connector-front serve --sandbox` in its own process, as an operator runs it, for benchmarks
that measure the host from outside (over HTTP), with its embedded sandbox steered through the
sandbox's admin API (`/_sandbox/...`).
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import httpx
from sandbox_process import connector_front_command, stop

START_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServeProcess:
    """The host on a free port with a webhook secret of our own (``secret``) and the
    environment ``env`` adds; ``sandbox`` is the embedded sandbox's URL, as the host printed
    it at start. Its owner `demo` is authorized on the sandbox, whose webhooks reach the host."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret = secrets.token_urlsafe(24)
        self.sandbox = ""
        self._env = dict(env or {})
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> ServeProcess:
        command = [*connector_front_command(), "serve", "--sandbox", "--port", str(self.port)]
        env = {**os.environ, "FRONT_WEBHOOK_SECRET": self.secret, **self._env}
        self._process = subprocess.Popen(  # noqa: S603 (our own command, no shell)
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True
        )
        assert self._process.stderr is not None
        self.sandbox = _sandbox_url(self._process.stderr)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and self._process.poll() is None:
            try:
                httpx.get(f"{self.url}/webhooks/stats").raise_for_status()
                return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("the host did not start")

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            stop(self._process, timeout=15)

    def configure(self, **settings: Any) -> None:
        """Change the embedded sandbox's settings (its rate limit, say)."""
        answer = httpx.post(f"{self.sandbox}/_sandbox/config", json=settings, timeout=10)
        answer.raise_for_status()

    def cpu_seconds(self) -> float:
        """User + system CPU of the host process so far (from /proc)."""
        assert self._process is not None
        fields = Path(f"/proc/{self._process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _sandbox_url(stream: IO[str]) -> str:
    """The embedded sandbox's URL from the host's start lines; the rest is read and dropped."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        found = re.search(r"sandbox Front on (\S+)", line)
        if found:
            threading.Thread(target=stream.read, daemon=True).start()
            return found.group(1)
    raise RuntimeError("the host did not say where its sandbox is")
