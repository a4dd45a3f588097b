"""FrontClient decisions against an in-memory httpx transport (no network, no sleeping)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest

from connector_front.auth import StaticTokenAuth
from connector_front.errors import (
    AuthorizationRequiredError,
    InvalidInputError,
    MovedError,
    NotFoundError,
    UpstreamError,
)
from connector_front.paging import all_results, one_page, pages
from connector_front.transport import FrontClient, Pacer, RetryPolicy

TOKEN = "static-TOKEN-abc"
BASE = "http://front.test"


async def no_sleep(_: float) -> None:
    return None


def make_client(
    handler: Callable[[httpx.Request], httpx.Response], **kwargs: object
) -> tuple[FrontClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    client = FrontClient(
        BASE,
        StaticTokenAuth(TOKEN),
        retry=RetryPolicy(max_attempts=3, base_delay=0.0),
        pacer=Pacer.off(),
        transport=httpx.MockTransport(record),
        sleep=no_sleep,
        **kwargs,  # type: ignore[arg-type]
    )
    return client, seen


async def test_json_none_and_auth_header() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/accepted":
            return httpx.Response(202, json={"status": "accepted", "message_uid": "m1"})
        if request.url.path == "/accepted-empty":
            return httpx.Response(202)
        if request.url.path == "/empty":
            return httpx.Response(204)
        return httpx.Response(200, json={"id": "crd_1"})

    client, seen = make_client(handler)
    async with client:
        assert await client.request("get", "/contacts/crd_1") == {"id": "crd_1"}
        accepted = await client.request("POST", "/accepted", json={"a": 1})
        assert accepted == {"status": "accepted", "message_uid": "m1"}
        assert await client.request("POST", "/accepted-empty") is None
        assert await client.request("DELETE", "/empty") is None
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert seen[1].content == b'{"a":1}'


async def test_non_json_success_is_an_upstream_error() -> None:
    client, _ = make_client(lambda r: httpx.Response(200, text="<html>maintenance</html>"))
    with pytest.raises(UpstreamError, match="GET /me"):
        await client.request("GET", "/me")


async def test_error_mapping_and_401_for_api_token() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        status = 404 if request.url.path.startswith("/contacts") else 401
        body = {"_error": {"status": status, "title": "T", "message": "Front's words"}}
        return httpx.Response(status, json=body)

    client, _ = make_client(handler)
    with pytest.raises(NotFoundError, match="Front's words"):
        await client.request("GET", "/contacts/crd_x")
    with pytest.raises(AuthorizationRequiredError, match="API token") as caught:
        await client.request("GET", "/me")
    assert TOKEN not in caught.value.message


async def test_get_follows_a_301_to_the_merged_conversation() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/conversations/cnv_old":
            return httpx.Response(301, headers={"location": f"{BASE}/conversations/cnv_new"})
        return httpx.Response(200, json={"id": "cnv_new"})

    hits: list[tuple[str, str]] = []
    client, seen = make_client(handler, on_request=lambda m, p: hits.append((m, p)))
    assert await client.request("GET", "/conversations/cnv_old") == {"id": "cnv_new"}
    assert [r.url.path for r in seen] == ["/conversations/cnv_old", "/conversations/cnv_new"]
    assert hits == [("GET", "/conversations/cnv_old"), ("GET", "/conversations/cnv_new")]


async def test_a_write_on_a_merged_conversation_raises_moved() -> None:
    client, seen = make_client(
        lambda r: httpx.Response(301, headers={"location": "/conversations/cnv_new"})
    )
    with pytest.raises(MovedError) as caught:
        await client.request("PATCH", "/conversations/cnv_old", json={"status": "archived"})
    assert caught.value.location == "cnv_new"
    assert "/conversations/cnv_new" in caught.value.message
    assert len(seen) == 1


async def test_redirect_to_a_foreign_host_is_not_followed() -> None:
    client, seen = make_client(
        lambda r: httpx.Response(301, headers={"location": "https://evil.example/steal"})
    )
    with pytest.raises(UpstreamError, match=r"evil\.example"):
        await client.request("GET", "/conversations/cnv_1")
    assert len(seen) == 1


async def test_pagination_refuses_foreign_next_links_before_sending() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={"_results": [{"id": "crd_1"}], "_pagination": {"next": "https://evil.example/c"}},
        )

    client, seen = make_client(handler)
    items: list[str] = []
    with pytest.raises(UpstreamError, match=r"evil\.example"):
        async for page in pages(client, "/contacts"):
            items.extend(item["id"] for item in page.results)
    assert items == ["crd_1"]
    assert {r.url.host for r in seen} == {"front.test"}
    with pytest.raises(UpstreamError):
        await client.list_page("/contacts", next_url="http://front.test:81/contacts")


async def test_pagination_stops_on_a_looping_next_link() -> None:
    page = {"_results": [{"id": "crd_1"}], "_pagination": {"next": f"{BASE}/contacts?p=2"}}
    client, seen = make_client(lambda r: httpx.Response(200, json=page))
    with pytest.raises(UpstreamError, match="same next-page link twice while listing GET /c"):
        await all_results(client, "/contacts")
    assert len(seen) == 2


async def test_a_page_whose_next_link_is_its_own_is_refused() -> None:
    """A cursor's page that links back to itself would make every caller loop forever."""
    own = f"{BASE}/contacts?p=2"
    page = {"_results": [{"id": "crd_1"}], "_pagination": {"next": own}}
    client, seen = make_client(lambda r: httpx.Response(200, json=page))
    with pytest.raises(UpstreamError, match="same next-page link twice"):
        await one_page(client, "/contacts", next_url=own)
    assert (await one_page(client, "/contacts")).next_url == own
    assert len(seen) == 2


