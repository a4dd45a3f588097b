"""Sync state shared by several workers: only the holder of an owner's pass lease moves its
cursor."""

from __future__ import annotations

import pytest

from connector_front.errors import ConflictError
from connector_front.sync.lease import Leases, pass_lease
from connector_front.sync.state import FeedState, SyncStateStore
from tests.clock import FakeClock
from tests.store.processes import two_workers


async def test_a_worker_that_lost_its_lease_cannot_move_the_cursor(
    database_url: str, clock: FakeClock
) -> None:
    async with two_workers(database_url) as (one, two):
        stalled_leases, next_leases = Leases(one, clock=clock), Leases(two, clock=clock)
        stalled = SyncStateStore(one, clock=clock, leases=stalled_leases)
        successor = SyncStateStore(two, clock=clock, leases=next_leases)

        assert await stalled_leases.acquire(pass_lease("acme"), ttl=60)
        await stalled.commit("acme", "genericContact", FeedState(100.0, None), seen={"a": "1"})

        clock.now += 61  # the first worker stalls past its lease; another takes over
        assert await next_leases.acquire(pass_lease("acme"), ttl=60)
        await successor.commit("acme", "genericContact", FeedState(200.0, None), seen={"b": "2"})

        with pytest.raises(ConflictError, match="lost its lease"):
            await stalled.commit(
                "acme", "genericContact", FeedState(150.0, None), seen={"c": "3"}, gone=["b"]
            )
        assert await successor.load("acme", "genericContact") == FeedState(200.0, None)
        assert await successor.known("acme", "genericContact") == {"a": "1", "b": "2"}


async def test_without_the_lease_nothing_is_committed(database_url: str) -> None:
    async with two_workers(database_url) as (one, _):
        store = SyncStateStore(one, leases=Leases(one))
        with pytest.raises(ConflictError):
            await store.commit("acme", "events_api", FeedState(1.0, None))
        assert await store.load("acme", "events_api") is None


async def test_a_pass_commits_its_known_records_and_cursor_together(database_url: str) -> None:
    async with two_workers(database_url) as (one, two):
        store, other = SyncStateStore(one), SyncStateStore(two)
        await store.commit("acme", "genericUser", FeedState(5.0, 4.0), seen={"x": "1", "y": "2"})
        await store.commit("acme", "genericUser", FeedState(6.0, 4.0), seen={"y": "3"}, gone=["x"])
        assert await other.load("acme", "genericUser") == FeedState(6.0, 4.0)
        assert await other.known("acme", "genericUser") == {"y": "3"}
        assert await other.load("other", "genericUser") is None
