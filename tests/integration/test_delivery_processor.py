"""Stored webhook deliveries processed in batches against the sandbox Front, each delivery's
records read (``webhook_reads = "per_delivery"``): one append and one finish a batch, room left
for the intake, failures tried again and then given up. (Deliveries read through the Events
API: test_events_from_stream.py.)"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from connector_front.connector import FrontConnector
from connector_front.events.log import Appended
from connector_front.events.processor import (
    BATCH,
    BUSY_WINDOW,
    CONCURRENCY,
    MAX_TRIES,
    RETRY_AFTER,
    DeliveryProcessor,
)
from connector_front.models.event import UnifiedEvent
from connector_front.sandbox import SandboxServer
from connector_front.settings import ConnectorSettings
from connector_front.webhooks.queue import DeliveryQueue
from tests.clock import FakeClock


@pytest.fixture
async def connector(tmp_path: Path, sandbox: SandboxServer) -> AsyncIterator[FrontConnector]:
    """API-token mode: the token's owner receives the sandbox company's webhooks."""
    settings = ConnectorSettings(
        api_base=sandbox.url,
        api_token="sandbox-api-token",
        database=str(tmp_path / "processor.sqlite3"),
        cursor_key="processor-test-key",
        webhook_reads="per_delivery",
    )
    connector = FrontConnector(settings)
    try:
        yield connector
    finally:
        await connector.aclose()


async def store(
    queue: DeliveryQueue,
    sandbox: SandboxServer,
    count: int,
    *,
    first: int = 0,
    on: Sequence[str] = (),
) -> list[int]:
    """``count`` tag_added deliveries of the sandbox's company, over the conversations ``on``
    (by default, all of them)."""
    db = sandbox.state.db
    conversations = list(on) or sorted(db.conversations)
    ids = []
    for n in range(first, first + count):
        event = {
            "id": f"evt_proc{n}",
            "type": "tag",
            "emitted_at": time.time(),
            "conversation": {"id": conversations[n % len(conversations)]},
            "target": {"_meta": {"type": "tag"}, "data": {"id": "tag_s001"}},
        }
        ids.append(
            await queue.add(
                kind="application", event=event, webhook_type="tag_added", company_id=db.company.id
            )
        )
    return ids


async def statuses(connector: FrontConnector) -> list[tuple[str, int, str | None]]:
    rows = await connector.database.fetch(
        "SELECT status, attempts, error FROM webhook_deliveries ORDER BY id"
    )
    return [(str(s), int(a), e) for s, a, e in rows]


async def test_a_batch_is_recorded_with_one_append(
    connector: FrontConnector, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twelve deliveries: twelve events, appended in one transaction; every delivery done."""
    await store(connector.deliveries, sandbox, 12)
    appends: list[int] = []
    append = connector.event_log.append

    async def counted(events: Sequence[UnifiedEvent]) -> list[Appended]:
        appends.append(len(events))
        return await append(events)

    monkeypatch.setattr(connector.event_log, "append", counted)
    processor = DeliveryProcessor(connector, connector.deliveries)
    assert await processor.run_once() == 12
    assert appends == [12]
    assert await statuses(connector) == [("done", 1, None)] * 12
    page = await connector.event_log.read(owner_id="demo")
    assert len({event.idempotencyKey for event in page.data}) == len(page.data) == 12


async def test_processing_makes_room_for_the_intake(
    connector: FrontConnector, sandbox: SandboxServer, clock: FakeClock
) -> None:
    """While deliveries arrive, processing takes small batches and waits while a turn of the
    event loop is slow; once the intake is quiet, full batches and no waiting."""
    await store(connector.deliveries, sandbox, CONCURRENCY + 12)
    clock.tick = 0.02  # every turn of the event loop the processor measures looks this long
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    processor = DeliveryProcessor(connector, connector.deliveries, clock=clock, sleep=sleep)
    processor.wake()  # a delivery was just stored
    assert await processor.run_batch() == CONCURRENCY
    assert slept and all(seconds >= 0.01 for seconds in slept)

    clock.now += BUSY_WINDOW
    waited = len(slept)
    assert await processor.run_batch() == 12  # up to BATCH at a time
    assert len(slept) == waited
    assert BATCH > 12
    assert [s for s, _, _ in await statuses(connector)] == ["done"] * (CONCURRENCY + 12)


