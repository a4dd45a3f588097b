"""``connector-front sync`` and the host's background polling (``serve --sync-interval``)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from connector_front.cli import main
from connector_front.commands.sync import serve_jobs
from connector_front.dev.embedded import connect_owner, sandbox_settings
from connector_front.events.log import EventLog
from connector_front.host import create_app, load_connector
from connector_front.host.server import BackgroundServer
from connector_front.sandbox import SandboxServer
from connector_front.store import LazyDatabase
from connector_front.sync import SyncReport, sync_forever
from connector_front.sync.state import SyncStateStore
from tests.limits import loose

CLI = Path(sys.executable).parent / "connector-front"


@pytest.mark.parametrize("command", [["sync"], ["serve"]])
def test_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "usage: connector-front" in text
    assert ("--sync-interval" if command == ["serve"] else "--watch") in text


def test_sync_sandbox_prints_the_report_as_json_on_a_pipe() -> None:
    answer = subprocess.run(
        [str(CLI), "sync", "--sandbox", "--model", "genericContact", "--model", "ticketIssue"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert answer.returncode == 0, answer.stderr
    report = json.loads(answer.stdout)
    (owner,) = report["owners"]
    assert owner["ownerId"] == "demo" and report["failed"] is False
    feeds = {feed["model"]: feed for feed in owner["models"]}
    assert set(feeds) == {"genericContact", "ticketIssue"}
    assert feeds["genericContact"]["baseline"] is True
    assert feeds["genericContact"]["records"] > 0
    assert feeds["ticketIssue"]["strategy"] == "events_api"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sync", "--sandbox", "--interval", "0"], "--interval must be a positive"),
        (["sync", "--sandbox", "--model", "frontTags"], "unknown model 'frontTags'"),
    ],
)
def test_sync_refuses_bad_options(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 1
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("operations", "says"),
    [
        (None, "there is no connection in this database"),
        (["genericContact::list"], "no connection has events (acme: genericContact::list)"),
    ],
)
def test_a_sync_of_every_connection_that_finds_none_to_sync_says_why_and_what_to_grant(
    operations: list[str] | None,
    says: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in [n for n in os.environ if n.startswith(("FRONT_", "CONNECTOR_FRONT_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CONNECTOR_FRONT_DATABASE", str(tmp_path / "idle.sqlite3"))
    monkeypatch.setenv("FRONT_CLIENT_ID", "app")  # OAuth: sync goes over stored connections
    monkeypatch.setenv("FRONT_CLIENT_SECRET", "app-secret")
    if operations is not None:

        async def create() -> None:
            connector = load_connector("front")
            await connector.connection("acme").create(operations)
            await connector.aclose()

        asyncio.run(create())
    assert main(["sync"]) == 1
    printed = capsys.readouterr()
    assert json.loads(printed.out)["owners"] == []
    assert says in printed.err
    assert "connector-front connect OWNER --operations genericContact::events" in printed.err


# -- background polling ---------------------------------------------------------------------


class FlakyConnector:
    """Stands in for the host's connector: the first pass fails, later ones report."""

    def __init__(self) -> None:
        self.passes = 0

    async def sync(self) -> SyncReport:
        self.passes += 1
        if self.passes == 1:
            raise RuntimeError("Front is down")
        return SyncReport.start()


async def test_the_loop_keeps_going_after_a_failed_pass() -> None:
    connector = FlakyConnector()
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await sync_forever(connector, 7.0, sleep=sleep)
    assert connector.passes == 3 and waits == [7.0, 7.0, 7.0]


def test_serve_jobs_follow_the_interval(tmp_path: Path) -> None:
    with SandboxServer(loose()) as sandbox:
        settings = sandbox_settings(sandbox, loose(), tmp_path / "c.sqlite3")
        connector = load_connector("front", settings)
        assert len(serve_jobs(None, connector)) == 1  # the sync_interval setting, 60
        assert len(serve_jobs(5, connector)) == 1
        assert serve_jobs(0, connector) == []


async def _wait_for(check: Any, what: str) -> None:
    for _ in range(600):  # up to 60 s; a pass takes well under a second
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def test_the_host_polls_in_the_background(tmp_path: Path) -> None:
    config = loose()
    database = tmp_path / "host.sqlite3"
    with SandboxServer(config) as sandbox:
        connector = load_connector("front", sandbox_settings(sandbox, config, database))

        async def authorize(plugin: Any) -> None:
            await connect_owner(plugin, "acme")

        app = create_app(connector, on_startup=authorize, background=serve_jobs(0.2, connector))
        shared = LazyDatabase(str(database))
        state, log = SyncStateStore(shared), EventLog(shared)
        with BackgroundServer(app) as host:

            async def baselined() -> bool:
                return await state.load("acme", "genericContact") is not None

            await _wait_for(baselined, "the baseline pass")
            async with httpx.AsyncClient(base_url=host.url) as client:
                created = await client.post(
                    "/resources/genericContact",
                    headers={"x-owner-id": "acme"},
                    json={"fields": {"email": "polled@example.com"}},
                )
            assert created.status_code == 201
            contact_id = created.json()["id"]

            async def found() -> bool:
                page = await log.read(owner_id="acme", model="genericContact")
                return any(e.id == contact_id for e in page.data)

            await _wait_for(found, "the created contact's event")
            page = await log.read(owner_id="acme", model="genericContact")
            assert [(e.trigger, e.id) for e in page.data] == [("created", contact_id)]
        await shared.close()
