"""Webhook deliveries turned into events from Front's Events API (``webhook_reads =
"events_api"``): a request per 15 events, nothing lost when the Events API lists an event
late, each change once across webhooks, Events-API reads, sync passes and restarts.

Deliveries are what the sandbox Front sends for its own events (its previews, its company);
requests are counted by the sandbox, at Front's limit.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from connector_front.connector import FrontConnector
from connector_front.dev.embedded import EmbeddedSandbox
from connector_front.events.processor import RETRY_UNLISTED, DeliveryProcessor
from connector_front.mappers.events import EVENTS_PAGE, translate
from connector_front.models.event import UnifiedEvent, idempotency_key
from connector_front.sandbox import SandboxServer
from connector_front.sandbox.shapes.events import event_json
from connector_front.sandbox.shapes.preview import event_preview
from connector_front.sandbox.webhook_types import BY_EVENT_TYPE
from connector_front.webhooks.queue import DeliveryQueue
from tests.clock import FakeClock

OWNER = "acme"
CONVERSATION_MODELS = ["ticketIssue", "ticketComment"]


def _connector(embedded: EmbeddedSandbox) -> FrontConnector:
    assert embedded.connector is not None
    return embedded.connector


def _front(server: SandboxServer) -> httpx.Client:
    return httpx.Client(
        base_url=server.url, headers={"authorization": "Bearer sandbox-api-token"}, timeout=10
    )


def _admin(server: SandboxServer) -> httpx.Client:
    return httpx.Client(base_url=f"{server.url}/_sandbox", timeout=10)


def inbound(server: SandboxServer, conversation: str, n: int) -> str:
    """A customer's message into ``conversation``; its Front event id."""
    with _admin(server) as admin:
        answer = admin.post(
            "/simulate/inbound",
            json={"conversation_id": conversation, "from": f"c{n}@x.example", "body": f"hi {n}"},
        )
    answer.raise_for_status()
    return str(answer.json()["event_id"])


def conversations(server: SandboxServer, count: int) -> list[str]:
    """``count`` conversations that take messages (seeded ones first, then generated)."""
    db = server.state.db
    usable = sorted(c.id for c in db.conversations.values() if c.type == "conversation")
    if len(usable) < count:
        with _admin(server) as admin:
            made = admin.post("/seed/conversations", json={"count": count - len(usable)})
            usable += made.raise_for_status().json()["ids"]
    return usable[:count]


def known_events(server: SandboxServer) -> set[str]:
    with server.state.lock:
        return set(server.state.db.events)


def new_events(server: SandboxServer, before: set[str], *types: str) -> list[str]:
    """The sandbox's events since ``before`` (of ``types`` only, when given), oldest first."""
    with server.state.lock:
        found = [e for e in server.state.db.events.values() if e.id not in before]
    found.sort(key=lambda e: (e.emitted_at, e.id))
    return [e.id for e in found if not types or e.type in types]


def sent_by_front(server: SandboxServer, event_id: str) -> tuple[str, dict[str, Any]]:
    """The application webhook the sandbox sends for its event: (type, preview)."""
    state = server.state
    with state.lock:
        event = state.db.events[event_id]
        return BY_EVENT_TYPE[event.type], event_preview(state.links(), state.db, event)


async def deliver(
    connector: FrontConnector, server: SandboxServer, event_ids: Sequence[str], queue: Any = None
) -> None:
    """Store the webhooks of these events as the host's intake would."""
    company = await connector.connection(OWNER).company()
    for event_id in event_ids:
        hook, preview = sent_by_front(server, event_id)
        await (queue or connector.deliveries).add(
            kind="application", event=preview, webhook_type=hook, company_id=company
        )


def requests(server: SandboxServer) -> Counter[str]:
    return Counter(f"{r['method']} {r['path']}" for r in server.state.requests())


async def logged(connector: FrontConnector) -> list[UnifiedEvent]:
    page = await connector.events(limit=500, owner_id=OWNER)
    return page.data


