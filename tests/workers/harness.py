"""Real processes for the many-workers proof: one sandbox Front, N ``connector-front serve``
processes on one database, callers spread over them, and a killer that SIGKILLs and restarts
them at moments drawn from a seeded random generator."""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from cryptography.fernet import Fernet

from connector_front.dev.embedded import connect_owner
from connector_front.host.loader import load_connector
from connector_front.settings import ConnectorSettings
from tests.limits import SUITE_RATE_LIMIT

SCRIPT = Path(sys.executable).parent / "connector-front"
OWNER = "acme"
WEBHOOK_SECRET = "workers-webhook-secret"
CALL = "/resources/genericContact"
API_TOKEN = "sandbox-api-token"


_databases = itertools.count(1)


def hosts_database(backend: str, request: pytest.FixtureRequest, folder: Path) -> str:
    """The ``database`` setting the hosts share: an SQLite file in ``folder``, or a new
    database on the session's PostgreSQL server."""
    if backend == "sqlite":
        return str(folder / "hosts.sqlite3")  # a plain path: an SQLite file
    server: str = request.getfixturevalue("postgres_url")
    name = f"workers_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + f"/{name}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_answers(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until ``url`` answers 200 (bounded); the process's log in the failure."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{url}: the process exited: {log.read_text(errors='replace')}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within 60 s: {log.read_text(errors='replace')}")


class Sandbox:
    """``connector-front sandbox --token-ttl TTL``, its webhooks sent to ``webhook_url``."""

    def __init__(self, folder: Path, token_ttl: float, webhook_url: str) -> None:
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = folder / "sandbox.log"
        port = self.url.rsplit(":", 1)[1]
        command = [str(SCRIPT), "sandbox", "--port", port, "--token-ttl", str(token_ttl),
                   "--webhook-url", webhook_url, "--webhook-secret", WEBHOOK_SECRET,
                   "--webhook-backoff", "3"]  # fmt: skip
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=folder, stdout=out, stderr=subprocess.STDOUT
            )
        wait_until_answers(f"{self.url}/_sandbox/stats", self.process, self.log)
        self.admin = httpx.Client(base_url=f"{self.url}/_sandbox", timeout=30)
        # 50 callers on four hosts: far more than Front's 120 a minute; these tests are about
        # workers sharing tokens, leases and the event log, so the suites' looser limit
        limit = {"rate_limit": SUITE_RATE_LIMIT, "burst_limit": None}
        self.admin.post("/config", json=limit).raise_for_status()

    def stats(self) -> dict[str, Any]:
        answer: dict[str, Any] = self.admin.get("/stats").json()
        return answer

    def stop(self) -> None:
        self.admin.close()
        self.process.terminate()
        self.process.wait(timeout=30)


ENCRYPTION_KEY = Fernet.generate_key().decode()


