"""A web page cannot drive the host through a visitor's browser: JSON routes take JSON only
(a page can send a form or text/plain anywhere), state-changing requests from another origin
are refused, and an open host answers only loopback names (DNS rebinding)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.conftest import Host, HostFactory
from tests.integration.webhook_support import APP_SECRET, EventsHost, events_host

__all__ = ["events_host"]

EVIL = "https://evil.example"
REPLY = json.dumps({"fields": {"body": "sent by a web page", "issue": "cnv_s001"}})


def _posts(host: Host) -> list[str]:
    return [r["path"] for r in host.sandbox_requests() if r["method"] == "POST"]


def test_a_text_plain_write_is_a_415_and_reaches_nothing(host: Host) -> None:
    host.clear_sandbox_requests()
    with host.client() as http:
        answer = http.post(
            "/resources/ticketComment", content=REPLY, headers={"content-type": "text/plain"}
        )
    assert answer.status_code == 415, answer.text
    error = answer.json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert "application/json" in error["message"] and "'text/plain'" in error["message"]
    assert _posts(host) == []


@pytest.mark.parametrize(
    ("method", "path", "content_type"),
    [
        ("POST", "/resources/genericContact", None),
        ("POST", "/resources/genericContact", "application/x-www-form-urlencoded"),
        ("PATCH", "/resources/genericContact/crd_1", "multipart/form-data; boundary=x"),
        ("POST", "/connections/acme", "text/plain;charset=utf-8"),
        ("POST", "/connect/sessions", "text/json"),
    ],
)
def test_every_json_route_refuses_another_content_type(
    host: Host, method: str, path: str, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    with host.client() as http:
        answer = http.request(method, path, content=b'{"fields": {}}', headers=headers)
    assert answer.status_code == 415, answer.text
    assert answer.json()["error"]["code"] == "unsupported_media_type"


def test_json_with_a_charset_is_accepted(host: Host) -> None:
    body = json.dumps({"fields": {"email": "charset@example.com"}})
    with host.client() as http:
        answer = http.post(
            "/resources/genericContact",
            content=body,
            headers={"content-type": "application/json; charset=utf-8"},
        )
    assert answer.status_code == 201, answer.text


CHANGES = [
    ("POST", "/resources/ticketComment"),
    ("PATCH", "/resources/genericContact/crd_1"),
    ("DELETE", "/resources/genericContact/crd_1"),
    ("PUT", "/proxy/contacts/crd_1"),
    ("DELETE", "/connections/acme"),
    ("POST", "/connect"),
    ("POST", "/webhooks/front"),
]


@pytest.mark.parametrize(("method", "path"), CHANGES)
@pytest.mark.parametrize("origin", [EVIL, "null", "http://localhost:1", "http://127.0.0.1"])
def test_a_state_changing_request_from_another_origin_is_refused(
    host: Host, method: str, path: str, origin: str
) -> None:
    host.clear_sandbox_requests()
    with host.client() as http:
        answer = http.request(
            method, path, content=REPLY,
            headers={"content-type": "application/json", "origin": origin},
        )  # fmt: skip
    assert answer.status_code == 403, answer.text
    error = answer.json()["error"]
    assert error["code"] == "origin_not_allowed"
    assert repr(origin) in error["message"] and "CONNECTOR_FRONT_PUBLIC_ORIGINS" in error["message"]
    assert host.sandbox_requests() == []


def test_the_hosts_own_origin_may_write(host: Host) -> None:
    with host.client() as http:
        answer = http.post(
            "/resources/genericContact",
            json={"fields": {"email": "same-origin@example.com"}},
            headers={"origin": host.url},
        )
        page = http.post("/connect", data={"session": "x", "action": "authorize"},
                         headers={"origin": host.url})  # fmt: skip
    assert answer.status_code == 201, answer.text
    assert page.status_code != 403 and "origin_not_allowed" not in page.text  # the form's answer


def test_reads_are_not_checked_for_origin(host: Host) -> None:
    with host.client() as http:
        answer = http.get("/resources/genericContact", params={"limit": 1},
                          headers={"origin": EVIL})  # fmt: skip
    assert answer.status_code == 200


@pytest.mark.parametrize("name", ["evil.example", "rebound.evil.example:8000", "10.0.0.5", "[::2]"])
def test_an_open_host_refuses_a_foreign_host_header(host: Host, name: str) -> None:
    with host.client() as http:
        for method, path in [("GET", "/resources/genericContact"), ("GET", "/connectors/front")]:
            answer = http.request(method, path, headers={"host": name})
            assert answer.status_code == 400, answer.text
            error = answer.json()["error"]
            assert error["code"] == "host_not_allowed" and repr(name) in error["message"]


@pytest.mark.parametrize("name", ["localhost", "127.0.0.1", "[::1]", "127.0.0.2", "LOCALHOST"])
def test_an_open_host_answers_loopback_names_on_any_port(host: Host, name: str) -> None:
    with host.client() as http:
        for port in ("", ":8000", f":{host.url.rsplit(':', 1)[1]}"):
            answer = http.get("/connectors/front", headers={"host": name + port})
            assert answer.status_code == 200, (name + port, answer.text)


def test_a_public_origin_may_write_and_name_an_open_host(make_host: HostFactory) -> None:
    public = "https://connect.example.com"
    origins = f"{public}, http://intranet.example:8080"
    with make_host(public_origins=origins) as host, host.client() as http:
        write = http.post(
            "/resources/genericContact",
            json={"fields": {"email": "proxied@example.com"}},
            headers={"origin": public, "host": "connect.example.com"},
        )
        other = http.post(
            "/resources/genericContact",
            json={"fields": {}},
            headers={"origin": "https://connect.example.com:8443"},
        )
    assert write.status_code == 201, write.text
    assert other.status_code == 403  # another port is another origin


@pytest.fixture
def keyed(make_host: HostFactory) -> Iterator[Host]:
    with make_host(host_key="browser-test-key") as host:
        yield host


def test_a_host_with_a_key_answers_any_name_but_still_checks_origin(keyed: Host) -> None:
    with keyed.client() as http:
        named = http.get("/connectors/front", headers={"host": "front-connector.internal"})
        foreign = http.post(
            "/resources/genericContact", json={"fields": {}}, headers={"origin": EVIL}
        )
    assert named.status_code == 200, named.text
    assert foreign.status_code == 403 and foreign.json()["error"]["code"] == "origin_not_allowed"


def test_fronts_webhooks_have_no_origin_and_still_arrive(events_host: EventsHost) -> None:
    envelope = {
        "type": "tag_added",
        "authorization": {"id": events_host.company},
        "payload": {"id": "evt_browser1", "type": "tag", "conversation": {"id": "cnv_s001"}},
    }
    answer = events_host.deliver(envelope, secret=APP_SECRET)
    assert answer.status_code == 200, answer.text
    assert answer.json()["received"] is True