async def statuses(connector: FrontConnector) -> list[str]:
    rows = await connector.database.fetch("SELECT status FROM webhook_deliveries ORDER BY id")
    return [str(status) for (status,) in rows]


@pytest.mark.parametrize(("messages", "spread"), [(45, 3), (40, 20), (30, 30)])
async def test_message_deliveries_cost_a_request_per_page_of_15_events(
    embedded: EmbeddedSandbox, messages: int, spread: int
) -> None:
    """N message deliveries on M conversations: ceil(N / 15) reads of the Events API and at
    most one more (the company's inbox order); every message has its two events, with data."""
    connector, server = _connector(embedded), embedded.server
    targets = conversations(server, spread)
    events = [inbound(server, targets[n % spread], n) for n in range(messages)]
    await deliver(connector, server, events)
    server.state.clear_requests()
    assert await connector.processor.run_until_idle() == messages
    sent = requests(server)
    pages = math.ceil(messages / EVENTS_PAGE)
    print(f"\n{messages} deliveries on {spread} conversations: {dict(sent)}")
    assert sent["GET /events"] == pages
    assert sum(sent.values()) <= pages + 1
    assert await statuses(connector) == ["done"] * messages
    found = Counter(e.event for e in await logged(connector))
    assert found == {"ticketComment::created": messages, "ticketIssue::updated": messages}
    assert all(e.data is not None for e in await logged(connector))


async def test_changes_that_do_not_name_their_inboxes_cost_a_read_per_conversation_once(
    embedded: EmbeddedSandbox,
) -> None:
    """Tags (made by a teammate, so the event names no inbox): ceil(N / 15) reads of the
    Events API plus one read of each conversation's inboxes, then remembered."""
    connector, server = _connector(embedded), embedded.server
    targets = conversations(server, 4)
    before = known_events(server)
    with _front(server) as front:
        tags = [t["id"] for t in front.get("/tags").json()["_results"]][:5]
        for tag in tags:
            for conversation in targets:
                front.post(f"/conversations/{conversation}/tags", json={"tag_ids": [tag]})
    events = new_events(server, before, "tag")
    assert len(events) >= 2 * len(targets)
    await deliver(connector, server, events)
    server.state.clear_requests()
    await connector.processor.run_until_idle()
    sent = requests(server)
    pages = math.ceil(len(events) / EVENTS_PAGE)
    assert sent["GET /events"] == pages
    assert sum(v for k, v in sent.items() if k.endswith("/inboxes")) <= len(targets) + 1
    updated = [e for e in await logged(connector) if e.event == "ticketIssue::updated"]
    assert len(updated) == len(events)
    assert all(e.data and e.data["fields"]["project"] for e in updated)


async def test_reading_each_delivery_costs_more_than_the_bound(
    embedded: EmbeddedSandbox, tmp_path: Path
) -> None:
    """Guard for the bound above: the same deliveries read one by one (``per_delivery``)."""
    connector, server = _connector(embedded), embedded.server
    settings = connector.settings.model_copy(update={"webhook_reads": "per_delivery"})
    async with FrontConnector(settings) as one_by_one:
        targets = conversations(server, 3)
        events = [inbound(server, targets[n % 3], n) for n in range(45)]
        await deliver(one_by_one, server, events)
        server.state.clear_requests()
        await one_by_one.processor.run_until_idle()
    assert sum(requests(server).values()) > math.ceil(45 / EVENTS_PAGE) + 1


Paused = tuple[DeliveryProcessor, DeliveryQueue, FakeClock]


@pytest.fixture
async def paused(embedded: EmbeddedSandbox, clock: FakeClock) -> AsyncIterator[Paused]:
    """A processor on a queue whose clock the test moves."""
    connector = _connector(embedded)
    clock.now = 1_800_000_000.0
    queue = DeliveryQueue(connector.database, clock=clock)
    yield DeliveryProcessor(connector, queue), queue, clock