def host_environment(sandbox: Sandbox, database: str) -> dict[str, str]:
    """The environment a host process reads its settings from: the sandbox's OAuth app."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FRONT_", "CONNECTOR_FRONT_"))}  # fmt: skip
    env.update({
        "FRONT_API_BASE": sandbox.url,
        "FRONT_AUTHORIZE_URL": f"{sandbox.url}/oauth/authorize",
        "FRONT_TOKEN_URL": f"{sandbox.url}/oauth/token",
        "FRONT_CLIENT_ID": "sandbox-client-id",
        "FRONT_CLIENT_SECRET": "sandbox-client-secret",
        "FRONT_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "CONNECTOR_FRONT_DATABASE": database,
        "CONNECTOR_FRONT_CURSOR_KEY": "workers-cursor-key",  # one for every process
        # a delivery claimed by a killed host is taken by another within the run's settle time
        "CONNECTOR_FRONT_CLAIM_LEASE": "5",
        "CONNECTOR_FRONT_ENCRYPTION_KEY": ENCRYPTION_KEY,  # tokens encrypted, as in production
    })  # fmt: skip
    return env


def authorize(env: dict[str, str]) -> None:
    """Connect :data:`OWNER` once, in this process, on the shared database."""

    async def run() -> None:
        connector = load_connector("front", ConnectorSettings.load(env=env))
        try:
            await connect_owner(connector, OWNER)
        finally:
            await connector.aclose()

    asyncio.run(run())


class Host:
    """One ``connector-front serve`` process on a fixed port, restartable after a SIGKILL."""

    def __init__(self, folder: Path, index: int, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.folder = folder  # its working directory: nothing lands in the project's
        self.log = folder / f"host-{index}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        command = [str(SCRIPT), "serve", "--port", str(self.port), "--sync-interval", "0"]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, env=self.env, cwd=self.folder, stdout=out, stderr=subprocess.STDOUT
            )
        wait_until_answers(f"{self.url}/connectors/front", self.process, self.log)
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, as when a machine dies."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Load:
    """What the callers saw."""

    calls: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # "host I: STATUS CODE/REASON: message"
    served_by: Counter[int] = field(default_factory=Counter)  # host index -> answered calls
    reroutes: int = 0  # a host was down: the call went to the next one, as a balancer does


async def drive(hosts: list[Host], *, callers: int, seconds: float) -> Load:
    """``callers`` concurrent callers, each call to the next host in turn, for ``seconds``."""
    load = Load()
    end = time.monotonic() + seconds

    async def caller(http: httpx.AsyncClient, number: int) -> None:
        turn = number
        while time.monotonic() < end:
            turn += 1
            await one_call(http, turn)

    async def one_call(http: httpx.AsyncClient, turn: int) -> None:
        for attempt in range(len(hosts) * 3):
            index = (turn + attempt) % len(hosts)
            try:
                answer = await http.get(
                    f"{hosts[index].url}{CALL}", params={"limit": "1"},
                    headers={"x-owner-id": OWNER},
                )  # fmt: skip
            except httpx.TransportError:
                load.reroutes += 1
                await asyncio.sleep(0.1)
                continue
            load.calls += 1
            load.statuses[answer.status_code] += 1
            load.served_by[index] += 1
            if answer.status_code != 200:
                load.failures.append(f"host {index}: {answer.status_code} {failure(answer)}")
            return
        load.calls += 1
        load.failures.append("no host answered")

    limits = httpx.Limits(max_connections=callers * 2)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        await asyncio.gather(*(caller(http, number) for number in range(callers)))
    return load


def failure(answer: httpx.Response) -> str:
    """``CODE/REASON: message`` of a host's error answer (its body's start if not one)."""
    try:
        error = answer.json()["error"]
        reason = error.get("details", {}).get("reason")
        return f"{error['code']}/{reason}: {error['message'][:200]}"
    except (ValueError, KeyError, TypeError, AttributeError):
        return answer.text[:300]


REFUSED_GRANT = "401 authorization_required/grant_refused:"
"""How a host answers once Front refused the connection's refresh token."""


class Killer(threading.Thread):
    """SIGKILLs a random host every few seconds and restarts it (``seed`` fixes the moments)."""

    def __init__(self, hosts: list[Host], seed: int) -> None:
        super().__init__(daemon=True)
        self.hosts = hosts
        self.random = random.Random(seed)
        self.halt = threading.Event()
        self.kills: list[int] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.halt.wait(self.random.uniform(2.0, 5.0)):
                index = self.random.randrange(len(self.hosts))
                self.hosts[index].kill()
                self.kills.append(index)
                self.halt.wait(self.random.uniform(0.0, 1.0))
                self.hosts[index].start()
        except BaseException as exc:  # reported by the test
            self.error = exc


class Changes(threading.Thread):
    """A customer's message arrives in Front every ``every`` seconds; remembers their ids and
    the ids of their Front events (the webhook deliveries name those)."""

    def __init__(self, sandbox: Sandbox, every: float) -> None:
        super().__init__(daemon=True)
        self.sandbox = sandbox
        self.every = every
        self.halt = threading.Event()
        self.messages: list[str] = []
        self.events: list[str] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            inboxes = httpx.get(
                f"{self.sandbox.url}/inboxes", headers={"authorization": f"Bearer {API_TOKEN}"}
            ).json()["_results"]
            number = 0
            while not self.halt.wait(self.every):
                number += 1
                message = {
                    "inbox_id": inboxes[0]["id"],
                    "from": f"customer{number}@example.com",
                    "subject": f"question {number}",
                    "body": f"message {number}",
                }
                answer = self.sandbox.admin.post("/simulate/inbound", json=message)
                answer.raise_for_status()
                self.messages.append(answer.json()["message_id"])
                self.events.append(answer.json()["event_id"])
        except BaseException as exc:  # reported by the test
            self.error = exc


def settle(sandbox: Sandbox, hosts: list[Host], seconds: float) -> None:
    """Until the sandbox has sent every webhook and no host has a pending delivery (bounded)."""
    sandbox.admin.post("/webhooks/drain", json={"timeout": 60}, timeout=90)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pending = [httpx.get(f"{host.url}/webhooks/stats", timeout=10).json() for host in hosts]
        if all(stats["deliveries"]["pending"] == 0 for stats in pending):
            return
        time.sleep(0.5)


def events(host: Host) -> list[dict[str, Any]]:
    """Every event in the shared event log, read through ``host``."""
    found: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        params = {"limit": "500", **({"after": after} if after else {})}
        answer = httpx.get(
            f"{host.url}/events", params=params, headers={"x-owner-id": OWNER}, timeout=30
        )
        assert answer.status_code == 200, answer.text
        page = answer.json()
        found += page["data"]
        if not page["data"]:
            return found
        after = page["next"]
