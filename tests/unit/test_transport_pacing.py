"""Pacing math: spacing from x-ratelimit-* headers, and a simulated long listing."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from connector_front.store.pacing import MemoryPacingState
from connector_front.transport import Pacer, RateLimitInfo


class FakeTime:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def headers(limit: int, remaining: int, reset: float) -> dict[str, str]:
    return {
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": str(remaining),
        "x-ratelimit-reset": str(reset),
    }


def test_rate_limit_info_needs_all_headers() -> None:
    assert RateLimitInfo.from_headers({}, now=0) is None
    assert RateLimitInfo.from_headers({"x-ratelimit-limit": "5"}, now=0) is None
    info = RateLimitInfo.from_headers(headers(5, 3, 1_700_000_060), now=0)
    assert info == RateLimitInfo(5, 3, 1_700_000_060.0)


def test_no_information_means_no_wait() -> None:
    assert Pacer().delay(0.0) == 0.0


def test_free_above_the_reserve_spread_within_it_wait_at_zero() -> None:
    t = FakeTime()
    pacer = Pacer(reserve=0.2, safety=0.0, clock=t.clock)
    pacer.release(headers(100, 50, t.now + 30))
    assert pacer.delay(t.now) == 0.0
    pacer.remaining = 20  # inside the reserve (20% of 100): spread 20 over the 30 s left
    assert pacer.delay(t.now) == pytest.approx(30 / 21)
    pacer.remaining = 0
    assert pacer.delay(t.now) == pytest.approx(30.0)


def test_window_rollover_restores_the_budget() -> None:
    t = FakeTime()
    pacer = Pacer(safety=0.0, clock=t.clock)
    pacer.release(headers(10, 0, t.now + 5))
    assert pacer.delay(t.now) == pytest.approx(5.0)
    assert pacer.delay(t.now + 5) == 0.0
    assert pacer.remaining == 10


def test_in_flight_requests_are_assumed_counted() -> None:
    t = FakeTime()
    pacer = Pacer(clock=t.clock)
    pacer.in_flight = 4  # this response plus three more still out
    pacer.release(headers(10, 5, t.now + 5))
    assert pacer.remaining == 2


def test_a_late_answer_cannot_raise_the_estimate() -> None:
    t = FakeTime()
    pacer = Pacer(clock=t.clock)
    pacer.release(headers(10, 2, t.now + 5))
    pacer.release(headers(10, 7, t.now + 5))
    assert pacer.remaining == 2


def test_a_429_pauses_everyone() -> None:
    t = FakeTime()
    pacer = Pacer(clock=t.clock)
    pacer.release({"retry-after": "3"}, 429)
    assert pacer.delay(t.now) == pytest.approx(3.0)
    assert pacer.delay(t.now + 3.01) == 0.0


def test_off_never_waits() -> None:
    pacer = Pacer.off()
    pacer.release({"retry-after": "3"}, 429)
    assert pacer.delay(0.0) == 0.0


class FixedWindowServer:
    """Front-like fixed window per token, reset as a whole-second UNIX timestamp."""

    def __init__(self, t: FakeTime, limit: int, window: float) -> None:
        self.t, self.limit, self.window = t, limit, window
        self.started: float | None = None
        self.used = 0
        self.rejected = 0

    def hit(self) -> tuple[int, dict[str, str]]:
        now = self.t.now
        if self.started is None or now >= self.started + self.window:
            self.started, self.used = now, 0
        reset = self.started + self.window
        if self.used >= self.limit:
            self.rejected += 1
            h = headers(self.limit, 0, math.ceil(reset))
            h["retry-after"] = str(max(1, math.ceil(reset - now)))
            return 429, h
        self.used += 1
        return 200, headers(self.limit, self.limit - self.used, math.ceil(reset))


@pytest.mark.parametrize(("limit", "window"), [(5, 2.0), (3, 1.0), (50, 60.0), (120, 60.0)])
async def test_simulated_long_listing_sees_no_429(limit: int, window: float) -> None:
    t = FakeTime()
    pacer = Pacer(clock=t.clock, sleep=t.sleep)
    server = FixedWindowServer(t, limit, window)
    for _ in range(200):
        await pacer.acquire()
        t.now += 0.01  # the request's round trip
        status, h = server.hit()
        pacer.release(h, status)
    assert server.rejected == 0
    # and it is not wastefully slow: at most one window more than the ideal
    ideal = (200 / limit - 1) * window
    assert t.now - 1_700_000_000.0 <= ideal + 2 * window + 200 * 0.01 + 200 / limit * 1.1


async def test_unpaced_listing_would_hit_429s() -> None:
    """Guard for the test above: the simulated server does refuse an unpaced burst."""
    t = FakeTime()
    server = FixedWindowServer(t, 5, 2.0)
    for _ in range(20):
        t.now += 0.01
        server.hit()
    assert server.rejected > 0


def test_a_short_retry_after_is_not_stretched_to_the_window_end() -> None:
    t = FakeTime()
    pacer = Pacer(clock=t.clock)
    h = headers(100, 90, t.now + 60)
    h["retry-after"] = "0.2"
    pacer.release(h, 429)
    assert pacer.delay(t.now) == pytest.approx(0.2)
    assert pacer.delay(t.now + 0.25) == 0.0


def test_a_429_without_retry_after_waits_for_the_reset() -> None:
    t = FakeTime()
    pacer = Pacer(safety=0.0, clock=t.clock)
    pacer.release(headers(100, 90, t.now + 7), 429)
    assert pacer.delay(t.now) == pytest.approx(7.0)


async def test_a_wait_beyond_max_wait_is_not_held() -> None:
    t = FakeTime()
    pacer = Pacer(max_wait=5.0, clock=t.clock, sleep=t.sleep)
    pacer.release(headers(10, 0, t.now + 3600))  # budget gone for an hour
    await pacer.acquire()
    assert t.slept == []  # sent at once: Front's 429 will say how long, and the caller decides


def test_a_late_answer_from_an_ended_window_is_ignored() -> None:
    t = FakeTime()
    pacer = Pacer(safety=0.0, clock=t.clock)
    pacer.release(headers(10, 0, t.now + 1))
    assert pacer.delay(t.now + 1) == 0.0  # the window ended: a full budget again
    assert pacer.remaining == 10
    pacer.release(headers(10, 0, t.now + 1))  # an answer about the old window, late
    assert pacer.remaining == 10


async def test_requests_sent_before_the_first_answer_count_against_the_window() -> None:
    """Pacers sharing a budget send blind until an answer comes: what they sent is spent."""
    t = FakeTime()
    shared = MemoryPacingState()
    one, two = (Pacer(clock=t.clock, sleep=t.sleep, state=shared, key="cmp") for _ in "12")
    for pacer in (one, one, two):
        await pacer.acquire()
    one.release(headers(5, 4, t.now + 1))  # Front has counted one so far
    assert one.remaining == two.remaining == 2  # 5 minus the 3 sent, not 4 - 1


@pytest.mark.parametrize("window", [1.0, 60.0])
async def test_pacers_sharing_a_budget_reach_the_bound_of_an_aligned_window(
    window: float,
) -> None:
    """Three pacers on one budget against a Front-like limit (windows aligned on the clock,
    whole-second resets): no 429, and the listing takes requests / rate, within 5%."""
    t = FakeTime(1_700_000_000.4)
    start = t.now
    limit = 5
    shared = MemoryPacingState()
    pacers = [Pacer(clock=t.clock, sleep=t.sleep, state=shared, key="cmp") for _ in range(3)]
    used: Counter[float] = Counter()
    rejected = 0
    for i in range(300):
        pacer = pacers[i % 3]
        await pacer.acquire()
        began = math.floor(t.now / window) * window
        reset = began + window
        if used[began] >= limit:
            rejected += 1
            pacer.release(headers(limit, 0, reset) | {"retry-after": "1"}, 429)
            continue
        used[began] += 1
        pacer.release(headers(limit, limit - used[began], reset))
    assert rejected == 0
    assert t.now - start <= 1.05 * 300 / (limit / window)


async def test_an_unknown_company_is_asked_for_once_a_while_not_per_request() -> None:
    """``key_of`` (a lookup, often in the database) is not asked before every request."""
    time = FakeTime()
    asked: list[float] = []
    company: str | None = None

    async def key_of() -> str | None:
        asked.append(time.now)
        return company

    pacer = Pacer(clock=time.clock, sleep=time.sleep, key="owner:acme", key_of=key_of)
    for _ in range(10):
        await pacer.acquire()
        pacer.release(None)
    assert len(asked) == 1 and pacer.key == "owner:acme"
    time.now += 61
    company = "company:cmp_1"
    await pacer.acquire()
    pacer.release(None)
    assert len(asked) == 2 and pacer.key == "company:cmp_1"
    time.now += 61
    await pacer.acquire()
    assert len(asked) == 2  # known: never asked again
