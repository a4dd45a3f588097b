"""With a host key, only the OAuth callback, Front's webhook intake and the connect page are open;
the proxy reaches only what the connection's granted operations cover.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from connector_front.host.auth import OPEN_ROUTES, is_open, key_matches
from connector_front.host.table import ROUTE_TABLE
from tests.conftest import Host, HostFactory

KEYS = "current-host-key, previous-host-key"


@pytest.fixture
def secured(make_host: HostFactory) -> Iterator[Host]:
    with make_host(host_key=KEYS, operations=["genericContact::list"]) as host:
        yield host


def _concrete(template: str) -> str:
    values = {"model": "genericContact", "id": "crd_1", "owner_id": "acme", "path": "contacts"}
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values[m.group(1)], template)


PROTECTED = [
    (method, _concrete(route.path))
    for route in ROUTE_TABLE
    for method in route.methods
    if not is_open(method, route.template)
] + [
    ("POST", "/connect/sessions"),  # the connect page's back-end route is not open
    ("GET", "/events"),
    ("GET", "/no/such/route"),
    ("GET", "/connect/../resources/genericContact"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED, ids=lambda v: str(v))
def test_every_route_but_the_open_ones_needs_the_key(secured: Host, method: str, path: str) -> None:
    for key in ("", "wrong-key", "current-host-key-but-longer"):
        with secured.client(key=key) as http:
            answer = http.request(method, path, json={"fields": {}})
        assert answer.status_code == 401, (key, answer.text)
        assert answer.json()["error"]["code"] == "unauthenticated"
        assert "CONNECTOR_FRONT_HOST_KEY" in answer.json()["error"]["message"]
        assert answer.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/oauth/callback?code=x&state=y"),
        ("POST", "/webhooks/front"),
        ("POST", "/webhooks/front/rules/triage"),
        ("GET", "/connect"),
        ("GET", "/connect/acme"),
        ("POST", "/connect"),
    ],
)
def test_the_open_routes_need_no_key(secured: Host, method: str, path: str) -> None:
    with secured.client(key="") as http:
        answer = http.request(method, path)
    # the intake refuses an unsigned delivery (401 invalid or missing signature), and the
    # connect page a request without its session (a page saying so), but never for want of
    # the host key
    is_json = answer.headers.get("content-type", "").startswith("application/json")
    code = answer.json()["error"]["code"] if is_json and answer.status_code == 401 else None
    refused_for_key = code == "unauthenticated"
    if path.startswith("/connect"):
        assert answer.status_code in (400, 401)
        assert answer.headers["content-type"].startswith("text/html")
        assert 'role="alert"' in answer.text
    assert not refused_for_key, answer.text


@pytest.mark.parametrize(
    ("authorization", "says"),
    [
        (None, "no host key was sent"),
        ("Basic dXNlcjpwYXNz", "uses the Basic scheme, not Bearer"),
        ("current-host-key", "holds no 'Bearer ' before the key"),
        ("Bearer", "has 'Bearer' but no key after it"),
        ("Bearer wrong-key", "the host key is not valid"),
        ("Sesame current-host-key", "uses another scheme, not Bearer"),
    ],
)
def test_a_refused_key_says_what_was_wrong(
    secured: Host, authorization: str | None, says: str
) -> None:
    headers = {"authorization": authorization} if authorization is not None else {}
    answer = httpx.get(f"{secured.url}/resources/genericContact", headers=headers, timeout=30)
    assert answer.status_code == 401
    message = answer.json()["error"]["message"]
    assert says in message and "Authorization: Bearer <host key>" in message
    assert "current-host-key" not in message and "Sesame" not in message


def test_either_rotated_key_is_accepted(secured: Host) -> None:
    for key in ("current-host-key", "previous-host-key"):
        with secured.client(key=key) as http:
            assert http.get("/resources/genericContact", params={"limit": 1}).status_code == 200


def test_open_routes_table_names_only_the_three_exemptions_and_the_probes() -> None:
    assert {route.path for route in OPEN_ROUTES} == {
        "/oauth/callback",
        "/webhooks/front",
        "/connect",
        "/healthz",  # the health probes: they say nothing about owners
        "/readyz",
    }
    assert is_open("GET", "/readyz") and not is_open("POST", "/readyz")
    assert not is_open("GET", "/healthz/x") and not is_open("GET", "/metrics")
    assert not is_open("POST", "/connect/sessions") and is_open("POST", "/connect")
    assert is_open("GET", "/connect/owner-1") and is_open("POST", "/webhooks/front/rules/x")
    assert not is_open("GET", "/webhooks/front")


def test_key_comparison() -> None:
    assert key_matches("b", ["a", "b"])
    assert not key_matches("", ["a"]) and not key_matches("ab", ["a"])


def test_the_proxy_refuses_a_write_the_grant_does_not_cover(secured: Host) -> None:
    with secured.client() as http:
        listed = http.get("/proxy/contacts", params={"limit": 1})
        assert listed.status_code == 200, listed.text
        contact_id = listed.json()["_results"][0]["id"]
        secured.clear_sandbox_requests()
        deleted = http.delete(f"/proxy/contacts/{contact_id}")
        assert deleted.status_code == 403, deleted.text
        error = deleted.json()["error"]
        assert error["code"] == "operation_not_granted"
        assert "genericContact::delete" in error["message"]
        assert error["details"]["operationNeeded"] == "genericContact::delete"
        assert error["details"]["missingScopes"] == ["contacts:delete"]
        created = http.post("/proxy/contacts", json={"handles": []})
        assert created.status_code == 403
        assert "genericContact::create" in created.json()["error"]["message"]
        assert secured.sandbox_requests() == []
        still_there = http.get(f"/proxy/contacts/{contact_id}")
    assert still_there.status_code == 200


@pytest.mark.parametrize("path", ["/proxy/_sandbox/config", "/proxy/no/such/front/path"])
def test_the_proxy_refuses_paths_outside_fronts_api(secured: Host, path: str) -> None:
    secured.clear_sandbox_requests()
    with secured.client() as http:
        answer = http.post(path, json={"rate_limit": 1})
    assert answer.status_code == 403, answer.text
    assert answer.json()["error"]["code"] == "proxy_path_not_allowed"
    assert secured.sandbox_requests() == []


def test_a_setting_lets_the_proxy_reach_unknown_paths(make_host: HostFactory) -> None:
    with make_host(proxy_allow_unknown_paths=True) as host, host.client() as http:
        answer = http.get("/proxy/_sandbox/stats")
    assert answer.status_code == 200, answer.text


def test_a_caller_without_the_key_cannot_widen_a_connection(secured: Host) -> None:
    with secured.client(key="") as http:
        widened = http.post("/connections/acme", json={"operations": ["genericContact::delete"]})
    assert widened.status_code == 401
    with secured.client() as http:
        contact = http.get("/proxy/contacts", params={"limit": 1}).json()["_results"][0]
        assert http.delete(f"/proxy/contacts/{contact['id']}").status_code == 403
