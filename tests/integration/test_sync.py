"""Event sync against a sandbox Front over loopback HTTP, with its state in a real SQLite file."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from connector_front.connection import Connection
from connector_front.connector import FrontConnector
from connector_front.dev.embedded import EmbeddedSandbox, connect_owner, sandbox_settings
from connector_front.errors import InvalidInputError, NotFoundError
from connector_front.models.event import UnifiedEvent
from connector_front.registry import load_mapper
from connector_front.sandbox import SandboxConfig, SandboxServer
from connector_front.sandbox.records import Team, Teammate
from connector_front.sandbox.state import SandboxState
from connector_front.store import open_database
from connector_front.sync import ProgressUpdate, SyncEngine, SyncReport
from connector_front.sync.lease import Leases
from tests.clock import FakeClock
from tests.limits import loose

OWNER = "acme"
POLLED = ["genericContact", "genericCompany", "genericUser", "genericWorkspace", "ticketProject"]
Seen = list[tuple[str, str, str]]


async def _events(connector: FrontConnector) -> list[UnifiedEvent]:
    page = await connector.events(limit=500)
    assert page.next is not None or not page.data
    return page.data


async def _seen(connector: FrontConnector) -> Seen:
    return sorted((e.model, e.trigger, e.id) for e in await _events(connector))


def _admin(server: SandboxServer) -> httpx.Client:
    return httpx.Client(base_url=f"{server.url}/_sandbox", timeout=10)


def _front(server: SandboxServer) -> httpx.Client:
    return httpx.Client(
        base_url=server.url, headers={"authorization": "Bearer sandbox-api-token"}, timeout=10
    )


def _connector(embedded: EmbeddedSandbox) -> FrontConnector:
    assert embedded.connector is not None
    return embedded.connector


# -- polled models: created, updated, deleted once each ------------------------------------


@dataclass(frozen=True)
class Changed:
    """The records one model's changes created, updated and deleted."""

    created: str
    updated: str
    deleted: str

    def seen(self, model: str) -> Seen:
        triggers = {"created": self.created, "updated": self.updated, "deleted": self.deleted}
        return sorted((model, trigger, record) for trigger, record in triggers.items())


def _nothing_before(state: SandboxState) -> None:
    pass


def _a_teammate_to_delete(state: SandboxState) -> None:
    with state.lock:  # Front's API cannot create or delete teammates
        state.db.teammates["tea_gone"] = Teammate("tea_gone", "gone@x.example", "gone", "G", "O")


def _a_team_to_delete(state: SandboxState) -> None:
    with state.lock:  # nor teams
        state.db.teams["tim_gone"] = Team("tim_gone", "Gone team")


async def _changed_contacts(conn: Connection, state: SandboxState) -> Changed:
    contacts = conn.resources("genericContact")
    existing = (await contacts.list(limit=100)).data
    new = await contacts.create({"email": "sync-new@example.com"})
    await contacts.update(existing[0].id, {"lastName": "Synced"})
    await contacts.delete(existing[1].id)
    return Changed(new.id, existing[0].id, existing[1].id)


async def _changed_companies(conn: Connection, state: SandboxState) -> Changed:
    companies = conn.resources("genericCompany")
    accounts = (await companies.list(limit=100)).data
    company = await companies.create({"name": "Sync Co"})
    await companies.update(accounts[0].id, {"description": "changed by the sync test"})
    await companies.delete(accounts[1].id)
    return Changed(company.id, accounts[0].id, accounts[1].id)


async def _changed_projects(conn: Connection, state: SandboxState) -> Changed:
    projects = conn.resources("ticketProject")
    inboxes = (await projects.list(limit=100)).data
    inbox = await projects.create({"name": "Sync inbox"})
    with state.lock:  # Front's API cannot rename or delete inboxes
        state.db.inboxes[inboxes[0].id].name = "Renamed inbox"
        del state.db.inboxes[inboxes[1].id]
    return Changed(inbox.id, inboxes[0].id, inboxes[1].id)


