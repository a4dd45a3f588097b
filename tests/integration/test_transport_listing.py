"""Long listings: every record exactly once, paced under a tight rate limit, host-checked."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from connector_front.auth import StaticTokenAuth
from connector_front.errors import UpstreamError
from connector_front.paging import all_results
from connector_front.sandbox import SandboxServer
from connector_front.transport import FrontClient, Pacer, RetryPolicy
from tests.limits import loose

API_TOKEN = "sandbox-api-token"
RETRY = RetryPolicy(max_attempts=6, base_delay=0.01, max_delay=0.1, max_retry_after=5.0)
TIGHT = loose(seed=False, extra_contacts=1000, rate_limit=4, rate_window=30)


def client_for(sandbox: SandboxServer, time: Any, **kwargs: Any) -> FrontClient:
    """A client that waits on the sandbox's clock (``sandbox_time``): windows pass at once."""
    kwargs.setdefault("pacer", Pacer(clock=time.clock, sleep=time.sleep))
    auth = StaticTokenAuth(API_TOKEN)
    return FrontClient(sandbox.url, auth, retry=RETRY, sleep=time.sleep, **kwargs)


@pytest.mark.parametrize("sandbox_config", [TIGHT], indirect=True)
async def test_thousand_contacts_under_a_tight_limit_each_once_without_429s(
    sandbox: SandboxServer, sandbox_admin: Any, sandbox_time: Any
) -> None:
    async with client_for(sandbox, sandbox_time) as client:
        ids = [c["id"] for c in await all_results(client, "/contacts", params={"limit": 100})]
    counts = Counter(ids)
    assert len(counts) == 1000
    assert set(counts.values()) == {1}
    stats = sandbox_admin.stats()
    pages = len([e for e in sandbox_admin.requests() if e["path"] == "/contacts"])
    print(
        f"\n1000 contacts: {pages} pages, 429s seen by the client: "
        f"{client.stats.rate_limited}, by the sandbox: {stats['rate_limited']}, "
        f"paced wait {client.pacer.waited['interactive']:.2f} s"
    )
    assert pages == 10
    assert stats["rate_limited"] == 0
    assert client.stats.rate_limited == 0
    assert client.pacer.waited["interactive"] > 0  # the limit was really in play


@pytest.mark.parametrize(
    "sandbox_config",
    [loose(seed=False, extra_contacts=300, rate_limit=2, rate_window=4)],
    indirect=True,
)
async def test_without_pacing_the_same_listing_hits_429s_and_still_completes(
    sandbox: SandboxServer, sandbox_admin: Any, sandbox_time: Any
) -> None:
    async with client_for(sandbox, sandbox_time, pacer=Pacer.off()) as client:
        ids = [c["id"] for c in await all_results(client, "/contacts", params={"limit": 50})]
    assert sorted(Counter(ids).values()) == [1] * 300
    assert client.stats.rate_limited > 0  # what the pacer avoids
    assert sandbox_admin.stats()["rate_limited"] == client.stats.rate_limited


@pytest.mark.parametrize(
    "sandbox_config",
    [loose(seed=False, extra_contacts=400, rate_limit=5, rate_window=30)],
    indirect=True,
)
async def test_concurrent_listings_share_the_pacer(
    sandbox: SandboxServer, sandbox_admin: Any, sandbox_time: Any
) -> None:
    async with client_for(sandbox, sandbox_time) as client:

        async def walk() -> list[str]:
            return [c["id"] for c in await all_results(client, "/contacts", params={"limit": 100})]

        first, second = await asyncio.gather(walk(), walk())
    assert len(set(first)) == len(first) == 400
    assert sorted(first) == sorted(second)
    assert sandbox_admin.stats()["rate_limited"] == 0


@pytest.mark.parametrize(
    "sandbox_config", [loose(public_url="http://attacker.invalid:8080")], indirect=True
)
async def test_next_links_to_another_host_are_not_followed(
    sandbox: SandboxServer, sandbox_admin: Any, sandbox_time: Any
) -> None:
    async with client_for(sandbox, sandbox_time) as client:
        page = await client.list_page("/contacts", params={"limit": 2})
        assert page.next_url and page.next_url.startswith("http://attacker.invalid:8080/")
        with pytest.raises(UpstreamError, match=r"attacker\.invalid"):
            await client.list_page("/contacts", next_url=page.next_url)
        with pytest.raises(UpstreamError, match="not Front's API host"):
            await all_results(client, "/contacts", params={"limit": 2})
    assert len(sandbox_admin.requests()) == 2  # only the two first pages, on the sandbox


async def test_next_links_on_the_sandbox_host_are_followed(
    sandbox: SandboxServer, sandbox_admin: Any, sandbox_time: Any
) -> None:
    async with client_for(sandbox, sandbox_time) as client:
        first = await client.list_page("/contacts", params={"limit": 3})
        assert first.next_url and first.next_url.startswith(sandbox.url)
        second = await client.list_page("/contacts", next_url=first.next_url)
    assert not {c["id"] for c in first.results} & {c["id"] for c in second.results}
    queries = [e["query"] for e in sandbox_admin.requests() if e["path"] == "/contacts"]
    assert "page_token=" in queries[1] and "limit=3" in queries[1]
