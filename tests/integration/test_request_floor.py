"""Every model's full listing at Front's request floor: at most one request per 100 records,
plus a small constant per model. Counted on the sandbox's request log (never timed)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from connector_front.connection import Resources
from connector_front.dev.embedded import EmbeddedSandbox
from connector_front.errors import InvalidInputError
from connector_front.mappers.inbox_walk import WalkCursor
from connector_front.mappers.walks import WalkMemory
from connector_front.sandbox import SandboxServer
from connector_front.sandbox.database import Database
from tests.conftest import OWNER, Host, HostFactory

ISSUE = "cnv_s001"


def live_conversations(db: Database) -> list[str]:
    return [c.id for c in db.conversations.values() if not c.trashed and c.merged_into is None]


@dataclass(frozen=True)
class Floor:
    """A model's seeding, the ids its full listing must give, and its constant."""

    seed: dict[str, int]
    expected: Callable[[Database], list[str]]
    constant: Callable[[Database], int]
    filters: dict[str, str] | None = None


FLOORS: dict[str, Floor] = {
    "genericContact": Floor({"contacts": 260}, lambda db: list(db.contacts), lambda db: 0),
    "genericCompany": Floor({"accounts": 260}, lambda db: list(db.accounts), lambda db: 0),
    "genericUser": Floor(
        {"teammates": 260},
        lambda db: [t.id for t in db.teammates.values() if t.type == "user"],
        lambda db: 0,
    ),
    "genericWorkspace": Floor({"teams": 260}, lambda db: list(db.teams), lambda db: 0),
    # members: one request per inbox
    "ticketProject": Floor(
        {"inboxes": 250}, lambda db: list(db.inboxes), lambda db: len(db.inboxes)
    ),
    # one part page per inbox, GET /inboxes once, and the shared conversations' share of pages
    "ticketIssue": Floor(
        {"inboxes": 3, "conversations": 300},
        live_conversations,
        lambda db: len(db.inboxes) + 2,
    ),
    # one part page per phase (comments, then messages)
    "ticketComment": Floor(
        {"comments": 8 * 130, "messages": 8 * 120},
        lambda db: [
            *(c.id for c in db.comments.values() if c.conversation_id == ISSUE),
            *(m.id for m in db.messages.values() if m.conversation_id == ISSUE),
        ],
        lambda db: 2,
        {"issue": ISSUE},
    ),
}


def seeded(sandbox: SandboxServer, model: str) -> tuple[list[str], int]:
    """Seed the model's records; the ids a full listing must give, and its request bound."""
    floor = FLOORS[model]
    for kind, count in floor.seed.items():
        sandbox.state.seed(kind, count)
    db = sandbox.state.db
    expected = floor.expected(db)
    assert len(expected) >= 250, f"{model}: seed more records"
    sandbox.state.clear_requests()
    return expected, math.ceil(len(expected) / 100) + floor.constant(db)


def front_requests(sandbox: SandboxServer) -> list[str]:
    return [f"{r['method']} {r['path']}" for r in sandbox.state.requests()]


async def list_all(
    resources: Resources, filters: dict[str, str] | None, **options: Any
) -> list[Any]:
    records, cursor = [], None
    while True:
        page = await resources.list(cursor=cursor, filters=filters, **options)
        records += page.data
        if page.next is None:
            return records
        cursor = page.next


def connection_resources(env: EmbeddedSandbox, model: str) -> Resources:
    assert env.connector is not None
    return env.connector.connection(OWNER).resources(model)


@pytest.mark.parametrize("model", list(FLOORS))
async def test_full_listing_through_the_connector_is_at_the_floor(
    embedded: EmbeddedSandbox, sandbox: SandboxServer, model: str
) -> None:
    expected, bound = seeded(sandbox, model)
    records = await list_all(connection_resources(embedded, model), FLOORS[model].filters)
    asked = front_requests(sandbox)
    assert len(asked) <= bound, f"{model}: {len(asked)} requests for {len(expected)} records"
    ids = [record.id for record in records]
    assert sorted(ids) == sorted(expected)  # each record exactly once


@pytest.mark.parametrize("model", list(FLOORS))
def test_full_listing_through_the_host_route_is_at_the_floor(
    make_host: HostFactory, sandbox: SandboxServer, model: str
) -> None:
    with make_host() as host:
        expected, bound = seeded(sandbox, model)
        ids = host_listing(host, model, FLOORS[model].filters or {})
        asked = front_requests(sandbox)
    assert len(asked) <= bound, f"{model}: {len(asked)} requests for {len(expected)} records"
    assert sorted(ids) == sorted(expected)


def host_listing(host: Host, model: str, params: dict[str, str]) -> list[str]:
    ids: list[str] = []
    with host.client() as http:
        cursor = None
        while True:
            answer = http.get(f"/resources/{model}", params={**params, "cursor": cursor or ""})
            assert answer.status_code == 200, answer.text
            body = answer.json()
            ids += [record["id"] for record in body["data"]]
            if body["next"] is None:
                return ids
            cursor = body["next"]


