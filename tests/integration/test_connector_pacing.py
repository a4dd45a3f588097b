"""The connector paces every connection of a Front company on one budget, in its database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from connector_front.commands import workers
from connector_front.connector import FrontConnector
from connector_front.dev.embedded import EmbeddedSandbox, connect_owner
from connector_front.sandbox import SandboxServer
from connector_front.settings import ConnectorSettings
from connector_front.store.pacing import DatabasePacingState, MemoryPacingState
from connector_front.store.walk_notes import DatabaseWalkNotes
from tests.limits import loose

HOUR = loose(seed=True, rate_window=3600.0)


@pytest.mark.parametrize("sandbox_config", [HOUR], indirect=True)
async def test_two_connections_of_one_company_spend_one_budget(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    sandbox.state.clock.freeze()  # one window for the whole test
    shared = ConnectorSettings(pacing="shared")
    database = tmp_path / "connector.sqlite3"
    async with EmbeddedSandbox(database, server=sandbox, settings=shared) as env:
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


@pytest.mark.parametrize(
    ("pacing", "database", "kept"),
    [
        ("auto", "connector.sqlite3", MemoryPacingState),  # one process: no write per request
        ("auto", "postgresql://front@db.invalid/front", DatabasePacingState),  # many workers
        ("shared", "connector.sqlite3", DatabasePacingState),
        ("process", "postgresql://front@db.invalid/front", MemoryPacingState),
        ("off", "connector.sqlite3", MemoryPacingState),
    ],
)
async def test_where_budgets_are_kept(
    tmp_path: Path, pacing: str, database: str, kept: type
) -> None:
    """``auto`` keeps budgets in the database only where several processes share it."""
    url = database if "://" in database else str(tmp_path / database)
    settings = ConnectorSettings(pacing=pacing, database=url, cursor_key="k" * 32)  # type: ignore[arg-type]
    connector = FrontConnector(settings)
    try:
        assert type(connector.pacing) is kept
    finally:
        await connector.aclose()


async def test_serve_workers_share_budgets_through_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each ``serve --workers N`` worker, on SQLite too, paces on the database's budgets."""
    monkeypatch.setenv("CONNECTOR_FRONT_DATABASE", str(tmp_path / "workers.sqlite3"))
    monkeypatch.setenv("CONNECTOR_FRONT_CURSOR_KEY", "k" * 32)
    monkeypatch.delenv(workers.SERVE_ENVIRONMENT, raising=False)
    monkeypatch.delenv("CONNECTOR_FRONT_PACING", raising=False)
    app = workers.app()
    connector = app.state.connector
    try:
        assert isinstance(connector.pacing, DatabasePacingState)
    finally:
        await connector.aclose()


@pytest.mark.parametrize("pacing", ["auto", "shared", "process", "off"])
async def test_serve_workers_share_walk_notes_whatever_the_pacing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pacing: str
) -> None:
    """A worker of ``serve --workers N`` may be handed any page of a listing, so its walk
    notes go to the database even where its budgets stay in the process (or are off)."""
    monkeypatch.setenv("CONNECTOR_FRONT_DATABASE", str(tmp_path / "workers.sqlite3"))
    monkeypatch.setenv("CONNECTOR_FRONT_CURSOR_KEY", "k" * 32)
    monkeypatch.setenv("CONNECTOR_FRONT_PACING", pacing)
    monkeypatch.delenv(workers.SERVE_ENVIRONMENT, raising=False)
    connector = workers.app().state.connector
    try:
        assert isinstance(connector.walks.shared, DatabaseWalkNotes)
        kept = MemoryPacingState if pacing in ("process", "off") else DatabasePacingState
        assert type(connector.pacing) is kept
    finally:
        await connector.aclose()


@pytest.mark.parametrize("pacing", ["auto", "process", "off"])
async def test_one_process_on_sqlite_keeps_walk_notes_in_memory(
    tmp_path: Path, pacing: str
) -> None:
    """Outside ``serve --workers N``, an SQLite process shares walk notes only when its
    pacing is ``shared`` (several processes said to share the file)."""
    settings = ConnectorSettings(
        pacing=pacing,  # type: ignore[arg-type]
        database=str(tmp_path / "one.sqlite3"),
        cursor_key="k" * 32,
    )
    connector = FrontConnector(settings)
    try:
        assert connector.walks.shared is None
    finally:
        await connector.aclose()
