"""Front's 301 for merged conversations: reads follow it, writes are told where it went."""

from __future__ import annotations

from typing import Any

import pytest

from connector_front.auth import StaticTokenAuth
from connector_front.errors import MovedError
from connector_front.sandbox import SandboxServer
from connector_front.transport import FrontClient, RetryPolicy


async def two_conversations(client: FrontClient) -> tuple[str, str]:
    page = await client.list_page("/conversations", params={"limit": 2})
    first, second = (c["id"] for c in page.results[:2])
    return first, second


async def test_reads_follow_the_merge_and_writes_raise_moved(
    sandbox: SandboxServer, sandbox_admin: Any
) -> None:
    seen: list[tuple[str, str]] = []
    async with FrontClient(
        sandbox.url,
        StaticTokenAuth("sandbox-api-token"),
        retry=RetryPolicy(max_attempts=2, base_delay=0.01),
        on_request=lambda m, p: seen.append((m, p)),
    ) as client:
        source, target = await two_conversations(client)
        sandbox_admin.call("POST", "/conversations/merge", {"from": source, "into": target})
        seen.clear()
        sandbox_admin.clear_requests()

        conversation = await client.request("GET", f"/conversations/{source}")
        assert conversation["id"] == target
        assert seen == [("GET", f"/conversations/{source}"), ("GET", f"/conversations/{target}")]

        with pytest.raises(MovedError) as caught:
            await client.request("PATCH", f"/conversations/{source}", json={"status": "open"})
    assert caught.value.location == target
    assert f"PATCH /conversations/{source}" in caught.value.message
    assert [(e["method"], e["status"]) for e in sandbox_admin.requests()] == [
        ("GET", 301),
        ("GET", 200),
        ("PATCH", 301),
    ]