async def _changed_users(conn: Connection, state: SandboxState) -> Changed:
    users = conn.resources("genericUser")
    teammate = (await users.retrieve("tea_s001")).fields
    await users.update("tea_s001", {"isAvailable": not teammate["isAvailable"]})
    with state.lock:
        state.db.teammates["tea_new"] = Teammate("tea_new", "new@x.example", "new", "N", "W")
        del state.db.teammates["tea_gone"]
    return Changed("tea_new", "tea_s001", "tea_gone")


async def _changed_workspaces(conn: Connection, state: SandboxState) -> Changed:
    with state.lock:
        state.db.teams["tim_new"] = Team("tim_new", "New team")
        del state.db.teams["tim_gone"]
        renamed = next(t for t in state.db.teams.values() if t.id.startswith("tim_s"))
        renamed.name = "Renamed"
    return Changed("tim_new", renamed.id, "tim_gone")


@pytest.mark.parametrize(
    ("model", "before", "change"),
    [
        ("genericContact", _nothing_before, _changed_contacts),
        ("genericCompany", _nothing_before, _changed_companies),
        ("ticketProject", _nothing_before, _changed_projects),
        ("genericUser", _a_teammate_to_delete, _changed_users),
        ("genericWorkspace", _a_team_to_delete, _changed_workspaces),
    ],
)
async def test_a_polled_model_emits_created_updated_deleted_once(
    embedded: EmbeddedSandbox,
    model: str,
    before: Callable[[SandboxState], None],
    change: Callable[[Connection, SandboxState], Awaitable[Changed]],
) -> None:
    """Every polled model is synced each pass: the changed one emits one event per change,
    the others none; a pass after that emits nothing."""
    connector = _connector(embedded)
    state = embedded.server.state
    before(state)  # records that exist at the baseline and are deleted later

    baseline = await connector.sync(OWNER, POLLED)
    assert [f.model for f in baseline.owners[0].models] == POLLED
    assert all(f.baseline and f.error is None for f in baseline.owners[0].models)
    assert baseline.emitted == 0 and await connector.event_log.count() == 0

    changed = await change(connector.connection(OWNER), state)

    second = await connector.sync(OWNER, POLLED)
    assert not second.failed
    assert await _seen(connector) == changed.seen(model)
    for event in await _events(connector):
        assert event.source == "sync" and event.ownerId == OWNER
        assert (event.data is None) == (event.trigger == "deleted")
        if event.data is not None:
            assert event.data["id"] == event.id and event.data["model"] == event.model
    for feed in second.owners[0].models:
        once = 1 if feed.model == model else 0
        assert feed.emitted == {"created": once, "updated": once, "deleted": once}, feed.model
        assert feed.deletions_checked and not feed.baseline

    third = await connector.sync(OWNER, POLLED)
    assert third.emitted == 0 and not third.failed
    assert await connector.event_log.count() == 3


async def test_updated_event_carries_the_new_record_and_its_time(
    embedded: EmbeddedSandbox,
) -> None:
    connector = _connector(embedded)
    await connector.sync(OWNER, ["genericContact"])
    contacts = connector.connection(OWNER).resources("genericContact")
    target = (await contacts.list(limit=1)).data[0]
    updated = await contacts.update(target.id, {"description": "VIP"})
    await connector.sync(OWNER, ["genericContact"])
    (event,) = await _events(connector)
    assert event.event == "genericContact::updated"
    assert event.occurredAt == updated.updatedAt
    assert event.idempotencyKey == f"genericContact:{target.id}:updated:" + (
        updated.updatedAt.isoformat() if updated.updatedAt else ""
    )
    assert event.data is not None and event.data["fields"]["description"] == "VIP"


# -- killed, failed and aborted passes ------------------------------------------------------


class Killed(BaseException):
    """Stands for the process dying: nothing after the raise runs, no handler catches it."""


def kill_at(model: str, stage: str) -> Callable[[ProgressUpdate], None]:
    def progress(update: ProgressUpdate) -> None:
        if update.model == model and update.stage == stage:
            raise Killed(stage)

    return progress