async def test_a_shared_conversation_is_listed_once_under_the_project_retrieve_gives(
    embedded: EmbeddedSandbox, sandbox: SandboxServer
) -> None:
    seeded(sandbox, "ticketIssue")
    db = sandbox.state.db
    shared = [c.id for c in db.conversations.values() if len(c.inbox_ids) > 1]
    order = list(db.inboxes)
    # some shared conversations sit in an inbox listed before the one Front names first
    assert any(order.index(db.conversations[c].inbox_ids[1]) == 0 for c in shared)
    issues = connection_resources(embedded, "ticketIssue")
    listed = {record.id: record for record in await list_all(issues, None)}
    for conversation in shared:
        retrieved = await issues.retrieve(conversation)
        assert listed[conversation].fields["project"] == retrieved.fields["project"]
        first = min(db.conversations[conversation].inbox_ids, key=order.index)
        assert retrieved.fields["project"]["id"] == first


async def test_a_walk_this_process_forgot_still_lists_each_issue_once(
    embedded: EmbeddedSandbox, sandbox: SandboxServer
) -> None:
    """Each page on a connector with no notes of the walk (pruned, or no store to share them
    through): right answer, at the price of one check per conversation of a later inbox."""
    expected, _ = seeded(sandbox, "ticketIssue")
    assert embedded.connector is not None
    records, cursor = [], None
    while True:
        embedded.connector.walks = WalkMemory()
        page = await connection_resources(embedded, "ticketIssue").list(cursor=cursor)
        records += page.data
        if page.next is None:
            break
        cursor = page.next
    assert sorted(r.id for r in records) == sorted(expected)
    issues = connection_resources(embedded, "ticketIssue")
    for record in records:
        if len(sandbox.state.db.conversations[record.id].inbox_ids) > 1:
            assert record.fields["project"] == (await issues.retrieve(record.id)).fields["project"]


@pytest.mark.parametrize(
    ("model", "field", "related"),
    [
        ("ticketIssue", "project", "/inboxes"),  # GET /conversations alone
        ("ticketProject", "members", "/teammates"),
    ],
)
async def test_omitting_related_fields_makes_no_related_request(
    embedded: EmbeddedSandbox, sandbox: SandboxServer, model: str, field: str, related: str
) -> None:
    expected, _ = seeded(sandbox, model)
    records = await list_all(connection_resources(embedded, model), None, omit=[field])
    asked = front_requests(sandbox)
    assert len(asked) <= math.ceil(len(expected) / 100)
    assert not [path for path in asked if related in path]
    assert sorted(r.id for r in records) == sorted(expected)
    assert all(field not in record.fields for record in records)


def test_the_host_takes_omit_and_refuses_unknown_fields(host: Host) -> None:
    with host.client() as http:
        page = http.get("/resources/ticketProject", params={"omit": "members"}).json()
        assert page["data"] and all("members" not in r["fields"] for r in page["data"])
        wrong = http.get("/resources/ticketProject", params={"omit": "members,colour"})
    assert wrong.status_code == 400
    assert "colour" in wrong.json()["error"]["message"]
    assert wrong.json()["error"]["details"]["fields"] == ["omit.colour"]


async def test_a_tag_filter_resolves_the_tag_on_the_first_page_only(
    embedded: EmbeddedSandbox, sandbox: SandboxServer
) -> None:
    sandbox.state.seed("conversations", 10)
    db = sandbox.state.db
    tag = next(iter(db.tags.values()))
    for conversation in list(db.conversations.values()):
        conversation.tag_ids = [*conversation.tag_ids, tag.id]
    sandbox.state.clear_requests()
    issues = connection_resources(embedded, "ticketIssue")
    records = await list_all(issues, {"tag": tag.name}, limit=3, omit=["project"])
    assert len(records) >= 10
    assert front_requests(sandbox).count("GET /tags") == 1


@pytest.mark.parametrize("case", ["served elsewhere", "replayed"])
async def test_a_walk_served_partly_elsewhere_or_replayed_lists_each_issue_once(
    embedded: EmbeddedSandbox, sandbox: SandboxServer, case: str
) -> None:
    """Notes with a gap (a page served where no notes were kept) are not trusted; a replayed
    page (a client retrying a cursor) lists again what it listed the first time."""
    expected, _ = seeded(sandbox, "ticketIssue")
    assert embedded.connector is not None
    ours = embedded.connector.walks
    records: list[Any] = []
    cursor, step = None, 0
    while True:
        elsewhere = case == "served elsewhere" and step == 4
        embedded.connector.walks = WalkMemory() if elsewhere else ours
        issues = connection_resources(embedded, "ticketIssue")
        if case == "replayed" and step == 5:  # only the second answer counts
            await issues.list(cursor=cursor, limit=40)
        page = await issues.list(cursor=cursor, limit=40)
        records += page.data
        step += 1
        if page.next is None:
            break
        cursor = page.next
    assert step > 6
    assert sorted(r.id for r in records) == sorted(expected)


def test_a_foreign_walk_cursor_is_refused() -> None:
    for wrong in ("inboxes:{", "inboxes:[]", 'inboxes:{"walk": "", "at": -1, "inbox": "x"}', "x"):
        with pytest.raises(InvalidInputError, match="not a ticketIssue cursor"):
            WalkCursor.decode(wrong)
