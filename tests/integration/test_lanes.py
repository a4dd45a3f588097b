"""Lanes in one company's budget, against the sandbox Front over loopback: an interactive call
goes before background requests waiting for the same window, and does not wait while
background lanes spend all they may.

The sandbox's clock is frozen and moved only by the clients' waits (``VirtualTime``): the
waits measured are what pacing made, with no real-time sleeping.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from connector_front.auth import StaticTokenAuth
from connector_front.paging import all_results
from connector_front.sandbox import SandboxConfig, SandboxServer
from connector_front.transport import FrontClient, LaneRules, Pacer, RetryPolicy, lane
from tests.integration.virtual_time import VirtualTime

RETRY = RetryPolicy(max_attempts=6, base_delay=0.01, max_delay=0.1, max_retry_after=120.0)


def client_for(sandbox: SandboxServer, time: VirtualTime, rules: LaneRules) -> FrontClient:
    pacer = Pacer(rules=rules, clock=time.clock, sleep=time.sleep)
    return FrontClient(
        sandbox.url,
        StaticTokenAuth("sandbox-api-token"),
        retry=RETRY,
        pacer=pacer,
        sleep=time.sleep,
        transport=time.transport(),
    )


@pytest.mark.parametrize(
    ("sandbox_config", "yield_gap", "first"),
    [
        (SandboxConfig(rate_limit=4, rate_window=10.0), 0.25, "/me"),
        (SandboxConfig(rate_limit=4, rate_window=10.0), 0.0, "/contacts"),  # guard: no yield
    ],
    indirect=["sandbox_config"],
)
async def test_an_interactive_request_is_sent_before_background_ones_waiting_for_budget(
    sandbox: SandboxServer, sandbox_admin: Any, yield_gap: float, first: str
) -> None:
    """The window is spent; three background requests wait for the next one, then an
    interactive one does too. When the window turns, the interactive one goes first (the
    guard: without the yield, the background requests that waited first go first)."""
    time = VirtualTime(sandbox)
    rules = LaneRules(reserve=0.25, yield_gap=yield_gap)
    async with client_for(sandbox, time, rules) as client:
        for _ in range(4):
            await client.request("GET", "/me")
        sandbox_admin.clear_requests()

        async def background() -> None:
            with lane("events"):
                await client.request("GET", "/contacts", params={"limit": 1})

        async with time.busy():  # the clock stands still until all four wait
            waiting = [asyncio.create_task(background()) for _ in range(3)]
            await time.until_sleeping(3)  # they wait for the window's end
            waiting.append(asyncio.create_task(client.request("GET", "/me")))
            await time.until_sleeping(4)
        await asyncio.gather(*waiting)
    sent = [entry["path"] for entry in sandbox_admin.requests()]
    assert sorted(sent) == ["/contacts"] * 3 + ["/me"]
    assert sent[0] == first
    assert sandbox_admin.stats()["rate_limited"] == 0


@pytest.mark.parametrize(
    ("sandbox_config", "reserve", "most_wait"),
    [
        (SandboxConfig(seed=False, extra_contacts=3000, rate_window=60.0), 0.2, 1.0),
        (SandboxConfig(seed=False, extra_contacts=3000, rate_window=60.0), 0.0, 10.0),  # guard
    ],
    indirect=["sandbox_config"],
)
async def test_interactive_calls_do_not_wait_while_background_lanes_spend_their_share(
    sandbox: SandboxServer, sandbox_admin: Any, reserve: float, most_wait: float
) -> None:
    """At Front's 120 a minute, a backfill lists 3,000 contacts (30 pages... at 10 a page:
    300 requests) while a customer lists every 4 s. Each interactive call waits at most
    1 s, and the backfill still spends its whole share: 96 a minute (the guard: with no
    reserve, the customer waits for the next window)."""
    time = VirtualTime(sandbox)
    rules = LaneRules(reserve=reserve)
    waits: list[float] = []
    async with client_for(sandbox, time, rules) as client:

        async def backfill() -> int:
            with lane("backfill"):
                return len(await all_results(client, "/contacts", params={"limit": 10}))

        async def customer(done: asyncio.Task[int]) -> None:
            while not done.done():
                started = time.clock()
                await client.request("GET", "/me")
                waits.append(time.clock() - started)
                await time.sleep(4.0)

        listing = asyncio.create_task(backfill())
        await asyncio.gather(listing, customer(listing))
    elapsed = time.elapsed
    background = [e for e in sandbox_admin.requests() if e["path"] == "/contacts"]
    print(
        f"\n{len(background)} background requests in {elapsed:.0f} s; "
        f"{len(waits)} interactive calls, longest wait {max(waits):.2f} s"
    )
    assert listing.result() == 3000
    assert sandbox_admin.stats()["rate_limited"] == 0
    if reserve:
        assert max(waits) <= most_wait
        share = 120 - int(120 * reserve)  # 96 a minute for background lanes
        windows = -(-len(background) // share)  # whole windows the backfill needed
        assert elapsed <= windows * 60.0 + 1.0
    else:
        assert max(waits) >= most_wait
