"""Listing walks' notes in the shared database: a walk any worker serves stays at the floor."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from connector_front.connector import FrontConnector
from connector_front.sandbox import SandboxServer
from connector_front.settings import ConnectorSettings
from connector_front.store.walk_notes import KEPT_FOR, DatabaseWalkNotes
from tests.clock import FakeClock
from tests.store.processes import two_workers

PAGE = 40


async def test_a_page_noted_by_one_worker_is_read_by_another(database_url: str) -> None:
    async with two_workers(database_url) as (one, two):
        first, second = DatabaseWalkNotes(one), DatabaseWalkNotes(two)
        await first.add("acme", "w1", 0, {"inboxes": ["inb_1", "inb_2"], "listed": ["cnv_1"]})
        await second.add("acme", "w1", 1, {"listed": ["cnv_2", "cnv_3"]})
        await second.add("acme", "w1", 1, {"listed": ["cnv_9"]})  # a replay: the first stays
        await first.add("acme", "w2", 0, {"inboxes": [], "listed": []})
        await first.add("other", "w1", 0, {"inboxes": ["inb_9"], "listed": ["cnv_9"]})

        assert await second.since("acme", "w1", 0) == [
            (0, {"inboxes": ["inb_1", "inb_2"], "listed": ["cnv_1"]}),
            (1, {"listed": ["cnv_2", "cnv_3"]}),
        ]
        assert await first.since("acme", "w1", 1) == [(1, {"listed": ["cnv_2", "cnv_3"]})]
        assert await first.since("other", "w1", 0) == [
            (0, {"inboxes": ["inb_9"], "listed": ["cnv_9"]})
        ]
        assert await first.since("acme", "w3", 0) == []


async def test_a_walks_first_page_prunes_notes_older_than_a_day(
    database_url: str, clock: FakeClock
) -> None:
    async with two_workers(database_url) as (one, two):
        notes = DatabaseWalkNotes(one, clock=clock)
        await notes.add("acme", "old", 0, {"inboxes": [], "listed": []})
        await notes.add("acme", "old", 1, {"listed": ["cnv_1"]})
        clock.now += KEPT_FOR / 2
        await notes.add("acme", "recent", 0, {"inboxes": [], "listed": []})
        await notes.add("acme", "old", 2, {"listed": ["cnv_2"]})
        clock.now += KEPT_FOR / 2 + 1
        await notes.add("acme", "new", 1, {"listed": []})  # not a first page: nothing pruned
        assert len(await notes.since("acme", "old", 0)) == 3
        await DatabaseWalkNotes(two, clock=clock).add("acme", "new", 0, {"listed": []})
        assert await notes.since("acme", "old", 0) == [(2, {"listed": ["cnv_2"]})]
        assert len(await notes.since("acme", "recent", 0)) == 1


@asynccontextmanager
async def worker(
    sandbox: SandboxServer,
    database_url: str,
    pacing: str = "shared",
    shared_database: bool | None = None,
) -> AsyncIterator[FrontConnector]:
    """One worker's connector on the shared database (its own pool and walk memory). Shared
    pacing by default; ``shared_database=True`` is what ``serve --workers N`` tells each of
    its workers, whatever their pacing."""
    settings = ConnectorSettings(
        api_base=sandbox.url,
        api_token="sandbox-api-token",
        database=database_url,
        cursor_key="walk-notes-test-key",
        pacing=pacing,
    )
    connector = FrontConnector(settings, shared_database=shared_database)
    try:
        yield connector
    finally:
        await connector.aclose()


@pytest.mark.parametrize(
    ("pacing", "shared_database"),
    [("shared", None), ("off", True), ("process", True)],
    ids=["pacing-shared", "workers-pacing-off", "workers-pacing-process"],
)
async def test_a_walk_handed_between_workers_stays_at_the_request_floor(
    database_url: str, sandbox: SandboxServer, pacing: str, shared_database: bool | None
) -> None:
    """Two workers serve a ticketIssue walk's pages in turn: each issue is listed once and no
    conversation's inboxes are asked for (the notes of the other's pages are in the store).
    Workers of ``serve --workers N`` share them whatever their pacing."""
    live = seed_issues(sandbox)
    db = sandbox.state.db
    async with (
        worker(sandbox, database_url, pacing, shared_database) as one,
        worker(sandbox, database_url, pacing, shared_database) as two,
    ):
        sandbox.state.clear_requests()
        ids: list[str] = []
        cursor, turns = None, 0
        while True:
            issues = (one, two)[turns % 2].connection("acme").resources("ticketIssue")
            page = await issues.list(cursor=cursor, limit=PAGE)
            ids += [record.id for record in page.data]
            turns += 1
            if page.next is None:
                break
            cursor = page.next
    paths = [r["path"] for r in sandbox.state.requests()]
    assert turns > 8
    assert sorted(Counter(ids).values()) == [1] * len(live)
    assert sorted(ids) == sorted(live)
    assert not [p for p in paths if p.startswith("/conversations/") and p.endswith("/inboxes")]
    assert len(paths) <= math.ceil(len(live) / PAGE) + len(db.inboxes) + 2


def seed_issues(sandbox: SandboxServer) -> list[str]:
    """Three more inboxes and 300 conversations, some in several inboxes: the live ids."""
    sandbox.state.seed("inboxes", 3)
    sandbox.state.seed("conversations", 300)
    db = sandbox.state.db
    assert sum(len(c.inbox_ids) > 1 for c in db.conversations.values()) > 10
    return [c.id for c in db.conversations.values() if not c.trashed and c.merged_into is None]


async def test_one_process_alone_on_sqlite_keeps_its_walk_notes_in_memory(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    """No write per page where no other process serves the walk; still at the floor."""
    live = seed_issues(sandbox)
    sandbox.state.clear_requests()
    async with worker(sandbox, str(tmp_path / "one.sqlite3"), pacing="auto") as alone:
        issues = alone.connection("acme").resources("ticketIssue")
        ids = [record.id async for page in issues.pages(limit=PAGE) for record in page.data]
        assert await alone.database.fetch("SELECT count(*) FROM walk_notes") == [(0,)]
    paths = [r["path"] for r in sandbox.state.requests()]
    assert sorted(ids) == sorted(live)
    assert len(paths) <= math.ceil(len(live) / PAGE) + len(sandbox.state.db.inboxes) + 2


async def test_a_list_front_answers_whole_is_asked_for_once_by_workers_in_turn(
    database_url: str, sandbox: SandboxServer
) -> None:
    """genericUser (Front does not page teammates), served a page at a time by two workers in
    turn: the second reads the list the first one kept in the store."""
    model = "genericUser"
    sandbox.state.seed("teammates", 20)
    async with worker(sandbox, database_url) as one, worker(sandbox, database_url) as two:
        every = [r.id for r in (await one.connection("acme").resources(model).list()).data]
        sandbox.state.clear_requests()
        ids: list[str] = []
        cursor, turns = None, 0
        while True:
            listing = (one, two)[turns % 2].connection("acme").resources(model)
            page = await listing.list(cursor=cursor, limit=3)
            ids += [record.id for record in page.data]
            turns += 1
            if page.next is None:
                break
            cursor = page.next
    assert turns > 5 and ids == every
    assert [r["path"] for r in sandbox.state.requests()] == ["/teammates"]