@dataclass
class World:
    sandbox: SandboxServer
    config: SandboxConfig
    database: Path

    def connector(self, **updates: Any) -> FrontConnector:
        settings = sandbox_settings(self.sandbox, self.config, self.database)
        return FrontConnector(settings.model_copy(update=updates))


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    """A sandbox with 250 more contacts (3 pages) and owner ``acme`` connected."""
    config = loose()
    with SandboxServer(config) as sandbox:
        with _admin(sandbox) as admin:
            admin.post("/seed/contacts", json={"count": 250}).raise_for_status()
        env = World(sandbox, config, tmp_path / "connector.sqlite3")
        connector = env.connector()
        await connect_owner(connector, OWNER)
        await connector.aclose()
        yield env


async def _change_contacts(connector: FrontConnector) -> Seen:
    """Two contacts created, two updated, two deleted (spread over the listing's pages)."""
    contacts = connector.connection(OWNER).resources("genericContact")
    ids: list[str] = []
    cursor: str | None = None
    while True:
        page = await contacts.list(limit=100, cursor=cursor)
        ids += [r.id for r in page.data]
        if page.next is None:
            break
        cursor = page.next
    created = [await contacts.create({"email": f"kill-{n}@example.com"}) for n in range(2)]
    for rid in (ids[5], ids[205]):
        await contacts.update(rid, {"lastName": "Changed"})
    for rid in (ids[10], ids[210]):
        await contacts.delete(rid)
    return sorted(
        [("genericContact", "created", r.id) for r in created]
        + [("genericContact", "updated", rid) for rid in (ids[5], ids[205])]
        + [("genericContact", "deleted", rid) for rid in (ids[10], ids[210])]
    )


@pytest.mark.parametrize("stage", ["listing", "emitted"])
async def test_killed_then_restarted_emits_nothing_twice_and_misses_nothing(
    world: World, stage: str
) -> None:
    first = world.connector()
    await first.sync(OWNER, ["genericContact"])  # baseline
    expected = await _change_contacts(first)
    with pytest.raises(Killed):
        await first.sync(OWNER, ["genericContact"], progress=kill_at("genericContact", stage))
    await first.aclose()
    emitted_before_restart = await first.event_log.count()
    assert emitted_before_restart == (len(expected) if stage == "emitted" else 0)

    restarted = world.connector()  # a new process: nothing kept but the SQLite file
    report = await restarted.sync(OWNER, ["genericContact"])
    assert not report.failed and not report.owners[0].models[0].baseline
    assert report.emitted == len(expected) - emitted_before_restart
    assert await _seen(restarted) == expected
    again = await restarted.sync(OWNER, ["genericContact"])
    assert again.emitted == 0
    assert await _seen(restarted) == expected
    await restarted.aclose()


async def test_a_listing_that_fails_midway_emits_no_deletes_then_recovers(world: World) -> None:
    connector = world.connector(max_attempts=2)
    await connector.sync(OWNER, ["genericContact"])  # baseline: 262 contacts
    expected = await _change_contacts(connector)
    admin = _admin(world.sandbox)

    def fail_page_two(update: ProgressUpdate) -> None:
        if update.stage == "listing" and update.pages == 1:  # every retry of page 2 fails
            admin.post(
                "/faults", json={"kind": "status", "status": 500, "path": "/contacts", "count": 2}
            ).raise_for_status()

    failed = await connector.sync(OWNER, ["genericContact"], progress=fail_page_two)
    feed = failed.feed(OWNER, "genericContact")
    assert failed.failed and feed.error is not None and feed.error.startswith("upstream_error")
    assert feed.pages == 1 and feed.records == 100
    assert await connector.event_log.count() == 0  # 160 unseen contacts are not "deleted"
    statuses = [e["status"] for e in admin.get("/requests").json() if e["path"] == "/contacts"]
    assert statuses[-2:] == [500, 500]

    recovered = await connector.sync(OWNER, ["genericContact"])
    assert not recovered.failed
    assert await _seen(connector) == expected
    assert sum(1 for _, trigger, _ in expected if trigger == "deleted") == 2
    admin.close()
    await connector.aclose()