async def test_paths_must_be_api_paths() -> None:
    client, seen = make_client(lambda r: httpx.Response(200, json={}))
    for bad in ("https://evil.example/contacts", "//evil.example/x", "contacts"):
        with pytest.raises(InvalidInputError):
            await client.request("GET", bad)
        with pytest.raises(InvalidInputError):
            await client.send_raw("GET", bad)
    assert seen == []


async def test_send_raw_returns_errors_as_is_and_never_forwards_credentials() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(500, json={"_error": {"status": 500}})

    client, seen = make_client(handler)
    response = await client.send_raw(
        "post",
        "/contacts",
        content=b'{"name": "x"}',
        headers={"Authorization": "Bearer stolen", "Cookie": "a=b", "content-type": "app/json"},
    )
    assert response.status_code == 500
    assert calls == 1  # POST + 5xx: not repeated
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert "cookie" not in seen[0].headers
    assert seen[0].headers["content-type"] == "app/json"
    get = await client.send_raw("GET", "/contacts")
    assert get.status_code == 500
    assert calls == 4  # GET: 3 attempts


async def test_retries_then_typed_error_and_no_token_in_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, seen = make_client(lambda r: httpx.Response(503, text="busy"))
    with (
        caplog.at_level(logging.DEBUG, logger="connector_front"),
        pytest.raises(UpstreamError, match="after 3 attempts"),
    ):
        await client.request("GET", "/contacts", params={"q": "x"})
    assert len(seen) == 3
    assert client.stats.retries == 2
    assert "GET /contacts -> 503" in caplog.text
    assert TOKEN not in caplog.text


async def test_post_retried_only_when_it_never_left() -> None:
    attempts = 0

    def refuse_then_ok(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(201, json={"id": "crd_2"})

    client, _ = make_client(refuse_then_ok)
    assert await client.request("POST", "/contacts", json={}) == {"id": "crd_2"}

    def read_timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    client, seen = make_client(read_timeout)
    with pytest.raises(UpstreamError, match="Front may have received it"):
        await client.request("POST", "/contacts", json={})
    assert len(seen) == 1
