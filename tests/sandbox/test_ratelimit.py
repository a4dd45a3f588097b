"""Per-token fixed windows with Front's `x-ratelimit-*` headers and 429 + `retry-after`."""

from __future__ import annotations

import math
import time
from typing import Any

import httpx


def test_every_api_answer_carries_the_headers(client: httpx.Client, anon: httpx.Client) -> None:
    before = time.time()
    answers = (client.get("/me"), client.get("/contacts/crd_missing"), anon.get("/contacts"))
    after = time.time()
    for answer in answers:
        assert answer.headers["x-ratelimit-limit"] == "10000"
        assert int(answer.headers["x-ratelimit-remaining"]) < 10000
        reset = int(answer.headers["x-ratelimit-reset"])
        # the window opened during the requests; its end is rounded up to a whole second
        assert before < reset <= math.ceil(after + 60)


def test_remaining_counts_down(client: httpx.Client) -> None:
    first = int(client.get("/me").headers["x-ratelimit-remaining"])
    second = int(client.get("/me").headers["x-ratelimit-remaining"])
    assert second == first - 1


def test_past_the_limit_is_429_with_retry_after(
    client: httpx.Client, api: Any, admin: httpx.Client
) -> None:
    admin.post("/config", json={"rate_limit": 3, "rate_window": 30})
    statuses = [client.get("/me").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = client.get("/me")
    assert limited.status_code == 429
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert 1 <= int(limited.headers["retry-after"]) <= 30
    assert limited.json()["_error"]["status"] == 429
    # another token has its own window
    assert api("sandbox-api-token-2").get("/me").status_code == 401  # unknown token, own bucket
    assert admin.get("/stats").json()["rate_limited"] == 1


def test_window_resets(client: httpx.Client, admin: httpx.Client) -> None:
    admin.post("/config", json={"rate_limit": 1, "rate_window": 30})
    assert client.get("/me").status_code == 200
    assert client.get("/me").status_code == 429
    admin.post("/clock", json={"advance": 15})
    assert client.get("/me").status_code == 429  # the window is still open
    admin.post("/clock", json={"advance": 15})
    assert client.get("/me").status_code == 200


def test_oauth_endpoints_are_not_rate_limited(oauth: Any, admin: httpx.Client) -> None:
    admin.post("/config", json={"rate_limit": 1})
    for _ in range(3):
        oauth.tokens()
    answer = oauth.refresh(oauth.tokens()["refresh_token"])
    assert answer.status_code == 200
    assert "x-ratelimit-limit" not in answer.headers