async def test_a_delivery_whose_event_is_listed_late_becomes_its_events_once(
    embedded: EmbeddedSandbox, paused: Paused
) -> None:
    """Front lists one event late: its delivery waits for the next pass, which reads from
    before that event although the stream's position has moved past it."""
    connector, server = _connector(embedded), embedded.server
    processor, queue, clock = paused
    await connector.sync(OWNER, CONVERSATION_MODELS)  # the stream has a position
    late_conversation, other = conversations(server, 2)
    late = inbound(server, late_conversation, 1)
    on_time = inbound(server, other, 2)
    await deliver(connector, server, [late, on_time], queue=queue)
    with server.state.lock:
        hidden = server.state.db.events.pop(late)  # not listed yet

    assert await processor.run_once() == 2
    assert await statuses(connector) == ["pending", "done"]
    message = server.state.db.events[on_time].target_id
    assert {e.id for e in await logged(connector)} == {other, message}
    position = await connector.streams.position(OWNER)
    assert position is not None and position >= hidden.emitted_at

    with server.state.lock:
        server.state.db.events[late] = hidden  # listed now
    clock.now += RETRY_UNLISTED + connector.settings.events_window + 1
    server.state.clear_requests()
    assert await processor.run_once() == 1
    assert await statuses(connector) == ["done", "done"]
    reads = [r for r in server.state.requests() if r["path"] == "/events"]
    assert reads and float(_after(reads[0]["query"])) < hidden.emitted_at
    await deliver(connector, server, [late], queue=queue)  # Front sends it again
    await processor.run_once()
    mine = [e for e in await logged(connector) if late_conversation in _subjects(e)]
    assert Counter(e.event for e in mine) == {
        "ticketIssue::updated": 1,
        "ticketComment::created": 1,
    }


async def test_a_delivery_whose_event_is_never_listed_is_read_once_on_its_second_pass(
    embedded: EmbeddedSandbox, paused: Paused
) -> None:
    connector, server = _connector(embedded), embedded.server
    processor, queue, clock = paused
    conversation = conversations(server, 1)[0]
    event_id = inbound(server, conversation, 1)
    message = server.state.db.events[event_id].target_id
    await deliver(connector, server, [event_id], queue=queue)
    with server.state.lock:
        server.state.db.events.pop(event_id)
    assert await processor.run_once() == 1
    assert await logged(connector) == []
    clock.now += RETRY_UNLISTED + connector.settings.events_window + 1
    server.state.clear_requests()
    assert await processor.run_once() == 1
    assert requests(server)[f"GET /messages/{message}"] == 1  # read the old way
    found = Counter((e.event, e.id) for e in await logged(connector))
    assert found == {
        ("ticketComment::created", message): 1,
        ("ticketIssue::updated", conversation): 1,
    }


async def test_a_rule_webhook_carrying_the_full_event_needs_no_read(
    embedded: EmbeddedSandbox,
) -> None:
    connector, server = _connector(embedded), embedded.server
    conversation = conversations(server, 1)[0]
    event_id = inbound(server, conversation, 1)
    with server.state.lock:
        full = event_json(server.state.links(), server.state.db, server.state.db.events[event_id])
    await connector.deliveries.add(kind="rule", event=full, rule_name="escalations")
    server.state.clear_requests()
    assert await connector.processor.run_until_idle() == 1
    assert server.state.requests() == []
    events = await logged(connector)
    assert {e.event for e in events} == {"ticketIssue::updated", "ticketComment::created"}
    assert all(e.data is not None and e.source == "webhook" for e in events)


