"""Faults on request: injected 5xx, 429 bursts, slow and late answers, dropped connections."""

from __future__ import annotations

import time

import httpx
import pytest


def test_status_fault_hits_the_next_n_matching_requests(
    client: httpx.Client, admin: httpx.Client
) -> None:
    fault = admin.post(
        "/faults", json={"path": "/contacts", "kind": "status", "status": 502, "count": 2}
    )
    assert fault.status_code == 201
    assert [client.get("/contacts").status_code for _ in range(3)] == [502, 502, 200]
    assert client.get("/me").status_code == 200


def test_fault_answer_is_a_front_error_with_rate_headers(
    client: httpx.Client, admin: httpx.Client
) -> None:
    admin.post("/faults", json={"path": "/me", "kind": "status"})
    answer = client.get("/me")
    assert answer.status_code == 503
    assert answer.json()["_error"]["status"] == 503
    assert "x-ratelimit-remaining" in answer.headers


def test_method_filter_and_prefix_paths(client: httpx.Client, admin: httpx.Client) -> None:
    admin.post(
        "/faults", json={"method": "patch", "path": "/contacts/*", "kind": "status", "status": 500}
    )
    assert client.get("/contacts/crd_s001").status_code == 200
    assert client.patch("/contacts/crd_s001", json={"name": "X"}).status_code == 500
    assert client.patch("/contacts/crd_s001", json={"name": "X"}).status_code == 204


def test_rate_limit_burst_fault(client: httpx.Client, admin: httpx.Client) -> None:
    admin.post(
        "/faults", json={"path": "/contacts", "kind": "rate_limit", "count": 2, "retry_after": 0.2}
    )
    first, second, third = (client.get("/contacts") for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (429, 429, 200)
    assert first.headers["retry-after"] == "0.2"
    assert first.json()["_error"]["status"] == 429
    assert admin.get("/stats").json()["rate_limited"] == 2


def test_slow_fault_delays_the_answer(client: httpx.Client, admin: httpx.Client) -> None:
    admin.post("/faults", json={"path": "/me", "kind": "slow", "delay": 0.3})
    started = time.monotonic()
    assert client.get("/me").status_code == 200
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    client.get("/me")
    assert time.monotonic() - started < 0.3


def test_late_fault_serves_the_request_and_holds_its_answer_back(
    oauth: object, anon: httpx.Client, admin: httpx.Client
) -> None:
    refresh_token = oauth.tokens()["refresh_token"]  # type: ignore[attr-defined]
    admin.post("/faults", json={"path": "/oauth/token", "kind": "late", "delay": 30})
    with pytest.raises(httpx.TimeoutException):  # the client gives up long before 30 s
        anon.post(
            "/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": refresh_token},
            auth=(oauth.client_id, oauth.client_secret),  # type: ignore[attr-defined]
            timeout=0.5,
        )
    assert admin.get("/stats").json()["grants"]["refresh_token"] == 1  # served: rotated
    again = oauth.refresh(refresh_token)  # type: ignore[attr-defined]
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_drop_fault_closes_the_connection_without_an_answer(
    client: httpx.Client, admin: httpx.Client
) -> None:
    admin.post("/faults", json={"path": "/contacts", "kind": "drop"})
    with pytest.raises(httpx.TransportError):
        client.get("/contacts")
    assert client.get("/contacts").status_code == 200
    journal = admin.get("/requests").json()
    assert [entry["status"] for entry in journal] == [None, 200]


def test_faults_apply_to_the_token_endpoint(
    oauth: object, anon: httpx.Client, admin: httpx.Client
) -> None:
    admin.post(
        "/faults", json={"method": "POST", "path": "/oauth/token", "kind": "status", "status": 503}
    )
    code = oauth.authorize()  # type: ignore[attr-defined]
    assert oauth.exchange(code).status_code == 503  # type: ignore[attr-defined]
    assert oauth.exchange(code).status_code == 200  # type: ignore[attr-defined]


