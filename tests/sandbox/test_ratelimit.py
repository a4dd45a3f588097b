"""Per-company fixed windows with Front's `x-ratelimit-*` headers and 429 + `retry-after`."""

from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import Any

import httpx

from connector_front.sandbox import SandboxConfig
from connector_front.sandbox.ratelimit import KEPT_WINDOWS, RateLimiter


def test_every_api_answer_carries_the_headers(client: httpx.Client, anon: httpx.Client) -> None:
    before = time.time()
    answers = (client.get("/me"), client.get("/contacts/crd_missing"), anon.get("/contacts"))
    after = time.time()
    for answer in answers:
        assert answer.headers["x-ratelimit-limit"] == "10000"
        assert int(answer.headers["x-ratelimit-remaining"]) < 10000
        reset = int(answer.headers["x-ratelimit-reset"])  # whole seconds for a 60 s window
        # the clock-aligned minute holding the requests ends at the next whole minute
        assert before < reset <= math.floor(after / 60) * 60 + 60
        assert reset % 60 == 0


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
    # an unknown token is refused on its own budget, not the company's
    assert api("sandbox-api-token-2").get("/me").status_code == 401
    assert admin.get("/stats").json()["rate_limited"] == 1


def to_window_start(admin: httpx.Client, window: float) -> float:
    """Move the sandbox clock to just after the start of a clock-aligned window."""
    now = float(admin.get("/clock").json()["now"])
    admin.post("/clock", json={"advance": math.floor(now / window) * window + window - now + 0.01})
    return float(admin.get("/clock").json()["now"])


def test_window_resets(client: httpx.Client, admin: httpx.Client) -> None:
    admin.post("/config", json={"rate_limit": 1, "rate_window": 30})
    to_window_start(admin, 30)
    assert client.get("/me").status_code == 200
    limited = client.get("/me")
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "30"  # whole seconds to the window's end
    admin.post("/clock", json={"advance": 15})
    assert client.get("/me").status_code == 429  # the window is still open
    admin.post("/clock", json={"advance": 15})
    assert client.get("/me").status_code == 200


def test_the_budget_is_the_company_s_shared_by_every_token(
    server: Any, api: Any, oauth: Any, admin: httpx.Client
) -> None:
    """Front counts per company: a second API token and an OAuth token of the same company
    draw on the budget the first one used."""
    server.reset(config=replace(server.state.base_config, api_tokens={"tok-a", "tok-b"}))
    admin.post("/config", json={"rate_limit": 3, "rate_window": 60})
    to_window_start(admin, 60)
    first, second = api("tok-a"), api("tok-b")
    access = oauth.tokens()["access_token"]
    assert first.get("/me").status_code == 200
    assert second.get("/me").headers["x-ratelimit-remaining"] == "1"
    assert api(access).get("/me").status_code == 200
    limited = second.get("/me")
    assert limited.status_code == 429
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert int(limited.headers["retry-after"]) >= 1


def test_a_fractional_window_resets_at_a_millisecond_timestamp_never_early(
    client: httpx.Client, admin: httpx.Client
) -> None:
    admin.post("/config", json={"rate_limit": 2, "rate_window": 0.3})
    before = float(admin.get("/clock").json()["now"])
    reset = float(client.get("/me").headers["x-ratelimit-reset"])
    after = float(admin.get("/clock").json()["now"])
    assert round(reset, 3) == reset  # to the millisecond
    exact = round(reset / 0.3) * 0.3  # the end of a clock-aligned 0.3 s window
    assert exact <= reset < exact + 0.001  # rounded up, never early
    assert before < reset <= after + 0.3 + 0.001


def test_by_default_the_sandbox_limits_like_front(
    server: Any, client: httpx.Client, admin: httpx.Client
) -> None:
    """120 requests a minute per company, 5 a second per resource, search below the limit."""
    server.reset(config=SandboxConfig())
    settings = admin.get("/config").json()
    assert (settings["rate_limit"], settings["rate_window"]) == (120, 60)
    assert (settings["burst_limit"], settings["search_share"]) == (5, 0.4)
    assert client.get("/me").headers["x-ratelimit-limit"] == "120"


def frozen_at_a_window_start(server: Any, admin: httpx.Client, window: float) -> None:
    """The sandbox's clock stopped just after a window (and a whole second) begins."""
    to_window_start(admin, window)
    server.state.clock.freeze()


def test_a_resource_takes_five_requests_a_second(
    server: Any, client: httpx.Client, admin: httpx.Client
) -> None:
    """Front's burst limit: the sixth request to one conversation within a second is refused
    (and counted against nothing); other resources and other endpoints go on."""
    server.reset(config=SandboxConfig())
    frozen_at_a_window_start(server, admin, 60)
    statuses = [client.get("/conversations/cnv_s001").status_code for _ in range(5)]
    remaining = int(client.get("/me").headers["x-ratelimit-remaining"])
    refused = client.get("/conversations/cnv_s001/messages")
    assert statuses == [200] * 5
    assert refused.status_code == 429
    assert 0 < float(refused.headers["retry-after"]) <= 1
    assert int(refused.headers["x-ratelimit-remaining"]) == remaining  # not counted
    assert client.get("/conversations/cnv_s002").status_code == 200
    assert client.get("/contacts").status_code == 200
    admin.post("/clock", json={"advance": 1})
    assert client.get("/conversations/cnv_s001").status_code == 200


def test_search_takes_at_most_its_share_of_the_company_limit(
    server: Any, client: httpx.Client, admin: httpx.Client
) -> None:
    server.reset(config=SandboxConfig(rate_limit=10, burst_limit=None))
    frozen_at_a_window_start(server, admin, 60)
    searches = [client.get("/conversations/search/hello").status_code for _ in range(5)]
    assert searches == [200] * 4 + [429]  # 40% of 10
    assert client.get("/conversations").status_code == 200
    admin.post("/clock", json={"advance": 60})
    assert client.get("/conversations/search/hello").status_code == 200


def test_ended_windows_are_forgotten_once_many_are_kept() -> None:
    """A burst window per conversation asked for: the ended ones do not pile up."""
    limiter = RateLimiter()
    for n in range(KEPT_WINDOWS):
        limiter.hit(f"company:burst:conversations/cnv_{n}", 5, 1.0, now=100.0)
    assert len(limiter) == KEPT_WINDOWS
    limiter.hit("company", 120, 60.0, now=100.5)
    assert len(limiter) == KEPT_WINDOWS + 1  # none has ended yet: none dropped
    limiter.hit("company:burst:conversations/cnv_new", 5, 1.0, now=101.5)
    assert len(limiter) == 2  # the company's minute and the new second