async def test_a_move_makes_the_project_unknown_until_read_once_more(
    embedded: EmbeddedSandbox,
) -> None:
    """A message names its conversation's inbox (no read); a move forgets it: the move's
    event reads the inboxes once, and the tag after it needs no read."""
    connector, server = _connector(embedded), embedded.server
    conversation = conversations(server, 1)[0]
    inboxes = sorted(server.state.db.inboxes)
    current = server.state.db.conversations[conversation].inbox_ids[0]
    target = next(i for i in inboxes if i != current)
    with _front(server) as front:
        tags = [t["id"] for t in front.get("/tags").json()["_results"]]
    tag = next(t for t in tags if t not in server.state.db.conversations[conversation].tag_ids)
    before = known_events(server)

    async def process(event_type: str) -> Counter[str]:
        found = new_events(server, before, event_type)
        await deliver(connector, server, found[-1:])
        server.state.clear_requests()
        await connector.processor.run_until_idle()
        return requests(server)

    inbound(server, conversation, 1)
    assert sum(v for k, v in (await process("inbound")).items() if "inboxes" in k) == 0
    with _front(server) as front:
        front.patch(f"/conversations/{conversation}", json={"inbox_id": target})
        front.post(f"/conversations/{conversation}/tags", json={"tag_ids": [tag]})
    moved = await process("move")
    assert moved[f"GET /conversations/{conversation}/inboxes"] == 1
    assert sum(v for k, v in (await process("tag")).items() if "inboxes" in k) == 0
    projects = [
        e.data["fields"]["project"]["id"]
        for e in await logged(connector)
        if e.event == "ticketIssue::updated" and e.data is not None
    ]
    assert projects[-2:] == [target, target]


async def test_each_change_once_across_webhooks_events_api_sync_and_restarts(
    embedded: EmbeddedSandbox,
) -> None:
    """Changes learnt in every order: half the webhooks, then a sync pass, then every webhook
    (some twice), then a restarted connector processing and syncing again."""
    connector, server = _connector(embedded), embedded.server
    await connector.sync(OWNER, CONVERSATION_MODELS)
    targets = conversations(server, 5)
    before = known_events(server)
    for n in range(12):
        inbound(server, targets[n % 5], n)
    with _front(server) as front:
        tags = [t["id"] for t in front.get("/tags").json()["_results"]]
        for conversation in targets[:3]:
            fresh = [
                t for t in tags if t not in server.state.db.conversations[conversation].tag_ids
            ]
            front.post(f"/conversations/{conversation}/tags", json={"tag_ids": fresh[:1]})
            front.post(
                f"/conversations/{conversation}/comments",
                json={"body": "seen", "author_id": "tea_s001"},
            )
    made = new_events(server, before)
    assert len(made) == 12 + 3 + 3
    expected = _expected_keys(server, made)

    await deliver(connector, server, made[::2])
    await connector.processor.run_until_idle()
    await connector.sync(OWNER, CONVERSATION_MODELS)
    await deliver(connector, server, made)
    await deliver(connector, server, made[:4])
    await connector.processor.run_until_idle()

    restarted = FrontConnector(connector.settings)
    try:
        await deliver(restarted, server, made)
        await restarted.processor.run_until_idle()
        await restarted.sync(OWNER, CONVERSATION_MODELS)
        keys = [e.idempotencyKey for e in await logged(restarted)]
    finally:
        await restarted.aclose()
    assert sorted(keys) == sorted(set(keys))
    assert set(keys) == expected
    assert await statuses(connector) == ["done"] * (len(made[::2]) + len(made) + 4 + len(made))


def _expected_keys(server: SandboxServer, event_ids: Sequence[str]) -> set[str]:
    """The idempotency keys of these Front events' changes, by the translation table."""
    state = server.state
    with state.lock:
        full = [event_json(state.links(), state.db, state.db.events[i]) for i in event_ids]
    changes = [change for event in full for change in translate(event)]
    return {idempotency_key(c.model, c.record_id, c.trigger, c.version) for c in changes}


def _after(query: str) -> str:
    from urllib.parse import parse_qs

    return parse_qs(query)["q[after]"][0]


def _subjects(event: UnifiedEvent) -> set[str]:
    return {event.id, *(ref.id for ref in event.references)}