async def test_large_models_check_deletions_once_per_full_scan_interval(
    world: World, clock: FakeClock
) -> None:
    connector = world.connector(sync_full_scan_interval=600.0)
    engine = SyncEngine(connector, connector.database, clock=clock, full_scan_max_known=100)
    await engine.run(owner_id=OWNER, models=["genericContact"])  # baseline, a full listing
    expected = await _change_contacts(connector)
    admin = _admin(world.sandbox)
    admin.delete("/requests").raise_for_status()

    clock.now += 60
    quick = await engine.run(owner_id=OWNER, models=["genericContact"])
    feed = quick.feed(OWNER, "genericContact")
    assert not feed.deletions_checked and feed.deletions_note is not None
    assert "540 s" in feed.deletions_note
    assert feed.emitted == {"created": 2, "updated": 2, "deleted": 0}
    listings = [e for e in admin.get("/requests").json() if e["path"] == "/contacts"]
    assert len(listings) == 1 and "q%5Bupdated_after%5D=" in listings[0]["query"]

    clock.now += 600
    full = await engine.run(owner_id=OWNER, models=["genericContact"])
    assert full.feed(OWNER, "genericContact").deletions_checked
    assert full.feed(OWNER, "genericContact").emitted == {"created": 0, "updated": 0, "deleted": 2}
    assert await _seen(connector) == expected
    admin.close()
    await connector.aclose()


# -- conversations: the Events API stream --------------------------------------------------


async def test_conversation_activity_arrives_once_through_the_events_api(
    embedded: EmbeddedSandbox,
) -> None:
    connector = _connector(embedded)
    models = ["ticketIssue", "ticketComment"]
    first = await connector.sync(OWNER, models)
    assert not first.failed and first.feed(OWNER, "ticketIssue").note is not None
    already = await connector.event_log.count()
    started = time.time() - 1

    with _front(embedded.server) as front:
        front.patch(
            "/conversations/cnv_s002", json={"assignee_id": "tea_s002", "tag_ids": ["tag_s001"]}
        ).raise_for_status()
        comment = front.post(
            "/conversations/cnv_s002/comments",
            json={"body": "Checking stock", "author_id": "tea_s002"},
        ).json()
        front.patch("/conversations/cnv_s002", json={"status": "archived"}).raise_for_status()
        activity = front.get("/events", params={"q[after]": started, "sort_order": "asc"}).json()[
            "_results"
        ]
    front_ids = {e["id"] for e in activity if e["conversation"]["id"] == "cnv_s002"}
    assert len(front_ids) == 5

    report = await connector.sync(OWNER, models)
    assert not report.failed
    new = (await connector.events(after=str(already), limit=500)).data
    issue_updates = [e for e in new if e.event == "ticketIssue::updated"]
    assert {e.id for e in issue_updates} == {"cnv_s002"}
    assert {e.idempotencyKey.rsplit(":", 1)[1] for e in issue_updates} == front_ids
    comments = [e for e in new if e.model == "ticketComment"]
    assert [(e.trigger, e.id) for e in comments] == [("created", comment["id"])]
    assert comments[0].references[0].id == "cnv_s002"
    assert len(new) == 6 and all(e.source == "events_api" for e in new)
    assert all(e.data is not None for e in new)
    assert all(e.data and e.data["fields"]["status"] == "closed" for e in issue_updates)

    again = await connector.sync(OWNER, models)
    assert again.emitted == 0
    assert await connector.event_log.count() == already + 6


async def test_only_subscribed_models_are_synced(tmp_path: Path) -> None:
    async with EmbeddedSandbox(tmp_path / "c.sqlite3") as env:
        connector = _connector(env)
        await connect_owner(connector, "contacts-only", ["genericContact::events"])
        await connect_owner(connector, "no-events", ["genericContact::list"])
        report = await connector.sync()
        assert [o.owner_id for o in report.owners] == ["contacts-only"]
        assert [f.model for f in report.owners[0].models] == ["genericContact"]
        assert report.owners[0].models[0].baseline


async def test_one_owner_failing_never_stops_the_others(tmp_path: Path) -> None:
    async with EmbeddedSandbox(tmp_path / "c.sqlite3") as env:
        connector = _connector(env)
        await connect_owner(connector, "good", ["genericContact::events"])
        await connector.connection("unauthorized").create(["genericContact::events"])
        report = await connector.sync()
        by_owner = {o.owner_id: o for o in report.owners}
        assert set(by_owner) == {"good", "unauthorized"}
        assert not by_owner["good"].failed
        failed = by_owner["unauthorized"].models[0]
        assert failed.error is not None and failed.error.startswith("authorization_required")


