"""The `/_sandbox/` control surface and its in-process twin on the state."""

from __future__ import annotations

from typing import Any

import httpx

from connector_front.sandbox import SandboxServer
from tests.limits import loose


def test_requests_journal_lists_api_calls_without_tokens(
    client: httpx.Client, anon: httpx.Client, admin: httpx.Client
) -> None:
    client.get("/contacts", params={"limit": 2})
    anon.get("/me")
    entries = admin.get("/requests").json()
    assert entries == [
        {"method": "GET", "path": "/contacts", "query": "limit=2", "auth": True, "status": 200},
        {"method": "GET", "path": "/me", "query": "", "auth": False, "status": 401},
    ]
    assert admin.delete("/requests").status_code == 204
    assert admin.get("/requests").json() == []


def test_stats_count_requests_and_grants(
    client: httpx.Client, oauth: Any, admin: httpx.Client
) -> None:
    client.get("/me")
    oauth.tokens()
    stats = admin.get("/stats").json()
    assert stats == {
        "grants": {"authorization_code": 1, "refresh_token": 0},
        "refused": {},
        "reused_refresh_tokens": {"successor_used": 0, "successor_unused": 0},
        "requests": 3,  # /me, /oauth/authorize, /oauth/token
        "rate_limited": 0,
        "records": stats["records"],  # below
    }


def test_stats_count_the_records_of_each_collection(
    client: httpx.Client, admin: httpx.Client
) -> None:
    before = admin.get("/stats").json()["records"]
    listed = client.get("/contacts", params={"limit": 100}).json()["_results"]
    assert before["contacts"] == len(listed) > 0
    assert before["teams"] == len(client.get("/teams").json()["_results"]) > 0
    admin.post("/seed/contacts", json={"count": 25})
    admin.post("/seed/teams", json={"count": 2})
    after = admin.get("/stats").json()["records"]
    assert after == {**before, "contacts": before["contacts"] + 25, "teams": before["teams"] + 2}


def test_config_reads_and_changes(admin: httpx.Client) -> None:
    assert admin.get("/config").json()["rate_limit"] == 10000
    changed = admin.post(
        "/config", json={"rate_limit": 50, "granted_scopes": ["contacts:read"]}
    ).json()
    assert changed["rate_limit"] == 50
    assert changed["granted_scopes"] == ["contacts:read"]
    assert admin.post("/config", json={"client_secret": "x"}).status_code == 400
    assert admin.post("/config", json={"rate_limit": -1}).status_code == 400


def test_seed_and_reset(client: httpx.Client, admin: httpx.Client, server: SandboxServer) -> None:
    created = admin.post("/seed/contacts", json={"count": 3}).json()
    assert created["created"] == 3
    assert client.get(f"/contacts/{created['ids'][0]}").status_code == 200
    client.delete("/contacts/crd_s001")
    admin.post("/config", json={"rate_limit": 7})
    assert admin.post("/reset").json() == {"reset": True}
    assert client.get("/contacts/crd_s001").status_code == 200
    assert client.get(f"/contacts/{created['ids'][0]}").status_code == 404
    assert admin.get("/config").json()["rate_limit"] == 10000
    assert server.state.requests()[-1]["path"] == f"/contacts/{created['ids'][0]}"


def test_reset_can_keep_oauth_tokens(oauth: Any, api: Any, admin: httpx.Client) -> None:
    token = oauth.tokens()["access_token"]
    admin.post("/reset", json={"keep_tokens": True})
    assert api(token).get("/me").status_code == 200
    admin.post("/reset")
    assert api(token).get("/me").status_code == 401


def test_state_methods_mirror_the_admin_surface(
    client: httpx.Client, server: SandboxServer
) -> None:
    state = server.state
    state.configure(rate_limit=2)
    client.get("/me")
    client.get("/me")
    assert client.get("/me").status_code == 429
    assert state.stats()["rate_limited"] == 1
    assert len(state.requests()) == 3
    state.clear_requests()
    assert state.requests() == []
    assert len(state.seed_contacts(2)) == 2
    state.reset()
    assert len(state.db.contacts) == 12


def test_clock_advances_on_request_and_returns_on_reset(
    client: httpx.Client, admin: httpx.Client
) -> None:
    start = admin.get("/clock").json()
    assert start["offset"] == 0
    moved = admin.post("/clock", json={"advance": 86400}).json()
    assert moved["offset"] == 86400
    assert moved["now"] >= start["now"] + 86400
    assert int(client.get("/me").headers["x-ratelimit-reset"]) >= start["now"] + 86400
    for bad in (-1, "soon", True, None):
        answer = admin.post("/clock", json={"advance": bad})
        assert answer.status_code == 400
        assert "non-negative number of seconds" in answer.json()["_error"]["message"]
    admin.post("/reset")
    assert admin.get("/clock").json()["offset"] == 0


def test_server_reset_takes_another_config(server: SandboxServer, admin: httpx.Client) -> None:
    server.reset(loose(rate_limit=5, seed=False))
    assert admin.get("/config").json()["rate_limit"] == 5
    assert server.state.db.contacts == {}
    server.reset(loose())
    assert admin.get("/config").json()["rate_limit"] == 10000
    assert len(server.state.db.contacts) == 12


def test_admin_needs_no_auth_and_is_not_journaled(admin: httpx.Client) -> None:
    admin.get("/stats")
    assert admin.get("/requests").json() == []
