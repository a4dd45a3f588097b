"""The event log shared by several workers: each event once, positions in commit order."""

from __future__ import annotations

import asyncio

from connector_front.events.log import EventLog
from tests.store.processes import two_workers
from tests.store.test_outbox import event


async def test_the_same_events_appended_by_two_workers_are_stored_once(
    database_url: str,
) -> None:
    async with two_workers(database_url) as (one, two):
        first, second = EventLog(one, outbox=True), EventLog(two, outbox=True)
        batches = [[event(n), event(n + 1)] for n in range(0, 20, 2)]
        results = await asyncio.gather(
            *(log.append(batch) for batch in batches for log in (first, second))
        )
        stored = [item.event.idempotencyKey for result in results for item in result]
        assert sorted(stored) == sorted(e.idempotencyKey for b in batches for e in b)
        assert await first.count() == 20
        assert await second.outbox_counts() == {"delivered": 0, "pending": 20}


async def test_a_reader_following_positions_misses_nothing_appended_meanwhile(
    database_url: str,
) -> None:
    """Positions are handed out in commit order, so resuming after the last one seen never
    skips an event another worker committed a moment later with a smaller position."""
    async with two_workers(database_url) as (one, two):
        writers = [EventLog(one), EventLog(two)]
        reader = EventLog(one)
        done = asyncio.Event()
        seen: list[str] = []

        async def write(index: int) -> None:
            for n in range(index, 120, 2):
                await writers[index].append([event(n)])
                await asyncio.sleep(0)

        async def read() -> None:
            after: str | None = None
            while True:
                finished = done.is_set()
                page = await reader.read(after=after, limit=500)
                seen.extend(e.id for e in page.data)
                after = page.next
                if finished:
                    return
                await asyncio.sleep(0)

        follower = asyncio.create_task(read())
        await asyncio.gather(write(0), write(1))
        done.set()
        await follower
        assert sorted(seen) == sorted(f"crd_{n}" for n in range(120))
        assert len(seen) == len(set(seen))
