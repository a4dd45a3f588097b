"""Crafted input against the running host: each answers a typed 4xx and reaches no Front endpoint.

Every case here was once a probe that escaped its endpoint, crashed with a 500, or held the
host's memory or connections.
"""

from __future__ import annotations

import base64
import json
import socket
import time
from typing import Any

import pytest

from tests.conftest import Host, HostFactory


def _front_calls(host: Host) -> list[str]:
    return [f"{r['method']} {r['path']}" for r in host.sandbox_requests()]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/resources/ticketIssue/%2e%2e"),
        ("GET", "/resources/genericContact/%2e%2e"),
        ("GET", "/resources/genericContact/%2e"),
        ("PATCH", "/resources/genericCompany/%2e%2e"),
        ("GET", "/resources/ticketComment?issue=%2e%2e"),
        ("GET", "/resources/ticketComment?issue=%2e"),
        ("GET", "/resources/genericContact/crd_1%00"),
        ("GET", "/resources/genericContact/tea_123"),
        ("GET", "/resources/ticketComment/cnv_123"),
    ],
)
def test_dot_and_foreign_ids_are_refused_before_any_request(
    host: Host, method: str, path: str
) -> None:
    host.clear_sandbox_requests()
    with host.client() as http:
        body = {"fields": {"name": "x"}} if method == "PATCH" else None
        answer = http.request(method, path, json=body)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_input"
    assert "id" in error["message"] or "issue" in error["message"]
    assert _front_calls(host) == []


def test_a_valid_id_form_still_reaches_front(host: Host) -> None:
    with host.client() as http:
        listed = http.get("/resources/genericContact", params={"limit": 20}).json()
        record = next(r for r in listed["data"] if r["fields"]["email"])
        record_id, email = record["id"], record["fields"]["email"]
        assert http.get(f"/resources/genericContact/{record_id}").status_code == 200
        by_alias = http.get(f"/resources/genericContact/alt:email:{email}")
    assert by_alias.status_code == 200, by_alias.text
    assert by_alias.json()["id"] == record_id


def _tamper(cursor: str) -> str:
    flipped = "A" if cursor[5] != "A" else "B"
    return cursor[:5] + flipped + cursor[6:]


def _unsigned_cursor(model: str, url: str) -> str:
    raw = json.dumps({"m": model, "u": url}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_tampered_cursor_is_a_400_and_no_request(host: Host) -> None:
    with host.client() as http:
        first = http.get("/resources/genericContact", params={"limit": 2}).json()
        assert first["next"]
        host.clear_sandbox_requests()
        crafted = _unsigned_cursor(
            "genericContact", f"{host.sandbox_url}/contacts?limit=100000&page_token=x"
        )
        for cursor in (_tamper(first["next"]), crafted, "!!", first["next"] + "x"):
            answer = http.get("/resources/genericContact", params={"cursor": cursor})
            assert answer.status_code == 400, (cursor, answer.text)
            assert answer.json()["error"]["code"] == "invalid_cursor"
        assert _front_calls(host) == []
        following = http.get("/resources/genericContact", params={"cursor": first["next"]})
    assert following.status_code == 200
    assert {r["id"] for r in following.json()["data"]}.isdisjoint(r["id"] for r in first["data"])


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/resources/genericContact"),
        ("PATCH", "/resources/genericContact/crd_1"),
        ("POST", "/connections/acme"),
    ],
)
def test_deeply_nested_json_is_a_400(host: Host, method: str, path: str) -> None:
    deep = '{"fields": {"description": ' + "[" * 1000 + "1" + "]" * 1000 + "}}"
    with host.client() as http:
        answer = http.request(
            method, path, content=deep, headers={"content-type": "application/json"}
        )
    assert answer.status_code == 400, answer.text
    assert "deep" in answer.json()["error"]["message"]


def test_a_nul_in_a_proxy_path_is_a_400(host: Host) -> None:
    with host.client() as http:
        answer = http.get("/proxy/contacts%00x")
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "invalid_input"


def test_a_body_over_the_limit_is_a_413_naming_it(make_host: HostFactory) -> None:
    with make_host(max_body_bytes=10_000) as host, host.client() as http:
        big = {"fields": {"email": "big@example.com", "description": "x" * 20_000}}
        answer = http.post("/resources/genericContact", json=big)
        assert answer.status_code == 413, answer.text
        assert "10000 bytes" in answer.json()["error"]["message"]
        assert answer.json()["error"]["code"] == "body_too_large"
        # a body without content-length (chunked) is counted as it arrives
        chunks = iter([b'{"fields": {"description": "', b"x" * 20_000, b'"}}'])
        streamed = http.post(
            "/resources/genericContact",
            content=chunks,
            headers={"content-type": "application/json"},
        )
        assert streamed.status_code == 413, streamed.text


def test_the_default_body_limit_is_one_megabyte(host: Host) -> None:
    with host.client() as http:
        big = {"fields": {"email": "big@example.com", "description": "x" * 1_100_000}}
        answer = http.post("/resources/genericContact", json=big)
    assert answer.status_code == 413
    assert "1000000 bytes" in answer.json()["error"]["message"]


def test_a_body_that_never_arrives_is_cut_off(make_host: HostFactory) -> None:
    with make_host(body_timeout=0.5) as host:
        address = host.url.removeprefix("http://").split(":")
        with socket.create_connection((address[0], int(address[1])), timeout=20) as conn:
            conn.sendall(
                b"POST /resources/genericContact HTTP/1.1\r\nhost: 127.0.0.1\r\n"
                b"x-owner-id: acme\r\ncontent-type: application/json\r\n"
                b"content-length: 100\r\n\r\n0123456789"
            )
            started = time.monotonic()
            answer = conn.recv(4096)
            while b"\r\n\r\n" in answer and not answer.endswith(b"}"):  # body in a later segment
                more = conn.recv(4096)
                if not more:
                    break
                answer += more
            waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b"body_timeout" in answer
    assert waited < 15  # the 0.5 s timeout cut it, not the client's own 20 s one


def test_headers_that_never_finish_are_cut_off(make_host: HostFactory) -> None:
    with make_host(header_timeout=0.5) as host:
        address = host.url.removeprefix("http://").split(":")
        with socket.create_connection((address[0], int(address[1])), timeout=20) as conn:
            conn.sendall(b"GET /connectors/front HTTP/1.1\r\nhost: 127.0.0.1\r\n")  # no blank line
            started = time.monotonic()
            closed = conn.recv(4096)
            waited = time.monotonic() - started
        assert closed == b""  # the host hung up
        assert waited < 15  # the 0.5 s deadline cut it, not the client's own 20 s one
        with host.client() as http:  # and the host still serves whole requests
            assert http.get("/connectors/front").status_code == 200
