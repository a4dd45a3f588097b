"""The connector paces every connection of a Front company on one budget, in its database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from connector_front.embedded import EmbeddedSandbox, connect_owner
from connector_front.sandbox import SandboxConfig, SandboxServer
from connector_front.store.pacing import DatabasePacingState

HOUR = SandboxConfig(seed=True, rate_window=3600.0)


@pytest.mark.parametrize("sandbox_config", [HOUR], indirect=True)
async def test_two_connections_of_one_company_spend_one_budget(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    sandbox.state.clock.freeze()  # one window for the whole test
    async with EmbeddedSandbox(tmp_path / "connector.sqlite3", server=sandbox) as env:
        connector = env.connector
        assert connector is not None
        assert isinstance(connector.pacing, DatabasePacingState)
        for owner in ("acme", "globex"):
            await connect_owner(connector, owner)

        async def one_page(owner: str) -> int:
            page = await connector.connection(owner).resources("genericContact").list(limit=5)
            return len(page.data)

        assert await asyncio.gather(one_page("acme"), one_page("globex")) == [5, 5]
        pacers = [connector.clients.get(owner).pacer for owner in ("acme", "globex")]
        key = f"company:{sandbox.state.db.company.id}"
        assert [p.key for p in pacers] == [key] * 2

        rows = await connector.database.fetch(
            "SELECT budget_key, remaining FROM pacing_budgets ORDER BY budget_key"
        )
        # what Front says is left, after one more request of the company's
        async with httpx.AsyncClient(base_url=sandbox.url) as http:
            probe = await http.get("/me", headers={"authorization": "Bearer sandbox-api-token"})
        left = int(probe.headers["x-ratelimit-remaining"]) + 1
    company = dict(rows)[key]
    assert company == left  # both owners' requests are counted against the one budget
