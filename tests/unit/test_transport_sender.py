"""Sender: one request built, authorized and read, against an in-memory httpx transport."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import httpx
import pytest

from connector_front.auth import StaticTokenAuth
from connector_front.transport import sender as sender_module
from connector_front.transport.sender import DEFAULT_HEADERS, Sender

URL = httpx.URL("http://front.test/contacts")


def recording(
    answer: httpx.Response | None = None,
) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer or httpx.Response(200, json={"ok": True})

    return httpx.MockTransport(handler), seen


async def test_default_headers_auth_and_timeout_are_on_the_request() -> None:
    transport, seen = recording()
    sender = Sender(StaticTokenAuth("tok-1"), transport, timeout=7.0)
    response = await sender.send("GET", URL, params={"limit": 5})
    assert response.json() == {"ok": True}
    assert response.request is seen[0]
    sent = seen[0]
    assert sent.url == "http://front.test/contacts?limit=5"
    assert sent.headers["authorization"] == "Bearer tok-1"
    for name, value in DEFAULT_HEADERS.items():
        assert sent.headers[name] == value
    assert sent.extensions["timeout"] == {"connect": 7.0, "read": 7.0, "write": 7.0, "pool": 7.0}


async def test_a_callers_header_replaces_the_default_of_the_same_name_in_any_case() -> None:
    transport, seen = recording()
    sender = Sender(StaticTokenAuth("tok-1"), transport, timeout=5.0)
    await sender.send("POST", URL, content=b"<x/>", headers={"Accept": "text/xml"})
    assert seen[0].headers.get_list("accept") == ["text/xml"]
    assert seen[0].content == b"<x/>"


class _RetryOn401(httpx.Auth):
    """Sends with one token; on a 401 sends again with another, as BearerAuth does."""

    def __init__(self) -> None:
        self.closed = False

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        try:
            request.headers["authorization"] = "Bearer old"
            response = yield request
            if response.status_code == 401:
                request.headers["authorization"] = "Bearer new"
                yield request
        finally:
            self.closed = True


async def test_an_auth_flow_that_asks_again_after_a_401_is_followed() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(401 if request.headers["authorization"] == "Bearer old" else 200)

    auth = _RetryOn401()
    response = await Sender(auth, httpx.MockTransport(handler), timeout=5.0).send("GET", URL)
    assert response.status_code == 200
    assert seen == ["Bearer old", "Bearer new"]
    assert auth.closed


async def test_the_auth_flow_is_closed_when_the_transport_fails() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    auth = _RetryOn401()
    sender = Sender(auth, httpx.MockTransport(handler), timeout=5.0)
    with pytest.raises(httpx.ConnectError):
        await sender.send("GET", URL)
    assert auth.closed


async def test_no_cookie_is_kept_between_requests() -> None:
    answer = httpx.Response(200, json={}, headers={"set-cookie": "lb=node-3; Path=/"})
    transport, seen = recording(answer)
    sender = Sender(StaticTokenAuth("tok-1"), transport, timeout=5.0)
    await sender.send("GET", URL)
    await sender.send("GET", URL)
    assert "cookie" not in seen[1].headers


async def test_the_auth_header_of_one_request_is_not_on_the_next() -> None:
    transport, seen = recording()
    first = Sender(StaticTokenAuth("tok-a"), transport, timeout=5.0)
    second = Sender(StaticTokenAuth("tok-b"), transport, timeout=5.0)
    await first.send("GET", URL, headers={"x-one": "1"})
    await second.send("GET", URL)
    assert seen[1].headers["authorization"] == "Bearer tok-b"
    assert "x-one" not in seen[1].headers
    assert dict(sender_module._DEFAULTS) == DEFAULT_HEADERS  # the shared defaults untouched
