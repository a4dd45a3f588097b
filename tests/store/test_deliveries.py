"""The intake queue shared by several workers: each delivery claimed by one of them."""

from __future__ import annotations

import asyncio

import pytest

from connector_front.webhooks.queue import CLAIM_LEASE, Delivery, DeliveryQueue
from tests.store.processes import Clock, two_workers


async def _fill(queue: DeliveryQueue, n: int) -> list[int]:
    return [
        await queue.add(kind="app", event={"id": f"evt_{i}"}, company_id="cmp_1")
        for i in range(n)
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
    database_url: str, lease: float
) -> None:
    clock = Clock()
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
