"""Fixtures shared by the suites: an embedded sandbox Front with an authorized connector."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from connector_front.embedded import EmbeddedSandbox, connect_owner, sandbox_settings
from connector_front.host import create_app, load_connector
from connector_front.host.server import BackgroundServer
from connector_front.sandbox import SandboxConfig, SandboxServer

REPO = Path(__file__).resolve().parent.parent
QUIET_PORTS = (20000, 32000)
"""Below the kernel's ephemeral range: ports no other test on the machine gets from port 0."""
SPEC_PATH = REPO.parent / "shared" / "front-openapi" / "core-api.json"
OWNER = "acme"
FIELD_MAPPING = {
    "genericContact": {"tier": "Loyalty tier"},
    "ticketIssue": {"priority": "Priority"},
}


@pytest.fixture
async def embedded(tmp_path: Path) -> AsyncIterator[EmbeddedSandbox]:
    """A sandbox Front and a connector for it, owner ``acme`` authorized for every operation."""
    async with EmbeddedSandbox(
        tmp_path / "connector.sqlite3",
        SandboxConfig(),
        field_mapping=FIELD_MAPPING,
    ) as env:
        assert env.connector is not None
        await connect_owner(env.connector, OWNER)
        yield env


@dataclass
class Host:
    url: str
    sandbox_url: str

    def client(self, owner: str | None = OWNER) -> httpx.Client:
        headers = {"x-owner-id": owner} if owner else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


@pytest.fixture
def host(tmp_path: Path) -> Iterator[Host]:
    config = SandboxConfig()
    with SandboxServer(config) as sandbox:
        settings = sandbox_settings(
            sandbox, config, tmp_path / "host.sqlite3", field_mapping=FIELD_MAPPING
        ).model_copy(update={"custom_models": ["examples.front_tag:TagMapper"]})
        connector = load_connector("front", settings)

        async def authorize(plugin: Any) -> None:
            await connect_owner(plugin, OWNER)

        app = create_app(connector, on_startup=authorize)
        with BackgroundServer(app) as server:
            yield Host(server.url, sandbox.url)


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
