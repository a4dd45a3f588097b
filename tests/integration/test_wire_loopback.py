"""The aiohttp connections under FrontClient, against a real HTTP server on loopback."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator

import httpx
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


@pytest.fixture
async def proxy() -> AsyncIterator[tuple[str, list[str]]]:
    """A forward proxy for plain HTTP on loopback: records each request line it is asked
    for, sends the request on to its origin and relays the answer."""
    asked: list[str] = []

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        request_line, *lines = head.rstrip("\r\n").split("\r\n")
        method, target, _ = request_line.split(" ")
        asked.append(f"{method} {target}")
        origin = httpx.URL(target)
        kept = [line for line in lines if not line.lower().startswith(("proxy-", "connection:"))]
        up_reader, up_writer = await asyncio.open_connection(origin.host, origin.port)
        path = origin.raw_path.decode("ascii")
        up_writer.write(
            "\r\n".join([f"{method} {path} HTTP/1.1", *kept, "Connection: close", "", ""]).encode()
        )
        await up_writer.drain()
        writer.write(await up_reader.read())  # the origin closes after its answer
        await writer.drain()
        up_writer.close()
        writer.close()

    server = await asyncio.start_server(relay, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", asked
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize("no_proxy", [None, "127.0.0.1", "localhost, 127.0.0.1"])
async def test_requests_go_through_the_proxy_the_environment_names(
    server: tuple[str, list[dict[str, str]]],
    proxy: tuple[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    no_proxy: str | None,
) -> None:
    (url, _), (proxy_url, asked) = server, proxy
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    if no_proxy is not None:
        monkeypatch.setenv("NO_PROXY", no_proxy)
    async with FrontClient(url, StaticTokenAuth("tok-wire"), pacer=Pacer.off()) as client:
        answer = await client.request("GET", "/contacts")
    assert answer["_results"] == [{"id": "crd_1"}]
    assert asked == ([] if no_proxy else [f"GET {url}/contacts"])
