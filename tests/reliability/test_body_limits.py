"""Oversized bodies are refused with a typed 413 naming the limit, as soon as they are known to
be too large: a declared length at once (no body read), a chunked body once it passes the limit
(the rest is never waited for)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Host, start_host

LIMIT = 4_000
WEBHOOK_LIMIT = 6_000
ROUTES = [
    ("POST", "/resources/genericContact", LIMIT),
    ("PATCH", "/resources/genericContact/crd_s001", LIMIT),
    ("POST", "/connections/acme", LIMIT),
    ("POST", "/connect/sessions", LIMIT),
    ("POST", "/connect", LIMIT),
    ("POST", "/proxy/contacts", LIMIT),
    ("POST", "/webhooks/front", WEBHOOK_LIMIT),
    ("POST", "/webhooks/front/rules/escalations", WEBHOOK_LIMIT),
]


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:

    with start_host(
        tmp_path_factory.mktemp("limits"),
        max_body_bytes=LIMIT,
        webhook_max_body_bytes=WEBHOOK_LIMIT,
    ) as host:
        yield host


def _connect(host: Host) -> socket.socket:
    address, port = host.url.removeprefix("http://").split(":")
    return socket.create_connection((address, int(port)), timeout=20)


def _answer(conn: socket.socket) -> tuple[int, dict[str, Any]]:
    """Read one HTTP answer (status, JSON body, or a page's text) without sending more."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        assert chunk, f"connection closed before an answer: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = conn.recv(65536)
        assert chunk, "connection closed inside the answer"
        body += chunk
    if headers.get("content-type", "").startswith("text/html"):
        return int(lines[0].split()[1]), {"page": body[:length].decode()}
    return int(lines[0].split()[1]), json.loads(body[:length])


def _head(method: str, path: str, framing: str) -> bytes:
    kind = "application/x-www-form-urlencoded" if path == "/connect" else "application/json"
    return (
        f"{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nx-owner-id: acme\r\n"
        f"content-type: {kind}\r\n{framing}\r\n\r\n"
    ).encode()


def _check(status: int, body: dict[str, Any], limit: int) -> None:
    assert status == 413, body
    if "page" in body:  # the connect page answers people with a page saying why
        assert 'role="alert"' in body["page"] and f"{limit} bytes" in body["page"], body
        return
    assert body["error"]["code"] == "body_too_large"
    assert f"{limit} bytes" in body["error"]["message"]


@pytest.mark.parametrize(("method", "path", "limit"), ROUTES)
def test_a_declared_length_over_the_limit_is_refused_before_any_body(
    limited: Host, method: str, path: str, limit: int
) -> None:
    with _connect(limited) as conn:
        conn.sendall(_head(method, path, "content-length: 10000000000"))  # 10 GB, never sent
        _check(*_answer(conn), limit)


@pytest.mark.parametrize(("method", "path", "limit"), ROUTES)
def test_a_chunked_body_is_refused_once_it_passes_the_limit(
    limited: Host, method: str, path: str, limit: int
) -> None:
    with _connect(limited) as conn:
        conn.sendall(_head(method, path, "transfer-encoding: chunked"))
        piece = b"x" * 1000
        for _ in range(limit // len(piece) + 1):  # just over the limit, and no final chunk
            conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
        _check(*_answer(conn), limit)
