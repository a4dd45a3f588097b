"""Token refresh under load and mid-session, over loopback HTTP against the sandbox."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from connector_front.auth import (
    BearerAuth,
    DatabaseStateStore,
    DatabaseTokenStore,
    OAuthFlow,
    OAuthSettings,
    TokenManager,
)
from connector_front.errors import AuthorizationRequiredError
from connector_front.sandbox import SandboxServer
from connector_front.transport import FrontClient, RetryPolicy
from tests.conftest import CALLBACK

FAST = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)


async def connect(
    sandbox: SandboxServer,
    customer: Any,
    db: Path,
    databases: Any,
    *,
    owner: str = "acme",
    margin: float = 60.0,
) -> tuple[FrontClient, TokenManager]:
    settings = OAuthSettings.for_base_url(
        sandbox.url,
        client_id=sandbox.config.client_id,
        client_secret=sandbox.config.client_secret,
        redirect_uri=CALLBACK,
    )
    tokens = DatabaseTokenStore(databases(db))
    flow = OAuthFlow(settings, tokens, DatabaseStateStore(databases(db)))
    await flow.complete(*await customer(await flow.authorization_url(owner)))
    # the connector reads the sandbox's clock: advancing it ages the tokens on both sides
    manager = TokenManager(owner, flow, tokens, refresh_margin=margin, clock=sandbox.state.clock)
    return FrontClient(sandbox.url, BearerAuth(manager), retry=FAST), manager


async def test_twenty_concurrent_requests_on_an_expiring_token_refresh_once(
    sandbox: SandboxServer, sandbox_admin: Any, customer: Any, tmp_path: Path, databases: Any
) -> None:
    client, _ = await connect(sandbox, customer, tmp_path / "c.sqlite3", databases, margin=60)
    sandbox_admin.advance_clock(3600 - 30)  # inside the refresh margin: refreshed ahead of expiry
    async with client:
        pages = await asyncio.gather(*(client.list_page("/contacts") for _ in range(20)))
    assert all(page.results for page in pages)
    assert sandbox_admin.stats()["grants"]["refresh_token"] == 1
    assert {e["status"] for e in sandbox_admin.requests() if e["path"] == "/contacts"} == {200}


async def test_twenty_concurrent_401s_cause_one_refresh_and_every_request_succeeds(
    sandbox: SandboxServer, sandbox_admin: Any, customer: Any, tmp_path: Path, databases: Any
) -> None:
    client, _ = await connect(sandbox, customer, tmp_path / "c.sqlite3", databases)
    async with client:
        await client.request("GET", "/me")
        sandbox_admin.expire_tokens()  # Front-side expiry: we only learn of it from 401s
        results = await asyncio.gather(*(client.request("GET", "/contacts") for _ in range(20)))
    assert len(results) == 20
    assert sandbox_admin.stats()["grants"]["refresh_token"] == 1
    statuses = [e["status"] for e in sandbox_admin.requests() if e["path"] == "/contacts"]
    assert statuses.count(200) == 20
    assert statuses.count(401) <= 20


async def test_401_mid_session_refreshes_once_and_retries_the_request(
    sandbox: SandboxServer, sandbox_admin: Any, customer: Any, tmp_path: Path, databases: Any
) -> None:
    db = tmp_path / "c.sqlite3"
    client, _ = await connect(sandbox, customer, db, databases)
    before = await DatabaseTokenStore(databases(db)).get("acme")
    async with client:
        await client.request("GET", "/me")
        sandbox_admin.expire_tokens()
        sandbox_admin.clear_requests()
        body = await client.request("GET", "/contacts", params={"limit": 5})
    assert len(body["_results"]) == 5
    assert [(e["path"], e["status"]) for e in sandbox_admin.requests()] == [
        ("/contacts", 401),
        ("/oauth/token", 200),
        ("/contacts", 200),
    ]
    after = await DatabaseTokenStore(databases(db)).get("acme")
    assert before and after and after.refresh_token != before.refresh_token  # rotation persisted


async def test_refused_refresh_mid_session_asks_to_reauthorize(
    sandbox: SandboxServer, sandbox_admin: Any, customer: Any, tmp_path: Path, databases: Any
) -> None:
    client, _ = await connect(sandbox, customer, tmp_path / "c.sqlite3", databases, owner="owner-9")
    async with client:
        sandbox_admin.expire_tokens()
        sandbox_admin.revoke_tokens()
        with pytest.raises(AuthorizationRequiredError) as caught:
            await client.request("GET", "/contacts")
    assert "Re-authorize the Front connection for owner 'owner-9'" in caught.value.message
    assert sandbox_admin.stats()["grants"]["refresh_token"] == 0


async def test_never_authorized_owner_sends_nothing(
    sandbox: SandboxServer, sandbox_admin: Any, customer: Any, tmp_path: Path, databases: Any
) -> None:
    db = tmp_path / "c.sqlite3"
    client, manager = await connect(sandbox, customer, db, databases)
    stranger = TokenManager("stranger", manager.flow, manager.tokens)
    sandbox_admin.clear_requests()
    async with FrontClient(sandbox.url, BearerAuth(stranger)) as other:
        with pytest.raises(AuthorizationRequiredError, match="never authorized"):
            await other.request("GET", "/contacts")
    await client.aclose()
    assert sandbox_admin.requests() == []
