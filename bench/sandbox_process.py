"""A sandbox Front in its own process (`connector-front sandbox`), driven by its admin API.

Benchmarks run the sandbox apart from the clients they measure, so a client's CPU time and
peak memory are its own. Seeding, the rate limit and the request counts go through
`/_sandbox/...` (seed, config, stats).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import httpx

SEED_TIMEOUT = 900.0
"""Seconds a seeding call may take (100,000 records on a slow machine)."""
LOOSE_LIMIT = 10_000
"""Requests per minute for what a benchmark times apart from Front's budget (the connector's
CPU, memory and intake): at Front's 120 (the sandbox's default) it would time the limit."""


def connector_front_command() -> list[str]:
    """The `connector-front` script of this interpreter's environment (else the one on PATH)."""
    beside = Path(sys.executable).parent / "connector-front"
    found = str(beside) if beside.exists() else shutil.which("connector-front")
    if found is None:
        raise SystemExit("connector-front is not installed: run `make bench` (or pip install -e .)")
    return [found]


def stop(process: subprocess.Popen[Any], timeout: float) -> None:
    """Ask a child to stop; kill it if it has not within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def drain(stream: IO[str]) -> None:
    """Read what a child prints from now on, in the background, so its pipe never fills."""
    threading.Thread(target=stream.read, daemon=True).start()


class SandboxProcess:
    """`connector-front sandbox --port 0` until closed; answers its URL and API token.

    `seeds` (Front collection -> count) are seeded at start with `--seed KIND=N`, before the
    sandbox prints its URL; `seed` adds more through the admin API later.
    """

    def __init__(self, seeds: dict[str, int] | None = None, start_timeout: float = 60.0) -> None:
        self.seeds = {kind: n for kind, n in (seeds or {}).items() if n > 0}
        self.args = [*connector_front_command(), "sandbox", "--port", "0"]
        self.start_timeout = start_timeout
        if self.seeds:
            self.args += [f"--seed={kind}={n}" for kind, n in self.seeds.items()]
            self.start_timeout += SEED_TIMEOUT
        self.url = ""
        self.token = ""
        self._process: subprocess.Popen[str] | None = None
        self._admin: httpx.Client | None = None

    def __enter__(self) -> SandboxProcess:
        self._process = subprocess.Popen(  # noqa: S603 (our own command, no shell)
            self.args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        self._read_banner(self._process)
        assert self._process.stdout is not None
        drain(self._process.stdout)
        self._admin = httpx.Client(base_url=self.url, timeout=SEED_TIMEOUT)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._admin is not None:
            self._admin.close()
        if self._process is not None:
            stop(self._process, timeout=10)

    def _read_banner(self, process: subprocess.Popen[str]) -> None:
        """The URL and API token from the lines `connector-front sandbox` prints at start."""
        assert process.stdout is not None
        deadline = time.monotonic() + self.start_timeout
        while not (self.url and self.token):
            line = process.stdout.readline()
            if not line or time.monotonic() > deadline:
                raise RuntimeError(f"the sandbox did not start: {' '.join(self.args)}")
            words = line.split()
            if line.startswith("sandbox Front on "):
                self.url = words[-1]
            elif words[:2] == ["API", "token"]:
                self.token = words[-1]

    @property
    def admin(self) -> httpx.Client:
        assert self._admin is not None, "use SandboxProcess in a with block"
        return self._admin

    def seed(self, kind: str, count: int) -> int:
        """Add `count` records of Front collection `kind`; answers how many were added."""
        if count <= 0:
            return 0
        answer = self.admin.post(f"/_sandbox/seed/{kind}", json={"count": count})
        answer.raise_for_status()
        body: dict[str, Any] = answer.json()
        if "ids" in body and "count" not in body:
            return len(body["ids"])
        return int(body.get("count", count))

    def configure(self, limit: int | None, window: float) -> None:
        """Set the rate limit (None: the sandbox's default, Front's 120 a minute); this also
        starts a fresh window."""
        body = {"rate_limit": limit, "rate_window": window}
        self.admin.post("/_sandbox/config", json=body).raise_for_status()

    def stats(self) -> dict[str, Any]:
        """The sandbox's counters: `requests` (Front API calls) and `rate_limited` (429s)."""
        answer: dict[str, Any] = self.admin.get("/_sandbox/stats").raise_for_status().json()
        return answer
