"""Rate-limit budgets in the shared database: one per Front company, shared by workers."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

import pytest

from connector_front.auth import StaticTokenAuth
from connector_front.paging import all_results
from connector_front.sandbox import SandboxConfig, SandboxServer
from connector_front.sandbox.ratelimit import window_start
from connector_front.store import Database
from connector_front.store.pacing import Budget, DatabasePacingState, PacingState
from connector_front.transport import FrontClient, LaneRules, Pacer, RetryPolicy, lane
from tests.integration.virtual_time import VirtualTime
from tests.limits import loose
from tests.store.processes import two_workers

T = TypeVar("T")
LIMIT = 5
CONTACTS = 300
PAGE = 10


async def test_a_budget_is_kept_by_key_and_seen_by_another_worker(database_url: str) -> None:
    async with two_workers(database_url) as (one, two):
        first, second = DatabasePacingState(one), DatabasePacingState(two)
        assert first.local("cmp_1") is None  # changes go through the database

        def spend(budget: Budget) -> int:
            budget.limit, budget.reset_at = 50, 1_700_000_060.0
            budget.remaining = (49 if budget.remaining is None else budget.remaining) - 1
            budget.spent += 1
            return budget.remaining

        assert await first.update("cmp_1", spend) == 48
        assert await second.update("cmp_1", spend) == 47
        seen = await second.update("cmp_1", lambda b: b)
        assert seen == Budget(limit=50, remaining=47, spent=2, reset_at=1_700_000_060.0)
        assert await first.update("cmp_2", lambda b: b) == Budget()  # keys are apart


async def test_racing_reservations_never_lose_a_count(database_url: str) -> None:
    async with two_workers(database_url) as (one, two):
        states = [DatabasePacingState(db) for db in (one, two)]

        def take(budget: Budget) -> None:
            budget.spent += 1

        await asyncio.gather(*(states[i % 2].update("cmp_1", take) for i in range(40)))
        assert (await states[0].update("cmp_1", lambda b: b.spent)) == 40


class Busy:
    """A state whose database work the virtual clock waits for, like a request."""

    def __init__(self, state: PacingState, time: VirtualTime) -> None:
        self._state, self._time = state, time

    def local(self, key: str) -> Budget | None:
        return self._state.local(key)

    async def update(self, key: str, change: Callable[[Budget], T]) -> T:
        async with self._time.busy():
            return await self._state.update(key, change)


@pytest.mark.parametrize(
    "sandbox_config",
    [
        loose(
            seed=False,
            extra_contacts=CONTACTS,
            rate_limit=LIMIT,
            rate_window=1.0,
            api_tokens={"tok-a", "tok-b"},
        )
    ],
    indirect=True,
)
async def test_two_workers_on_one_database_share_the_company_budget(
    database_url: str, sandbox: SandboxServer
) -> None:
    """Two workers (each its own database connection and pacer) list one company at once,
    through two connections: no 429, and together within 5% of requests / rate."""
    time = VirtualTime(sandbox)
    retry = RetryPolicy(max_attempts=6, base_delay=0.01, max_delay=0.1, max_retry_after=5.0)

    async def worker(database: Database, token: str) -> list[str]:
        state = Busy(DatabasePacingState(database), time)
        pacer = Pacer(clock=time.clock, sleep=time.sleep, state=state, key="cmp_sandbox")
        async with FrontClient(
            sandbox.url,
            StaticTokenAuth(token),
            retry=retry,
            pacer=pacer,
            sleep=time.sleep,
            transport=time.transport(),
        ) as client:
            pages = await all_results(client, "/contacts", params={"limit": PAGE})
            return [c["id"] for c in pages]

    async with two_workers(database_url) as (one, two):
        listings = await asyncio.gather(worker(one, "tok-a"), worker(two, "tok-b"))
    stats = sandbox.state.stats()
    bound = stats["requests"] / (LIMIT / 1.0)
    print(f"\n{stats['requests']} requests in {time.elapsed:.2f} s; bound {bound:.2f} s")
    for ids in listings:
        assert sorted(Counter(ids).values()) == [1] * CONTACTS
    assert stats["rate_limited"] == 0
    assert time.elapsed <= 1.05 * bound


@pytest.mark.parametrize(
    "sandbox_config",
    [SandboxConfig(seed=False, extra_contacts=2000, api_tokens={"tok-a", "tok-b"})],
    indirect=True,
)
@pytest.mark.parametrize("reserve", [0.2, 0.0], ids=["reserve", "guard-no-reserve"])
async def test_lanes_hold_across_two_workers_on_one_database(
    database_url: str, sandbox: SandboxServer, reserve: float
) -> None:
    """At Front's limit (120 a minute), one worker backfills 2,000 contacts while another
    serves a customer's call every 4 s: the budget and its lanes are shared through the
    database, so the backfill leaves the reserve and the customer never waits over 1 s (the
    guard: with no reserve, the customer waits for the next window)."""
    time = VirtualTime(sandbox)
    clock, window = sandbox.state.clock, sandbox.config.rate_window
    # Begin at a window's start: begun near its end, the backfill would have two windows'
    # budget within seconds, and whether the guard's customer waits would depend on the minute.
    clock.advance(window_start(clock(), window) + window - clock())
    retry = RetryPolicy(max_attempts=6, base_delay=0.01, max_delay=0.1, max_retry_after=120.0)
    waits: list[float] = []

    def client(database: Database, token: str) -> FrontClient:
        state = Busy(DatabasePacingState(database), time)
        pacer = Pacer(
            rules=LaneRules(reserve=reserve),
            clock=time.clock,
            sleep=time.sleep,
            state=state,
            key="cmp_sandbox",
        )
        return FrontClient(
            sandbox.url,
            StaticTokenAuth(token),
            retry=retry,
            pacer=pacer,
            sleep=time.sleep,
            transport=time.transport(),
        )

    async def backfill(database: Database) -> int:
        async with client(database, "tok-a") as front:
            with lane("backfill"):
                return len(await all_results(front, "/contacts", params={"limit": PAGE}))

    async def customer(database: Database, done: asyncio.Task[int]) -> None:
        async with client(database, "tok-b") as front:
            while not done.done():
                started = time.clock()
                await front.request("GET", "/me")
                waits.append(time.clock() - started)
                await time.sleep(4.0)

    async with two_workers(database_url) as (one, two):
        listing = asyncio.create_task(backfill(one))
        await asyncio.gather(listing, customer(two, listing))
    print(f"\n{len(waits)} customer calls, longest wait {max(waits):.2f} s")
    assert listing.result() == 2000
    assert sandbox.state.stats()["rate_limited"] == 0
    if reserve:
        assert len(waits) > 10 and max(waits) <= 1.0
    else:
        assert max(waits) > 1.0
