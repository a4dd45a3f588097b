"""The aiohttp connections under FrontClient, against a real HTTP server on loopback."""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from connector_front.auth import StaticTokenAuth
from connector_front.transport import FrontClient, Pacer


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[dict[str, str]]]]:
    """Answers gzip-encoded JSON, sets a cookie, and records each request's headers."""
    seen: list[dict[str, str]] = []

    async def contacts(request: web.Request) -> web.Response:
        seen.append({k.lower(): v for k, v in request.headers.items()})
        body = gzip.compress(json.dumps({"_results": [{"id": "crd_1"}], "echo": "é"}).encode())
        answer = web.Response(body=body, content_type="application/json")
        answer.headers["content-encoding"] = "gzip"
        answer.set_cookie("lb", "node-3")
        return answer

    app = web.Application()
    app.router.add_get("/contacts", contacts)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        await runner.cleanup()


async def test_a_gzip_answer_is_decoded_and_no_cookie_is_sent_back(
    server: tuple[str, list[dict[str, str]]],
) -> None:
    url, seen = server
    async with FrontClient(url, StaticTokenAuth("tok-wire"), pacer=Pacer.off()) as client:
        first = await client.request("GET", "/contacts")
        second = await client.request("GET", "/contacts")
    assert first == second == {"_results": [{"id": "crd_1"}], "echo": "é"}
    assert seen[0]["authorization"] == "Bearer tok-wire"
    assert "gzip" in seen[0]["accept-encoding"]
    assert seen[0]["accept"] == "application/json"
    assert "cookie" not in seen[1]
