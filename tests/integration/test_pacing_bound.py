"""Listings under a rate limit finish at the bound the limit sets, with zero 429s.

The bound of ``n`` requests under ``limit`` requests per ``window`` seconds is
``n / (limit / window)``. The sandbox's clock is frozen and moved only by the clients' waits
(``VirtualTime``), so the elapsed time measured is exactly what pacing spent (no real-time
wait, no flakiness); requests and 429s are counted by the sandbox.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from connector_front.auth import StaticTokenAuth
from connector_front.paging import all_results
from connector_front.sandbox import SandboxConfig, SandboxServer
from connector_front.store.pacing import MemoryPacingState
from connector_front.transport import FrontClient, Pacer, RetryPolicy
from tests.integration.virtual_time import VirtualTime
from tests.limits import loose

LIMIT = 5
CONTACTS = 600
PAGE = 10
TOKENS = {"tok-a", "tok-b"}
RETRY = RetryPolicy(max_attempts=6, base_delay=0.01, max_delay=0.1, max_retry_after=120.0)


def config(window: float) -> SandboxConfig:
    return loose(
        seed=False,
        extra_contacts=CONTACTS,
        rate_limit=LIMIT,
        rate_window=window,
        api_tokens=set(TOKENS),
    )


WINDOWS = [config(1.0), config(60.0)]


def client_for(sandbox: SandboxServer, time: VirtualTime, token: str, pacer: Pacer) -> FrontClient:
    auth = StaticTokenAuth(token)
    transport = time.transport()
    return FrontClient(
        sandbox.url, auth, retry=RETRY, pacer=pacer, sleep=time.sleep, transport=transport
    )


def pacer_for(time: VirtualTime, **kwargs: Any) -> Pacer:
    return Pacer(clock=time.clock, sleep=time.sleep, **kwargs)


async def walk(client: FrontClient) -> list[str]:
    return [c["id"] for c in await all_results(client, "/contacts", params={"limit": PAGE})]


def bound(sandbox: SandboxServer, requests: int) -> float:
    settings = sandbox.state.runtime_settings()
    return float(requests / (settings["rate_limit"] / settings["rate_window"]))


@pytest.mark.parametrize("sandbox_config", WINDOWS, indirect=True, ids=["1s", "60s"])
async def test_one_listing_finishes_within_5_percent_of_the_bound_without_429s(
    sandbox: SandboxServer, sandbox_admin: Any
) -> None:
    time = VirtualTime(sandbox)
    pacer = pacer_for(time)
    async with client_for(sandbox, time, "tok-a", pacer) as client:
        ids = await walk(client)
    elapsed = time.elapsed
    stats = sandbox_admin.stats()
    limit_bound = bound(sandbox, stats["requests"])
    print(f"\n{stats['requests']} requests in {elapsed:.2f} s; bound {limit_bound:.2f} s")
    assert sorted(Counter(ids).values()) == [1] * CONTACTS
    assert stats["rate_limited"] == 0
    assert pacer.waited["interactive"] > 0  # the limit was in play
    assert elapsed <= 1.05 * limit_bound


@pytest.mark.parametrize("sandbox_config", WINDOWS, indirect=True, ids=["1s", "60s"])
async def test_concurrent_listings_of_one_company_share_its_budget(
    sandbox: SandboxServer, sandbox_admin: Any
) -> None:
    """Two connections (two tokens of one company), three listings at once."""
    time = VirtualTime(sandbox)
    shared = MemoryPacingState()
    first = client_for(sandbox, time, "tok-a", pacer_for(time, state=shared, key="cmp_sandbox"))
    second = client_for(sandbox, time, "tok-b", pacer_for(time, state=shared, key="cmp_sandbox"))
    async with first, second:
        listings = await asyncio.gather(walk(first), walk(first), walk(second))
    elapsed = time.elapsed
    stats = sandbox_admin.stats()
    limit_bound = bound(sandbox, stats["requests"])
    print(f"\n{stats['requests']} requests in {elapsed:.2f} s; bound {limit_bound:.2f} s")
    for ids in listings:
        assert sorted(Counter(ids).values()) == [1] * CONTACTS
    assert stats["rate_limited"] == 0
    assert first.stats.rate_limited == second.stats.rate_limited == 0
    assert elapsed <= 1.05 * limit_bound


@pytest.mark.parametrize("sandbox_config", [config(1.0)], indirect=True)
async def test_connections_pacing_apart_overrun_the_company_budget(
    sandbox: SandboxServer, sandbox_admin: Any
) -> None:
    """Guard for the test above: two pacers each believing the budget is theirs get 429s."""
    time = VirtualTime(sandbox)
    first = client_for(sandbox, time, "tok-a", pacer_for(time))
    second = client_for(sandbox, time, "tok-b", pacer_for(time))
    async with first, second:
        # the listings may even fail, out of retries: only the 429s matter here
        await asyncio.gather(walk(first), walk(second), return_exceptions=True)
    assert sandbox_admin.stats()["rate_limited"] > 0
