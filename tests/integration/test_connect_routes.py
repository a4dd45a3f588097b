"""The connect page's routes over real HTTP, on a sandbox Front: sessions, the form, the
callback's way back to the page, GET / DELETE /connections/{ownerId} and the permission check.
(The same flow in a real browser: tests/browser.)
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from connector_front.auth.state import DatabaseStateStore
from connector_front.sandbox import SandboxServer
from connector_front.store import LazyDatabase
from tests.conftest import Host, HostFactory
from tests.integration.connect_support import (
    KEY,
    OFFERED,
    Browser,
    consent,
    foreign_callback,
    page_client,
    post_form,
    session_for,
)


def test_a_session_names_owner_operations_scopes_and_the_page(secured: Host) -> None:
    body = session_for(secured, "customer-1")
    assert body["ownerId"] == "customer-1" and body["operations"] == OFFERED
    assert set(body["requiredScopes"]) == {"contacts:read", "contacts:write", "accounts:read"}
    assert body["path"] == "/connect?session=" + body["token"]
    assert body["url"] == secured.url + body["path"] and body["expiresAt"].endswith("Z")
    with page_client(secured) as page:
        answer = page.get(body["path"])
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["referrer-policy"] == "same-origin"  # its form's Origin is not null
    for kind in ("genericContact", "genericCompany"):  # one box per kind of data offered
        assert f'name="model" id="kind-{kind == "genericCompany":d}" value="{kind}"' in answer.text
    assert 'value="genericUser"' not in answer.text  # only what the session offers
    details = answer.text.split('id="access-details"')[1]
    assert "<code>genericContact::create</code>" in details  # ids and scopes, for developers
    assert "<code>contacts:write</code>" in details


PUBLIC = "https://connect.example.com"


@pytest.fixture
def public(make_host: HostFactory, sandbox: SandboxServer) -> Iterator[Host]:
    """A host whose OAuth callback (redirect_uri) is on PUBLIC, registered with the sandbox."""
    callback = f"{PUBLIC}/oauth/callback"
    registered = {"redirect_uris": [callback]}
    httpx.post(f"{sandbox.url}/_sandbox/config", json=registered).raise_for_status()
    with make_host(host_key=KEY, redirect_uri=callback) as secured:
        yield secured


def test_a_session_asked_by_another_host_name_links_to_the_callbacks_origin(public: Host) -> None:
    # the back end reaches the host by its internal address (here 127.0.0.1); the customer's
    # browser is given the page on the callback's origin, where its cookie must be set
    body = session_for(public, "customer-1")
    assert body["url"] == PUBLIC + body["path"]
    with page_client(public) as page:
        served = page.get(body["path"], headers={"host": "connect.example.com"})
    assert served.status_code == 200  # no move needed from the link given


@pytest.mark.parametrize("host", ["localhost", "evil.example:8000"])
def test_a_page_opened_by_another_host_name_moves_to_the_callbacks_origin_before_its_cookie(
    public: Host, host: str
) -> None:
    token = session_for(public, "customer-1")["token"]
    with page_client(public) as page:
        moved = page.get("/connect/customer-1", params={"session": token}, headers={"host": host})
        assert moved.status_code == 303, moved.text
        assert "set-cookie" not in moved.headers and not page.cookies
        served = page.get("/connect", params={"session": token},
                          headers={"host": "connect.example.com"})  # fmt: skip
    # on the configured origin, never the Host header's; the path and query as they came
    assert moved.headers["location"] == f"{PUBLIC}/connect/customer-1?session={token}&moved=1"
    assert moved.headers["cache-control"] == "no-store"
    # the callback's host name (here over http, as behind a proxy that ends TLS): the page
    assert served.status_code == 200 and "connector_front_browser=" in served.headers["set-cookie"]


def _behind_rewriting_proxy(page: httpx.Client, host: Host, url: str) -> list[httpx.Response]:
    """What a browser gets at ``url`` on PUBLIC, the redirects to PUBLIC followed (at most
    four answers), through a proxy that forwards to the host with the host's own address as
    ``Host`` (nginx without ``proxy_set_header Host $host``)."""
    answers: list[httpx.Response] = []
    while len(answers) < 4 and url.startswith(PUBLIC):
        answers.append(page.get(host.url + url.removeprefix(PUBLIC)))  # Host: 127.0.0.1:port
        url = answers[-1].headers.get("location", "") if answers[-1].status_code == 303 else ""
    return answers


def test_behind_a_proxy_that_rewrites_host_the_page_is_moved_once_then_served_with_a_warning(
    public: Host, caplog: pytest.LogCaptureFixture
) -> None:
    token = session_for(public, "customer-1")["token"]
    with caplog.at_level(logging.INFO), page_client(public) as page:
        answers = _behind_rewriting_proxy(page, public, f"{PUBLIC}/connect?session={token}")
    # one move (the request's Host is not the callback's), then the page: no loop
    assert [a.status_code for a in answers] == [303, 200], answers
    assert answers[0].headers["location"] == f"{PUBLIC}/connect?session={token}&moved=1"
    page_html = answers[1]
    assert "connector_front_browser=" in page_html.headers["set-cookie"]
    assert 'name="form_token"' in page_html.text and "moved=" not in page_html.text
    warned = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1, [r.getMessage() for r in warned]
    message = warned[0].getMessage()
    assert "proxy_set_header Host $host;" in message and "redirect_uri" in message
    assert "connect.example.com" in message and public.url.removeprefix("http://") in message
    assert all(token not in r.getMessage() for r in caplog.records)
    assert "session=" not in message


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"operations": ["genericContact::list"]}, 400, "ownerId"),
        ({"ownerId": "", "operations": ["genericContact::list"]}, 400, "ownerId"),
        ({"ownerId": "o", "operations": []}, 400, "operations"),
        ({"ownerId": "o", "operations": "genericContact::list"}, 400, "operations"),
        ({"ownerId": "o", "operations": ["genericUser::create"]}, 501, None),
        ({"ownerId": "o", "operations": ["nope::list"]}, 400, "operations"),
    ],
)
def test_a_bad_session_request_is_a_typed_error(
    secured: Host, body: dict[str, object], status: int, field: str | None
) -> None:
    with secured.client() as http:
        answer = http.post("/connect/sessions", json=body)
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["message"]
    if field is not None:
        assert error["details"]["fields"] == [field]


def test_the_page_flow_connects_and_the_connection_reports_its_scopes(
    secured: Host, browser: Browser
) -> None:
    token = session_for(secured, "customer-1")["token"]
    started = browser.authorize(token, ["genericContact::list", "genericContact::create"])
    assert started.status_code == 303
    assert started.headers["location"].startswith(f"{secured.sandbox_url}/oauth/authorize?")
    with secured.client() as http:  # nothing changes before the customer consents
        assert http.get("/connections/customer-1").status_code == 404
    back = browser.callback(consent(started.headers["location"]))
    assert back.status_code == 303
    location = httpx.URL(back.headers["location"])
    assert location.path == "/connect" and location.params["result"] == "connected"
    assert location.params["session"] != token  # a fresh session, minted server side
    with page_client(secured) as page:
        shown = page.get(str(location))
    assert 'id="connection-state">Connected<' in shown.text
    with secured.client() as http:
        status = http.get("/connections/customer-1").json()
        listed = http.get("/resources/genericContact", headers={"x-owner-id": "customer-1"})
    assert listed.status_code == 200
    assert status["operations"] == ["genericContact::list", "genericContact::create"]
    assert status["requiredScopes"] == ["contacts:read", "contacts:write"]
    assert status["verifiedScopes"] == ["contacts:read"] and status["missingScopes"] == []
    assert status["unverifiedScopes"] == ["contacts:write"]  # never probed with a write
    assert status["token"]["status"] == "valid" and status["company"].startswith("cmp_")
    assert "access_token" not in str(status) and "sbx_" not in str(status)


def test_a_refusal_at_front_comes_back_to_the_page_and_its_state_is_spent(
    secured: Host, sandbox_consent: None, browser: Browser
) -> None:
    token = session_for(secured, "customer-2")["token"]
    started = browser.authorize(token, OFFERED)
    denied = consent(started.headers["location"], "deny")
    assert denied.params["error"] == "access_denied"
    back = browser.callback(denied)
    location = httpx.URL(back.headers["location"])
    assert back.status_code == 303 and location.params["error"] == "access_denied"
    assert location.params["session"] == token  # back to its own page: no session is minted
    shown = browser.open(str(location))
    assert "You declined the authorization" in shown.text and 'role="alert"' in shown.text
    assert 'id="authorize-button"' in shown.text  # the customer can try again
    again = browser.callback(denied)  # the same state once more
    location = httpx.URL(again.headers["location"])
    assert location.params["error"] == "state_reused" and "session" not in location.params
    with page_client(secured) as page:
        shown = page.get(str(location))
    assert shown.status_code == 400 and "already used" in shown.text


def test_a_reused_state_of_a_page_flow_is_refused_on_the_page(
    secured: Host, browser: Browser
) -> None:
    token = session_for(secured, "customer-3")["token"]
    redirect = consent(browser.authorize(token, OFFERED).headers["location"])
    assert httpx.URL(browser.callback(redirect).headers["location"]).params["result"]
    reused = httpx.URL(browser.callback(redirect).headers["location"])
    assert reused.params["error"] == "state_reused" and "session" not in reused.params


def test_the_json_callback_is_unchanged_for_an_api_started_authorization(secured: Host) -> None:
    with secured.client() as http:
        created = http.post("/connections/api-owner", json={"operations": OFFERED}).json()
    back = foreign_callback(secured, consent(created["authorizationUrl"]))
    assert back.status_code == 200 and back.json() == {"ownerId": "api-owner", "authorized": True}


@pytest.mark.parametrize(
    ("form", "status", "words"),
    [
        ([("action", "authorize"), ("operation", "genericContact::list")], 401, "needs a"),
        ([("session", "x.y"), ("action", "authorize")], 401, "not valid"),
        ([("session", "{token}"), ("action", "authorize")], 400, "at least one kind of data"),
        ([("session", "{token}"), ("action", "authorize"), ("model", "genericUser")],
         400, "at least one kind of data"),
        ([("session", "{token}"), ("action", "authorize"), ("operation", "genericUser::list")],
         403, "does not offer genericUser::list"),
        ([("session", "{token}"), ("action", "explode")], 400, "Unknown action"),
    ],
)  # fmt: skip
def test_the_form_refuses_with_a_page_saying_why(
    secured: Host, form: list[tuple[str, str]], status: int, words: str
) -> None:
    token = session_for(secured, "customer-4")["token"]
    answer = post_form(secured, [(k, v.replace("{token}", token)) for k, v in form])
    assert answer.status_code == status, answer.text
    assert words in answer.text and 'role="alert"' in answer.text
    with secured.client() as http:  # nothing was connected
        assert http.get("/connections/customer-4").status_code == 404


def test_the_form_must_be_urlencoded(secured: Host) -> None:
    with page_client(secured) as page:
        answer = page.post("/connect", json={"session": "x"})
    assert answer.status_code == 400 and "x-www-form-urlencoded" in answer.text


def test_a_session_for_another_owner_is_refused_on_an_owner_page(secured: Host) -> None:
    path = session_for(secured, "customer-5")["path"]
    with page_client(secured) as page:
        mine = page.get(path.replace("/connect?", "/connect/customer-5?"))
        theirs = page.get(path.replace("/connect?", "/connect/customer-6?"))
    assert mine.status_code == 200
    assert theirs.status_code == 403 and "another account" in theirs.text


def test_disconnect_revokes_and_deletes_the_tokens(secured: Host) -> None:
    with secured.client() as http:
        done = http.delete("/connections/acme").json()
        after = http.get("/resources/genericContact", params={"limit": 1})
        status = http.get("/connections/acme")
    assert done == {
        "ownerId": "acme",
        "disconnected": True,
        "revoked": True,
        "tokensDeleted": True,
        "message": "the tokens were revoked at Front and deleted",
    }
    assert after.status_code == 401 and status.status_code == 404


def test_without_a_revocation_endpoint_disconnect_says_so(make_host: HostFactory) -> None:
    with make_host(revoke_url=None) as host, host.client() as http:
        done = http.delete("/connections/acme").json()
    assert done["revoked"] is False and done["tokensDeleted"] is True
    assert "no token revocation endpoint" in done["message"]


def test_the_page_disconnects_an_owner(secured: Host, browser: Browser) -> None:
    token = session_for(secured, "acme", ["genericContact::list"])["token"]
    shown = browser.open("/connect", session=token)
    assert 'id="connection-state">Connected<' in shown.text
    done = browser.post([("session", token), ("action", "disconnect")])
    assert httpx.URL(done.headers["location"]).params["result"] == "revoked"
    with secured.client() as http:
        assert http.get("/connections/acme").status_code == 404


def test_a_scope_front_refuses_is_found_right_after_the_callback(
    secured: Host, browser: Browser
) -> None:
    config = f"{secured.sandbox_url}/_sandbox/config"
    httpx.post(config, json={"granted_scopes": ["contacts:read"]}, timeout=10)
    try:
        token = session_for(secured, "customer-7")["token"]
        redirect = consent(browser.authorize(token, OFFERED).headers["location"])
        location = browser.callback(redirect).headers["location"]
        shown = browser.open(location)
    finally:
        httpx.post(config, json={"granted_scopes": None}, timeout=10)
    assert 'id="missing-scopes"' in shown.text and "<code>accounts:read</code>" in shown.text
    with secured.client() as http:
        status = http.get("/connections/customer-7").json()
    assert status["missingScopes"] == ["accounts:read"]
    assert status["verifiedScopes"] == ["contacts:read"]
    assert status["unverifiedScopes"] == ["contacts:write"]


def test_an_older_state_table_gains_the_origin_column(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute(
            "CREATE TABLE oauth_states (state_hash TEXT PRIMARY KEY, owner_id TEXT NOT NULL,"
            " expires_at REAL NOT NULL, used_at REAL)"
        )
    database = LazyDatabase(str(path))
    store = DatabaseStateStore(database)

    async def run() -> tuple[str | None, str]:
        try:
            state = await store.issue("o", '{"page": "connect"}')
            return await store.origin(state), (await store.consume(state)).owner_id
        finally:
            await database.close()

    assert asyncio.run(run()) == ('{"page": "connect"}', "o")


def test_front_unreachable_at_the_callback_is_said_on_the_page(
    secured: Host, browser: Browser
) -> None:
    token = session_for(secured, "customer-8")["token"]
    redirect = consent(browser.authorize(token, OFFERED).headers["location"])
    fault = {"kind": "drop", "path": "/oauth/token", "method": "POST"}
    httpx.post(f"{secured.sandbox_url}/_sandbox/faults", json=fault, timeout=10)
    location = httpx.URL(browser.callback(redirect).headers["location"])
    assert location.params["error"] == "front_unreachable" and location.params["session"] == token
    shown = browser.open(str(location))
    assert "could not be reached" in shown.text and 'role="alert"' in shown.text
    assert 'id="connection-state"' not in shown.text  # the operations waited, unapplied
    with secured.client() as http:
        assert http.get("/connections/customer-8").status_code == 404


def test_the_page_names_the_front_company_learnt_at_the_callback_without_asking_again(
    secured: Host, browser: Browser
) -> None:
    token = session_for(secured, "customer-10")["token"]
    browser.callback(consent(browser.authorize(token, OFFERED).headers["location"]))
    with secured.client() as http:
        status = http.get("/connections/customer-10").json()
    assert (status["company"], status["companyName"]) == ("cmp_s001", "Larkspur Outfitters")
    httpx.delete(f"{secured.sandbox_url}/_sandbox/requests", timeout=10)
    for _ in range(3):  # page views read the stored name: no request to Front for it
        shown = browser.open("/connect", session=token)
        assert '<strong id="company-name">Larkspur Outfitters</strong>' in shown.text
    asked = httpx.get(f"{secured.sandbox_url}/_sandbox/requests", timeout=10).json()
    assert [entry for entry in asked if entry["path"] == "/me"] == []
