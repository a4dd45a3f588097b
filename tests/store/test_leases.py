"""Leases in the shared database: one holder at a time, free again when the holder stops."""

from __future__ import annotations

import asyncio

from connector_front.sync.lease import Leases
from tests.clock import FakeClock
from tests.store.processes import two_workers


async def test_one_holder_at_a_time_until_the_lease_expires(
    database_url: str, clock: FakeClock
) -> None:
    async with two_workers(database_url) as (one, two):
        first, second = Leases(one, clock=clock), Leases(two, clock=clock)
        assert await first.acquire("sync:acme", ttl=60)
        assert not await second.acquire("sync:acme", ttl=60)
        assert await second.acquire("sync:other", ttl=60)  # names are independent

        clock.now += 50
        assert await first.renew("sync:acme", ttl=60)  # now held until +110
        clock.now += 59
        assert not await second.acquire("sync:acme", ttl=60)
        clock.now += 2  # the holder died: no renewal came
        assert await second.acquire("sync:acme", ttl=60)
        assert not await first.renew("sync:acme", ttl=60)  # lost, and it can tell

        await first.release("sync:acme")  # not its lease any more: nothing happens
        assert not await first.acquire("sync:acme", ttl=60)
        await second.release("sync:acme")
        assert await first.acquire("sync:acme", ttl=60)


async def test_racing_workers_get_one_lease(database_url: str) -> None:
    async with two_workers(database_url) as (one, two):
        holders = [Leases(db) for db in (one, two, one, two, one, two)]
        won = await asyncio.gather(*(h.acquire("sync:acme") for h in holders))
        assert won.count(True) == 1


async def test_a_held_lease_is_renewed_while_the_job_runs_and_freed_after(
    database_url: str,
    clock: FakeClock,
) -> None:
    turns: asyncio.Queue[None] = asyncio.Queue()
    waiting: asyncio.Queue[None] = asyncio.Queue()

    async def sleep(seconds: float) -> None:
        waiting.put_nowait(None)  # the renewer is between renewals
        await turns.get()  # the test decides when a renewal period has passed
        clock.now += seconds

    async with two_workers(database_url) as (one, two):
        worker, other = Leases(one, clock=clock, sleep=sleep), Leases(two, clock=clock)
        async with worker.hold("sync:acme", ttl=30) as held:
            assert held
            await waiting.get()
            for _ in range(6):  # a minute: twice the ttl, renewed every 10 s
                turns.put_nowait(None)
                await waiting.get()  # the renewal before this wait has landed
                assert not await other.acquire("sync:acme", ttl=30)
            async with other.hold("sync:acme", ttl=30) as also:
                assert not also
        assert await other.acquire("sync:acme", ttl=30)  # released at the end
