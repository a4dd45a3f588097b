"""The outbox shared by several workers: an event is pushed by one worker at a time."""

from __future__ import annotations

import asyncio

from connector_front.events.log import EventLog
from connector_front.models.event import UnifiedEvent
from tests.clock import FakeClock
from tests.store.processes import two_workers


def event(n: int, owner: str = "acme") -> UnifiedEvent:
    return UnifiedEvent.build(
        model="genericContact",
        trigger="created",
        record_id=f"crd_{n}",
        owner_id=owner,
        key=f"genericContact:crd_{n}:created",
        occurred_at=1_700_000_000.0,
        source="sync",
    )


async def _take_all(log: EventLog) -> list[int]:
    taken: list[int] = []
    while batch := await log.due(limit=2):
        taken.extend(seq for seq, _, _ in batch)
        await asyncio.sleep(0)
    return taken


async def test_two_workers_never_take_the_same_outbox_entry(
    database_url: str, clock: FakeClock
) -> None:
    async with two_workers(database_url) as (one, two):
        first = EventLog(one, outbox=True, clock=clock)
        second = EventLog(two, outbox=True, clock=clock)
        stored = await first.append([event(n) for n in range(30)])
        takes = await asyncio.gather(*(_take_all(log) for log in (first, second, first, second)))
        taken = [seq for take in takes for seq in take]
        assert sorted(taken) == [item.seq for item in stored]  # each once, none twice


async def test_an_entry_taken_by_a_dead_worker_is_pushed_after_its_lease(
    database_url: str,
    clock: FakeClock,
) -> None:
    async with two_workers(database_url) as (one, two):
        dead = EventLog(one, outbox=True, clock=clock)
        alive = EventLog(two, outbox=True, clock=clock)
        [item] = await dead.append([event(1)])
        assert [seq for seq, _, _ in await dead.due(lease=60.0)] == [item.seq]  # then it dies

        clock.now += 59
        assert await alive.due() == []
        clock.now += 2
        [(seq, attempts, body)] = await alive.due()
        assert (seq, attempts) == (item.seq, 0)
        assert "crd_1" in body
        await alive.delivered(seq)
        clock.now += 3600
        assert await alive.due() == [] and await dead.due() == []
        assert await alive.outbox_counts() == {"delivered": 1, "pending": 0}


async def test_a_retry_waits_its_turn_then_comes_back(database_url: str, clock: FakeClock) -> None:
    async with two_workers(database_url) as (one, _):
        log = EventLog(one, outbox=True, clock=clock)
        [item] = await log.append([event(1)])
        await log.due()
        await log.retry_later(item.seq, "answered 503", after=30.0)
        clock.now += 29
        assert await log.due() == []
        clock.now += 2
        assert [(seq, attempts) for seq, attempts, _ in await log.due()] == [(item.seq, 1)]