async def test_bad_model_names_are_refused_before_any_request(
    embedded: EmbeddedSandbox,
) -> None:
    connector = _connector(embedded)
    with pytest.raises(NotFoundError, match="unknown model"):
        await connector.sync(OWNER, ["genericContacts"])
    with pytest.raises(InvalidInputError, match="at least one model"):
        await connector.sync(OWNER, [])
    with pytest.raises(InvalidInputError, match="owner id must be a non-empty string"):
        await connector.sync(" ")
    connector.registry.register(load_mapper("examples.front_tag:TagMapper"))
    with pytest.raises(InvalidInputError, match="frontTag has no events to sync"):
        await connector.sync(OWNER, ["frontTag"])


async def test_a_model_with_a_change_feed_but_no_events_grant_is_not_named_as_having_events(
    embedded: EmbeddedSandbox,
) -> None:
    """A mapper may say how its changes are learnt yet offer no ``events`` operation: sync
    refuses it, and its message names only models a connection can receive events of."""
    connector = _connector(embedded)
    tags = load_mapper("examples.front_tag:TagMapper")
    polled_tags = type("PolledTags", (type(tags),), {"model": "polledTag", "changes": "snapshot"})
    connector.registry.register(polled_tags())
    with pytest.raises(InvalidInputError, match="polledTag has no events to sync") as caught:
        await connector.sync(OWNER, ["polledTag"])
    named = caught.value.message.rpartition("models with events: ")[2].split(", ")
    assert named == [m.model for m in connector.registry if m.has_events]
    assert "polledTag" not in named


# -- the report's JSON, and progress ---------------------------------------------------------


async def test_report_json_and_progress(embedded: EmbeddedSandbox) -> None:
    connector = _connector(embedded)
    updates: list[ProgressUpdate] = []
    report: SyncReport = await connector.sync(OWNER, ["genericContact"], updates.append)
    body = report.to_json()
    (owner,) = body["owners"]
    (feed,) = owner["models"]
    assert feed["model"] == "genericContact" and feed["strategy"] == "updated_after"
    assert feed["baseline"] is True and feed["emitted"] == {
        "created": 0,
        "updated": 0,
        "deleted": 0,
    }
    assert feed["pages"] == 1 and feed["records"] > 0 and feed["error"] is None
    assert [u.stage for u in updates] == ["listing", "emitted", "committed"]


async def test_passes_of_one_owner_never_overlap(embedded: EmbeddedSandbox) -> None:
    connector = _connector(embedded)
    running = 0
    most = 0

    def watch(update: ProgressUpdate) -> None:
        nonlocal running, most
        if update.stage == "listing" and update.pages == 1:
            running += 1
            most = max(most, running)
        if update.stage == "committed":
            running -= 1

    await asyncio.gather(*(connector.sync(OWNER, ["genericContact"], watch) for _ in range(3)))
    assert most == 1


async def test_an_owner_another_worker_is_syncing_is_skipped_not_synced_twice(
    embedded: EmbeddedSandbox,
) -> None:
    """A second worker process on the same database holds the owner's sync lease."""
    connector = _connector(embedded)
    database = await open_database(connector.settings.database)
    try:
        await _skipped_while_another_holds_the_lease(connector, Leases(database))
    finally:
        await database.close()


async def _skipped_while_another_holds_the_lease(
    connector: FrontConnector, other_worker: Leases
) -> None:
    assert await other_worker.acquire(f"sync:{OWNER}")

    busy = await connector.sync(OWNER, ["genericContact"])
    (owner,) = busy.owners
    assert owner.skipped is not None and "another worker" in owner.skipped
    assert owner.models == [] and owner.error is None and not busy.failed
    assert busy.to_json()["owners"][0]["skipped"] == owner.skipped
    assert await connector.syncer.state.load(OWNER, "genericContact") is None  # untouched

    await other_worker.release(f"sync:{OWNER}")
    done = await connector.sync(OWNER, ["genericContact"])
    assert done.owners[0].error is None and done.owners[0].skipped is None
    assert await connector.syncer.state.load(OWNER, "genericContact") is not None
    assert await other_worker.acquire(f"sync:{OWNER}")  # the pass gave its lease back