def test_clearing_and_listing_faults(client: httpx.Client, admin: httpx.Client) -> None:
    admin.post("/faults", json={"path": "/*", "kind": "status", "count": 5})
    assert len(admin.get("/faults").json()) == 1
    assert admin.delete("/faults").status_code == 204
    assert admin.get("/faults").json() == []
    assert client.get("/me").status_code == 200


@pytest.mark.parametrize(
    "spec",
    [
        {"path": "/me", "kind": "explode"},
        {"path": "me", "kind": "status"},
        {"path": "/me", "kind": "status", "count": 0},
        {"path": "/me", "kind": "status", "status": 200},
        {"path": "/me", "kind": "slow", "delay": -1},
    ],
)
def test_bad_fault_specs_are_400(admin: httpx.Client, spec: dict[str, object]) -> None:
    assert admin.post("/faults", json=spec).status_code == 400


def test_in_process_fault_methods(client: httpx.Client, server: object) -> None:
    state = server.state  # type: ignore[attr-defined]
    state.add_fault(path="/me", kind="status", status=504)
    assert client.get("/me").status_code == 504
    state.add_fault({"path": "/me", "kind": "status"})
    assert state.clear_faults() == 1


def _plain(server: object) -> httpx.Client:
    """A client that checks nothing of the answer: cut and truncated bodies are not Front's."""
    return httpx.Client(
        base_url=server.url,  # type: ignore[attr-defined]
        headers={"authorization": "Bearer sandbox-api-token"},
        timeout=10,
    )


def test_rate_limit_without_retry_after_sends_only_the_rate_headers(
    client: httpx.Client, admin: httpx.Client
) -> None:
    spec = {"path": "/contacts", "kind": "rate_limit", "retry_after": None}
    fault = admin.post("/faults", json=spec)
    assert fault.status_code == 201 and fault.json()["retry_after"] is None
    answer = client.get("/contacts")
    assert answer.status_code == 429
    assert "retry-after" not in answer.headers
    assert int(answer.headers["x-ratelimit-reset"]) > 0
    assert answer.json()["_error"]["message"] == "Rate limit exceeded. Please retry later."
    assert client.get("/contacts").status_code == 200


def test_cut_fault_drops_the_connection_mid_body(server: object, admin: httpx.Client) -> None:
    admin.post("/faults", json={"path": "/contacts", "kind": "cut", "keep": 0.3})
    with _plain(server) as plain:
        with plain.stream("GET", "/contacts") as answer:
            assert answer.status_code == 200
            declared = int(answer.headers["content-length"])
            received = bytearray()
            with pytest.raises(httpx.TransportError):
                for chunk in answer.iter_bytes():
                    received += chunk
        assert 0 < len(received) < declared
        assert plain.get("/contacts").status_code == 200
    journal = admin.get("/requests").json()
    assert [entry["status"] for entry in journal] == [200, 200]


def test_truncate_fault_sends_a_well_framed_body_that_ends_early(
    server: object, admin: httpx.Client
) -> None:
    with _plain(server) as plain:
        whole = plain.get("/contacts").content
        admin.post("/faults", json={"path": "/contacts", "kind": "truncate", "keep": 0.5})
        cut = plain.get("/contacts")
        assert cut.status_code == 200
        assert int(cut.headers["content-length"]) == len(cut.content) == len(whole) // 2
        assert whole.startswith(cut.content)
        with pytest.raises(ValueError):
            cut.json()
        assert plain.get("/contacts").content == whole


@pytest.mark.parametrize(
    "spec",
    [
        {"path": "/me", "kind": "cut", "keep": 1},
        {"path": "/me", "kind": "truncate", "keep": -0.5},
        {"path": "/me", "kind": "rate_limit", "retry_after": "soon"},
    ],
)
def test_bad_cut_specs_are_400(admin: httpx.Client, spec: dict[str, object]) -> None:
    assert admin.post("/faults", json=spec).status_code == 400