async def test_processing_goes_on_under_a_constant_stream_and_a_slow_loop(
    connector: FrontConnector, sandbox: SandboxServer, clock: FakeClock
) -> None:
    """Deliveries keep arriving and every turn of the loop looks slow: each delivery waits
    once at most, and the batch is processed all the same (no starving)."""
    await store(connector.deliveries, sandbox, CONCURRENCY)
    clock.tick = 0.05
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        processor.wake()  # the intake stored another delivery meanwhile

    processor = DeliveryProcessor(connector, connector.deliveries, clock=clock, sleep=sleep)
    processor.wake()
    taken = await asyncio.wait_for(processor.run_batch(), timeout=30)
    assert taken == CONCURRENCY
    assert 0 < len(slept) <= CONCURRENCY
    assert [s for s, _, _ in await statuses(connector)] == ["done"] * CONCURRENCY


async def test_a_batch_the_log_cannot_take_is_tried_again_then_given_up(
    connector: FrontConnector,
    sandbox: SandboxServer,
    caplog: pytest.LogCaptureFixture,
    clock: FakeClock,
) -> None:
    """The event log fails (its table is gone): every delivery of the batch waits and is
    tried again, and is given up after MAX_TRIES with the error kept."""
    queue = DeliveryQueue(connector.database, clock=clock)
    await store(queue, sandbox, 3)
    await connector.database.execute("DROP TABLE unified_events")
    processor = DeliveryProcessor(connector, queue)
    caplog.set_level(logging.INFO, logger="connector_front.events")
    for attempt in range(1, MAX_TRIES + 1):
        assert await processor.run_once() == 3
        found = await statuses(connector)
        status = "failed" if attempt == MAX_TRIES else "pending"
        assert [(s, a) for s, a, _ in found] == [(status, attempt)] * 3
        assert all(error and "unified_events" in error for _, _, error in found)
        assert await queue.claim() == []  # not before its time
        clock.now += max(RETRY_AFTER) + 1
    assert await processor.run_once() == 0  # given up stays given up
    given_up = [r for r in caplog.records if "given up" in r.getMessage()]
    assert len(given_up) == 3 and all(r.levelno == logging.ERROR for r in given_up)


async def test_an_unowned_delivery_is_kept_aside_beside_done_ones(
    connector: FrontConnector, sandbox: SandboxServer
) -> None:
    await store(connector.deliveries, sandbox, 2)
    await connector.deliveries.add(
        kind="application", event={"id": "evt_x"}, webhook_type="tag_added", company_id="cmp_x"
    )
    await store(connector.deliveries, sandbox, 1, first=2)
    processor = DeliveryProcessor(connector, connector.deliveries)
    assert await processor.run_once() == 4
    found: list[Any] = [s for s, _, _ in await statuses(connector)]
    assert found == ["done", "done", "unrouted", "done"]


async def test_a_conversation_changed_by_several_deliveries_is_read_once_a_batch(
    connector: FrontConnector, sandbox: SandboxServer
) -> None:
    """Six deliveries on one conversation and two on another, in one batch: each
    conversation is read from Front once, and every delivery still has its event with the
    record."""
    one, other = sorted(sandbox.state.db.conversations)[:2]
    await store(connector.deliveries, sandbox, 6, on=[one])
    await store(connector.deliveries, sandbox, 2, first=6, on=[other])
    sandbox.state.clear_requests()
    processor = DeliveryProcessor(connector, connector.deliveries)
    assert await processor.run_once() == 8
    sent = Counter(f"{r['method']} {r['path']}" for r in sandbox.state.requests())
    assert sent[f"GET /conversations/{one}"] == 1
    assert sent[f"GET /conversations/{other}"] == 1
    page = await connector.event_log.read(owner_id="demo")
    assert len({event.idempotencyKey for event in page.data}) == len(page.data) == 8
    assert {event.id for event in page.data} == {one, other}
    assert all(event.data is not None and event.data["id"] == event.id for event in page.data)
