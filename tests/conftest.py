"""Fixtures shared by the suites: an embedded sandbox Front with an authorized connector."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from connector_front.embedded import EmbeddedSandbox, connect_owner
from connector_front.sandbox import SandboxConfig

REPO = Path(__file__).resolve().parent.parent
SPEC_PATH = REPO.parent / "shared" / "front-openapi" / "core-api.json"
OWNER = "acme"


@pytest.fixture
async def embedded(tmp_path: Path) -> AsyncIterator[EmbeddedSandbox]:
    """A sandbox Front and a connector for it, owner ``acme`` authorized for every operation."""
    async with EmbeddedSandbox(
        tmp_path / "connector.sqlite3",
        SandboxConfig(),
        field_mapping={"genericContact": {"tier": "Loyalty tier"}},
    ) as env:
        assert env.connector is not None
        await connect_owner(env.connector, OWNER)
        yield env
