"""Fixtures shared by the suites: an embedded sandbox Front with an authorized connector."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from connector_front.dev.embedded import EmbeddedSandbox, connect_owner, sandbox_settings
from connector_front.host import create_app, load_connector
from connector_front.host.server import BackgroundServer
from connector_front.sandbox import SandboxConfig, SandboxServer
from connector_front.settings import ConnectorSettings
from connector_front.store import LazyDatabase
from tests.clock import FakeClock
from tests.limits import loose
from tests.secret_guard import pytest_runtest_call, secret_guard

__all__ = ["pytest_runtest_call", "secret_guard"]  # every test is checked for leaked secrets

REPO = Path(__file__).resolve().parent.parent
QUIET_PORTS = (20000, 32000)
"""Below the kernel's ephemeral range: ports no other test on the machine gets from port 0."""
SPEC_PATH = REPO.parent / "shared" / "front-openapi" / "core-api.json"
OWNER = "acme"
CALLBACK = "http://127.0.0.1:9/cb"
"""The redirect URI of the suites' own OAuth clients (nothing listens there: a test reads the
redirect); every sandbox of the suites registers it with its OAuth app."""
FIELD_MAPPING = {
    "genericContact": {"tier": "Loyalty tier"},
    "ticketIssue": {"priority": "Priority"},
}


@pytest.fixture
def clock() -> FakeClock:
    """A clock the test moves (``clock.now``); code given ``clock.sleep`` moves it instead of
    waiting. Every suite's fake time is this one."""
    return FakeClock()


@pytest.fixture
async def databases() -> AsyncIterator[Callable[[str | Path], LazyDatabase]]:
    """``databases(setting)``: a database opened on first use, closed after the test."""
    opened: list[LazyDatabase] = []

    def open_database(setting: str | Path) -> LazyDatabase:
        opened.append(LazyDatabase(str(setting)))
        return opened[-1]

    yield open_database
    for database in opened:
        await database.close()


def registered(config: SandboxConfig) -> SandboxConfig:
    """``config`` whose OAuth app also registers :data:`CALLBACK`."""
    return dataclasses.replace(config, redirect_uris=[*config.redirect_uris, CALLBACK])


@pytest.fixture(scope="module")
def module_sandbox() -> Iterator[SandboxServer]:
    """One sandbox Front per test module: starting and stopping servers is most of a test's time."""
    with SandboxServer(registered(loose())) as server:
        yield server


@pytest.fixture
def sandbox_config(request: pytest.FixtureRequest) -> SandboxConfig:
    """The sandbox's settings: the suites' looser limit (``tests/limits.py``) unless
    parametrized indirectly (``SandboxConfig()`` for Front's own)."""
    param = getattr(request, "param", None)
    return param if isinstance(param, SandboxConfig) else loose()


@pytest.fixture
def sandbox(module_sandbox: SandboxServer, sandbox_config: SandboxConfig) -> SandboxServer:
    """The module's sandbox Front (``sandbox.url``), reset to a just-started one with
    ``sandbox_config`` (its app registering :data:`CALLBACK`): seed data, clock, faults,
    tokens, counters and journal."""
    return module_sandbox.reset(registered(sandbox_config))


@pytest.fixture
async def embedded(tmp_path: Path, sandbox: SandboxServer) -> AsyncIterator[EmbeddedSandbox]:
    """The sandbox Front and a connector for it, owner ``acme`` authorized for every operation."""
    async with EmbeddedSandbox(
        tmp_path / "connector.sqlite3", field_mapping=FIELD_MAPPING, server=sandbox
    ) as env:
        assert env.connector is not None
        await connect_owner(env.connector, OWNER)
        yield env


@dataclass
class Host:
    url: str
    sandbox_url: str
    key: str | None = None

    def client(self, owner: str | None = OWNER, *, key: str | None = None) -> httpx.Client:
        """A client of the host; it sends the host key unless told otherwise (``key=""``)."""
        headers = {"x-owner-id": owner} if owner else {}
        bearer = self.key if key is None else key
        if bearer:
            headers["authorization"] = f"Bearer {bearer}"
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def sandbox_requests(self) -> list[dict[str, Any]]:
        """What reached the sandbox Front so far (its request log)."""
        answer = httpx.get(f"{self.sandbox_url}/_sandbox/requests", timeout=10)
        answer.raise_for_status()
        result: list[dict[str, Any]] = answer.json()
        return result

    def clear_sandbox_requests(self) -> None:
        httpx.delete(f"{self.sandbox_url}/_sandbox/requests", timeout=10).raise_for_status()


HostFactory = Callable[..., AbstractContextManager[Host]]


@contextmanager
def start_host(
    folder: Path,
    sandbox: SandboxServer | None = None,
    *,
    operations: Sequence[str] | None = None,
    **updates: Any,
) -> Iterator[Host]:
    """A running host on ``sandbox`` (else a sandbox Front of its own); settings ``updates``
    on top of the sandbox's.

    Owner ``acme`` is authorized for ``operations`` (default: every supported one).
    """
    with nullcontext(sandbox) if sandbox else SandboxServer(loose()) as front:
        base = sandbox_settings(
            front,
            front.config,
            folder / "host.sqlite3",
            field_mapping=FIELD_MAPPING,
            base=ConnectorSettings.model_validate(updates),  # its keys sign, as in serve
        )
        settings = ConnectorSettings.model_validate(
            {**dict(base), "custom_models": ["examples.front_tag:TagMapper"], **updates}
        )
        connector = load_connector("front", settings)

        async def authorize(plugin: Any) -> None:
            await connect_owner(plugin, OWNER, operations)

        app = create_app(connector, on_startup=authorize)
        with BackgroundServer(app) as server:
            key = settings.host_keys[0] if settings.host_keys else None
            yield Host(server.url, front.url, key)


@pytest.fixture
def make_host(tmp_path: Path, sandbox: SandboxServer) -> HostFactory:
    """``with make_host(host_key=..., operations=[...], **settings) as host:`` a running host
    on the module's sandbox Front."""
    return functools.partial(start_host, tmp_path, sandbox)


@pytest.fixture
def host(make_host: HostFactory) -> Iterator[Host]:
    with make_host() as running:
        yield running


def quiet_port() -> int:
    """A free loopback port for a server a test starts in another process (fixed ports)."""
    import random
    import socket

    for _ in range(200):
        port = random.randint(*QUIET_PORTS)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port in the quiet range")