async def test_a_lease_the_database_refuses_is_reported_on_the_owner_not_raised(
    embedded: EmbeddedSandbox, tmp_path: Path
) -> None:
    connector = _connector(embedded)
    await connector.sync(OWNER, ["genericContact"])  # the database is open and migrated
    database = sqlite3.connect(tmp_path / "connector.sqlite3")
    database.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON leases BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    database.close()
    report = await connector.sync(OWNER, ["genericContact"])
    assert report.failed and report.owners[0].error == "internal error: IntegrityError"


async def test_a_failed_event_write_keeps_the_state_so_nothing_is_lost(
    embedded: EmbeddedSandbox, tmp_path: Path
) -> None:
    """Events are written before the state: when the write fails, the next pass re-finds them."""
    connector = _connector(embedded)
    await connector.sync(OWNER, ["genericContact"])
    created = (
        await connector.connection(OWNER)
        .resources("genericContact")
        .create({"email": "late@example.com"})
    )
    database = sqlite3.connect(tmp_path / "connector.sqlite3")
    database.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON unified_events"
        " BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    failed = await connector.sync(OWNER, ["genericContact"])
    assert failed.feed(OWNER, "genericContact").error == "internal error: IntegrityError"
    database.execute("DROP TRIGGER refuse")
    database.close()

    recovered = await connector.sync(OWNER, ["genericContact"])
    assert recovered.emitted == 1
    assert await _seen(connector) == [("genericContact", "created", created.id)]


async def test_a_cancelled_pass_then_a_restart_emits_each_change_once(world: World) -> None:
    first = world.connector()
    await first.sync(OWNER, ["genericContact"])
    expected = await _change_contacts(first)
    running: asyncio.Task[SyncReport] | None = None

    def cancel_on_page_two(update: ProgressUpdate) -> None:
        if update.stage == "listing" and update.pages == 2 and running is not None:
            running.cancel()

    running = asyncio.create_task(
        first.sync(OWNER, ["genericContact"], progress=cancel_on_page_two)
    )
    with pytest.raises(asyncio.CancelledError):
        await running
    await first.aclose()
    assert await first.event_log.count() == 0

    restarted = world.connector()
    await restarted.sync(OWNER, ["genericContact"])
    await restarted.sync(OWNER, ["genericContact"])
    assert await _seen(restarted) == expected
    await restarted.aclose()


@pytest.mark.parametrize(("stage", "written"), [("listing", 30), ("emitted", 40)])
async def test_the_events_stream_killed_on_its_second_page_resumes_exactly_once(
    embedded: EmbeddedSandbox, stage: str, written: int
) -> None:
    """20 comments: 20 Front events, 2 pages of the stream, 40 unified events."""
    connector = _connector(embedded)
    models = ["ticketIssue", "ticketComment"]
    await connector.sync(OWNER, models)
    with _front(embedded.server) as front:
        comments = [
            front.post(
                "/conversations/cnv_s003/comments",
                json={"body": f"note {n}", "author_id": "tea_s001"},
            ).json()["id"]
            for n in range(20)
        ]
    with pytest.raises(Killed):
        await connector.sync(OWNER, models, progress=_kill_after(models[0], stage, records=16))
    # the first page's events are written (and its cursor saved); the second page's are
    # written only when the kill came after its events
    assert await connector.event_log.count() == written

    report = await connector.sync(OWNER, models)
    assert not report.failed
    events = await _events(connector)
    created = sorted(e.id for e in events if e.event == "ticketComment::created")
    assert created == sorted(comments)
    updates = [e for e in events if e.event == "ticketIssue::updated"]
    assert len(updates) == 20 == len({e.idempotencyKey for e in updates})
    assert (await connector.sync(OWNER, models)).emitted == 0


def _kill_after(model: str, stage: str, *, records: int) -> Callable[[ProgressUpdate], None]:
    def progress(update: ProgressUpdate) -> None:
        if update.model == model and update.stage == stage and update.records >= records:
            raise Killed(stage)

    return progress
