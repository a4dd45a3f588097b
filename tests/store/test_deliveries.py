"""The intake queue shared by several workers: each delivery claimed by one of them."""

from __future__ import annotations

import asyncio

import pytest

from connector_front.webhooks.queue import CLAIM_LEASE, Delivery, DeliveryQueue
from tests.clock import FakeClock
from tests.store.processes import two_workers


async def _fill(queue: DeliveryQueue, n: int) -> list[int]:
    return [
        await queue.add(kind="app", event={"id": f"evt_{i}"}, company_id="cmp_1") for i in range(n)
    ]


async def _drain(queue: DeliveryQueue) -> list[Delivery]:
    """Claim small batches until nothing is left, yielding between claims."""
    taken: list[Delivery] = []
    while batch := await queue.claim(limit=3):
        taken.extend(batch)
        await asyncio.sleep(0)
    return taken


async def test_two_workers_never_claim_the_same_delivery(database_url: str) -> None:
    async with two_workers(database_url) as (one, two):
        first, second = DeliveryQueue(one), DeliveryQueue(two)
        ids = await _fill(first, 40)
        drains = await asyncio.gather(*(_drain(q) for q in (first, second, first, second)))
        taken = [delivery for drained in drains for delivery in drained]
        assert sorted(d.id for d in taken) == ids  # every delivery once, none twice
        assert all(d.attempts == 1 for d in taken)


@pytest.mark.parametrize("lease", [CLAIM_LEASE, 10.0])
async def test_a_dead_workers_claim_is_taken_again_after_the_lease(
    database_url: str, lease: float, clock: FakeClock
) -> None:
    async with two_workers(database_url) as (one, two):
        dead = DeliveryQueue(one, clock=clock, lease=lease)
        alive = DeliveryQueue(two, clock=clock, lease=lease)
        [delivery_id] = await _fill(dead, 1)
        assert [d.id for d in await dead.claim()] == [delivery_id]  # then the worker dies

        clock.now += lease - 1
        assert await alive.claim() == []  # still leased to the dead worker
        clock.now += 2
        [again] = await alive.claim()
        assert (again.id, again.attempts, again.event) == (delivery_id, 2, {"id": "evt_0"})
        await alive.finish(delivery_id, "done")

        clock.now += 10 * CLAIM_LEASE
        assert await alive.claim() == [] and await dead.claim() == []  # done stays done
        assert (await alive.counts())["done"] == 1


async def test_claims_come_oldest_first(database_url: str) -> None:
    async with two_workers(database_url) as (one, _):
        queue = DeliveryQueue(one)
        ids = await _fill(queue, 5)
        assert [d.id for d in await queue.claim(limit=2)] == ids[:2]
        assert [d.id for d in await queue.claim(limit=10)] == ids[2:]


class Ticks:
    """A sleep the test lets go one turn at a time, moving the shared clock by what was asked."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self._waiting: list[tuple[float, asyncio.Future[None]]] = []
        self._asked = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((seconds, done))
        self._asked.set()
        await done

    async def turn(self) -> float:
        """Let the sleeper's wait pass; answers once it waits again (its work in between
        done) with the seconds it waited."""
        await self._asked.wait()
        seconds, done = self._waiting.pop(0)
        self._asked.clear()
        self.clock.now += seconds
        done.set_result(None)
        await self._asked.wait()
        return seconds


async def test_a_claim_is_kept_while_its_worker_works_then_taken_once_it_dies(
    database_url: str, clock: FakeClock
) -> None:
    """A batch that takes four leases stays its worker's (the claim is renewed every third of
    the lease); killed (-9: it stops renewing), the worker's delivery is taken again one lease
    later, not a batch's length later."""
    lease = 30.0
    ticks = Ticks(clock)
    async with two_workers(database_url) as (one, two):
        worker = DeliveryQueue(one, clock=clock, lease=lease, sleep=ticks.sleep)
        other = DeliveryQueue(two, clock=clock, lease=lease)
        [delivery_id] = await _fill(worker, 1)
        claimed = await worker.claim()
        async with worker.kept(claimed):
            waited = 0.0
            while waited < 4 * lease:
                waited += await ticks.turn()  # the claim was renewed meanwhile
                assert await other.claim() == []
        # the worker is killed here: nothing finishes or renews its delivery
        clock.now += lease - 1
        assert await other.claim() == []
        clock.now += 2
        [again] = await other.claim()
        assert (again.id, again.attempts) == (delivery_id, 2)


async def test_a_renewal_leaves_a_claim_another_worker_took_over(
    database_url: str, clock: FakeClock
) -> None:
    """A worker that stalled past its lease lost the delivery: its renewals do not take it
    back from the worker that claimed it since."""
    lease = 30.0
    ticks = Ticks(clock)
    async with two_workers(database_url) as (one, two):
        stalled = DeliveryQueue(one, clock=clock, lease=lease, sleep=ticks.sleep)
        other = DeliveryQueue(two, clock=clock, lease=lease)
        await _fill(stalled, 1)
        claimed = await stalled.claim()
        clock.now += lease + 1  # stalled past the lease
        [taken] = await other.claim()
        async with stalled.kept(claimed):
            await ticks.turn()
        clock.now += lease - 1
        query = "SELECT claimed_at FROM webhook_deliveries WHERE id = ?"
        rows = await one.fetch(query, (taken.id,))
        assert float(rows[0][0]) == taken.claimed_at  # still the other worker's claim
