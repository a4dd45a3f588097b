"""Retries, typed errors and the raw proxy path against the sandbox's injected faults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from connector_front.auth import (
    BearerAuth,
    DatabaseStateStore,
    DatabaseTokenStore,
    OAuthFlow,
    OAuthSettings,
    StaticTokenAuth,
    TokenManager,
)
from connector_front.errors import (
    ConflictError,
    InsufficientPermissionError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamError,
)
from connector_front.paging import all_results
from connector_front.sandbox import SandboxServer
from connector_front.transport import FrontClient, Pacer, RetryPolicy
from tests.conftest import CALLBACK
from tests.limits import loose

API_TOKEN = "sandbox-api-token"
FAST = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, max_retry_after=2.0)


def api_client(sandbox: SandboxServer, **kwargs: Any) -> FrontClient:
    kwargs.setdefault("retry", FAST)
    return FrontClient(sandbox.url, StaticTokenAuth(API_TOKEN), **kwargs)


def hits(admin: Any, method: str, path: str) -> list[int | None]:
    return [e["status"] for e in admin.requests() if e["method"] == method and e["path"] == path]


def new_contact(tag: str) -> dict[str, Any]:
    return {"name": f"Test {tag}", "handles": [{"source": "email", "handle": f"{tag}@example.com"}]}


async def contacts_named(client: FrontClient, name: str) -> list[str]:
    return [c["id"] for c in await all_results(client, "/contacts") if c["name"] == name]


async def test_5xx_on_get_is_retried_until_it_succeeds(
    sandbox: SandboxServer, sandbox_admin: Any
) -> None:
    sandbox_admin.fault(method="GET", path="/contacts", kind="status", status=503, count=2)
    async with api_client(sandbox) as client:
        page = await client.list_page("/contacts")
    assert page.results
    assert hits(sandbox_admin, "GET", "/contacts") == [503, 503, 200]
    assert client.stats.retries == 2


async def test_5xx_beyond_the_attempts_is_an_upstream_error_with_fronts_words(
    sandbox: SandboxServer, sandbox_admin: Any
) -> None:
    sandbox_admin.fault(method="GET", path="/contacts", kind="status", status=500, count=5)
    async with api_client(sandbox) as client:
        with pytest.raises(UpstreamError) as caught:
            await client.request("GET", "/contacts")
    message = caught.value.message
    assert "GET /contacts after 3 attempts" in message
    assert "injected 500" in message
    assert API_TOKEN not in message
    assert hits(sandbox_admin, "GET", "/contacts") == [500, 500, 500]


async def test_5xx_on_post_is_not_repeated(sandbox: SandboxServer, sandbox_admin: Any) -> None:
    sandbox_admin.fault(method="POST", path="/contacts", kind="status", status=502, count=1)
    async with api_client(sandbox) as client:
        with pytest.raises(UpstreamError, match="POST /contacts"):
            await client.request("POST", "/contacts", json=new_contact("p5xx"))
        assert hits(sandbox_admin, "POST", "/contacts") == [502]
        created = await client.request("POST", "/contacts", json=new_contact("p5xx"))
    assert created["id"].startswith("crd_")


async def test_dropped_connection_retried_for_get_not_for_post(
    sandbox: SandboxServer, sandbox_admin: Any
) -> None:
    sandbox_admin.fault(method="GET", path="/contacts", kind="drop", count=1)
    sandbox_admin.fault(method="POST", path="/contacts", kind="drop", count=1)
    async with api_client(sandbox) as client:
        assert (await client.list_page("/contacts")).results
        with pytest.raises(UpstreamError, match="Front may have received it"):
            await client.request("POST", "/contacts", json=new_contact("pdrop"))
    assert hits(sandbox_admin, "GET", "/contacts") == [None, 200]
    assert hits(sandbox_admin, "POST", "/contacts") == [None]


async def test_slow_answers_time_out_and_are_retried_only_when_safe(
    sandbox: SandboxServer, sandbox_admin: Any
) -> None:
    sandbox_admin.fault(method="GET", path="/contacts", kind="slow", delay=0.6, count=1)
    sandbox_admin.fault(method="POST", path="/contacts", kind="slow", delay=0.6, count=1)
    async with api_client(sandbox, timeout=0.3) as client:
        assert (await client.list_page("/contacts")).results
        assert len(hits(sandbox_admin, "GET", "/contacts")) == 2
        with pytest.raises(UpstreamError, match="ReadTimeout") as caught:
            await client.request("POST", "/contacts", json=new_contact("pslow"))
    assert "Front may have received it" in caught.value.message
    assert len(hits(sandbox_admin, "POST", "/contacts")) == 1


async def test_429_burst_is_waited_out_for_every_method(
    sandbox: SandboxServer, sandbox_admin: Any, sandbox_time: Any
) -> None:
    sandbox_admin.fault(method="GET", path="/contacts", kind="rate_limit", retry_after=20, count=2)
    sandbox_admin.fault(method="POST", path="/contacts", kind="rate_limit", retry_after=20, count=1)
    waits = sandbox_time.slept  # waited on the sandbox's clock, not slept
    patient = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, max_retry_after=30)
    pacer = Pacer(clock=sandbox_time.clock, sleep=sandbox_time.sleep)
    async with api_client(sandbox, retry=patient, pacer=pacer, sleep=sandbox_time.sleep) as client:
        assert (await client.list_page("/contacts")).results
        assert len(waits) == 2 and all(19 <= wait <= 21 for wait in waits)  # retry-after, twice
        created = await client.request("POST", "/contacts", json=new_contact("p429"))
        assert len(await contacts_named(client, "Test p429")) == 1
    assert len(waits) == 3 and 19 <= waits[2] <= 21
    assert created["name"] == "Test p429"
    assert hits(sandbox_admin, "GET", "/contacts")[:3] == [429, 429, 200]
    assert hits(sandbox_admin, "POST", "/contacts") == [429, 201]
    assert client.stats.rate_limited == 3


async def test_429_longer_than_the_cap_is_raised_with_retry_after(
    sandbox: SandboxServer, sandbox_admin: Any
) -> None:
    sandbox_admin.fault(path="/contacts", kind="rate_limit", retry_after=30, count=1)
    async with api_client(sandbox) as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.request("GET", "/contacts")
    assert caught.value.retry_after == 30.0
    assert "Retry in 30 s" in caught.value.message
    assert hits(sandbox_admin, "GET", "/contacts") == [429]


@pytest.mark.parametrize(
    "sandbox_config", [loose(granted_scopes=["contacts:read"])], indirect=True
)
async def test_403_names_the_missing_scope(
    sandbox: SandboxServer, customer: Any, tmp_path: Path, databases: Any
) -> None:
    db = tmp_path / "c.sqlite3"
    settings = OAuthSettings.for_base_url(
        sandbox.url,
        client_id=sandbox.config.client_id,
        client_secret=sandbox.config.client_secret,
        redirect_uri=CALLBACK,
    )
    flow = OAuthFlow(settings, DatabaseTokenStore(databases(db)), DatabaseStateStore(databases(db)))
    await flow.complete(*await customer(await flow.authorization_url("acme")))
    auth = BearerAuth(TokenManager("acme", flow, flow.tokens))
    async with FrontClient(sandbox.url, auth, retry=FAST) as client:
        assert (await client.list_page("/contacts")).results
        with pytest.raises(InsufficientPermissionError) as caught:
            await client.request("POST", "/contacts", json=new_contact("p403"))
    assert caught.value.scopes == ["contacts:write"]
    message = caught.value.message
    assert message.startswith(
        "Front refused POST /contacts: the OAuth app lacks scope contacts:write; "
        "add it to the app and re-authorize"
    )
    assert "Missing scope contacts:write" in message  # Front's own words too
    async with api_client(sandbox) as client:
        with pytest.raises(InsufficientPermissionError, match="the API token lacks scope"):
            await client.request("DELETE", "/contacts/crd_1")


async def test_client_errors_are_typed_with_fronts_message(sandbox: SandboxServer) -> None:
    async with api_client(sandbox) as client:
        with pytest.raises(NotFoundError, match="GET /contacts/crd_missing"):
            await client.request("GET", "/contacts/crd_missing")
        with pytest.raises(InvalidInputError, match="limit must be less than or equal to 100"):
            await client.request("GET", "/contacts", params={"limit": 500})
        await client.request("POST", "/contacts", json=new_contact("dup"))
        with pytest.raises(ConflictError, match="POST /contacts"):
            await client.request("POST", "/contacts", json=new_contact("dup"))


async def test_send_raw_gives_fronts_answer_as_is_and_retries_only_safe_methods(
    sandbox: SandboxServer, sandbox_admin: Any
) -> None:
    sandbox_admin.fault(method="GET", path="/contacts", kind="status", status=503, count=1)
    sandbox_admin.fault(method="POST", path="/contacts", kind="status", status=503, count=1)
    async with api_client(sandbox) as client:
        missing = await client.send_raw("GET", "/contacts/crd_missing")
        listed = await client.send_raw("GET", "/contacts", params={"limit": 2})
        posted = await client.send_raw(
            "POST",
            "/contacts",
            content=b'{"name": "x", "handles": [{"source": "email", "handle": "r@x.io"}]}',
            headers={"content-type": "application/json", "authorization": "Bearer nope"},
        )
    assert missing.status_code == 404
    assert missing.json()["_error"]["status"] == 404
    assert listed.status_code == 200 and len(listed.json()["_results"]) == 2
    assert posted.status_code == 503
    assert hits(sandbox_admin, "GET", "/contacts") == [503, 200]
    assert hits(sandbox_admin, "POST", "/contacts") == [503]


async def test_on_request_sees_each_endpoint_once_per_request(
    sandbox: SandboxServer, sandbox_admin: Any
) -> None:
    seen: list[tuple[str, str]] = []
    sandbox_admin.fault(method="GET", path="/contacts", kind="status", status=503, count=1)
    async with api_client(sandbox, on_request=lambda m, p: seen.append((m, p))) as client:
        page = await client.list_page("/contacts", params={"limit": 1})
        await client.list_page("/contacts", next_url=page.next_url)
        await client.request("GET", f"/contacts/{page.results[0]['id']}")
    assert seen == [
        ("GET", "/contacts"),
        ("GET", "/contacts"),
        ("GET", f"/contacts/{page.results[0]['id']}"),
    ]
