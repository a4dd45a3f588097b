"""Pacing math: spacing from x-ratelimit-* headers, and a simulated long listing."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from connector_front.store.pacing import Budget, MemoryPacingState
from connector_front.transport import BACKGROUND, LANES, LaneRules, Pacer, RateLimitInfo
from connector_front.transport.pacing import take_turn, wait_for
from tests.clock import FakeClock


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


def test_background_lanes_leave_the_reserve_to_interactive_requests(clock: FakeClock) -> None:
    pacer = Pacer(rules=LaneRules(reserve=0.2, safety=0.0), clock=clock)
    pacer.release(headers(100, 50, clock.now + 30))
    assert pacer.delay(clock.now, "events") == 0.0
    pacer.remaining = 21  # one above the reserve (20% of 100)
    assert pacer.delay(clock.now, "sync") == 0.0
    pacer.remaining = 20  # the reserve: background waits for the next window
    for background in BACKGROUND:
        assert pacer.delay(clock.now, background) == pytest.approx(30.0)
    assert pacer.delay(clock.now, "interactive") == 0.0
    pacer.remaining = 0
    assert pacer.delay(clock.now, "interactive") == pytest.approx(30.0)


@pytest.mark.parametrize(
    ("limit", "reserve", "background_may_spend"),
    [(120, 0.2, 96), (5, 0.2, 4), (1, 0.2, 1), (10, 0.0, 10)],
)
def test_the_reserve_is_a_whole_number_of_requests_below_the_share(
    limit: int, reserve: float, background_may_spend: int
) -> None:
    budget = Budget(limit=limit, remaining=limit, reset_at=100.0)
    rules = LaneRules(reserve=reserve)
    spent = 0
    while wait_for(budget, 0.0, "backfill", rules) == 0.0:
        budget.remaining = (budget.remaining or 0) - 1
        spent += 1
    assert spent == background_may_spend


def test_a_429_after_background_work_pauses_background_lanes_only(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock)
    pacer.release(headers(100, 60, clock.now + 60) | {"retry-after": "2"}, 429, "events")
    assert pacer.delay(clock.now, "interactive") == 0.0
    assert pacer.delay(clock.now, "sync") == pytest.approx(2.0)
    assert pacer.delay(clock.now + 2.01, "sync") == 0.0


def test_a_429_after_interactive_work_pauses_every_lane(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock)
    pacer.release(headers(100, 60, clock.now + 60) | {"retry-after": "2"}, 429, "interactive")
    for lane in LANES:
        assert pacer.delay(clock.now, lane) == pytest.approx(2.0)


def test_an_interactive_request_waiting_makes_background_lanes_yield() -> None:
    """Both wait for the window's end; at the reset the interactive one goes, background lanes
    hold back the yield gap."""
    rules = LaneRules(reserve=0.2, safety=0.0, yield_gap=0.25)
    budget = Budget(limit=10, remaining=0, reset_at=105.0)
    wait, _ = take_turn(budget, now=100.0, lane="interactive", seen=[], rules=rules, max_wait=65)
    assert wait == pytest.approx(5.0)
    assert budget.interactive_waiting_until == pytest.approx(105.25)
    assert budget.spent == 0  # waiting is not sending
    background, _ = take_turn(budget, now=105.0, lane="events", seen=[], rules=rules, max_wait=65)
    assert background == pytest.approx(0.25)
    interactive, _ = take_turn(
        budget, now=105.0, lane="interactive", seen=[], rules=rules, max_wait=65
    )
    assert interactive == 0.0
    assert (budget.remaining, budget.spent) == (9, 1)
    later, _ = take_turn(budget, now=105.25, lane="events", seen=[], rules=rules, max_wait=65)
    assert later == 0.0


def test_a_background_request_waiting_does_not_hold_interactive_ones_back() -> None:
    rules = LaneRules(reserve=0.2, safety=0.0)
    budget = Budget(limit=10, remaining=2, reset_at=105.0)
    wait, _ = take_turn(budget, now=100.0, lane="sync", seen=[], rules=rules, max_wait=65)
    assert wait == pytest.approx(5.0)
    assert budget.interactive_waiting_until == 0.0
    assert (
        take_turn(budget, now=100.0, lane="interactive", seen=[], rules=rules, max_wait=65)[0] == 0
    )


def test_window_rollover_restores_the_budget(clock: FakeClock) -> None:
    pacer = Pacer(rules=LaneRules(safety=0.0), clock=clock)
    pacer.release(headers(10, 0, clock.now + 5))
    assert pacer.delay(clock.now) == pytest.approx(5.0)
    assert pacer.delay(clock.now + 5) == 0.0
    assert pacer.remaining == 10


def test_in_flight_requests_are_assumed_counted(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock)
    pacer.in_flight = 4  # this response plus three more still out
    pacer.release(headers(10, 5, clock.now + 5))
    assert pacer.remaining == 2


def test_a_new_limit_is_trusted_within_the_window(clock: FakeClock) -> None:
    """Front raised the company's limit (a plan change): its count of what is left holds."""
    pacer = Pacer(clock=clock)
    pacer.release(headers(120, 20, clock.now + 30))
    pacer.release(headers(10_000, 9_880, clock.now + 30))
    assert (pacer.limit, pacer.remaining, pacer.reset_at) == (10_000, 9_880, clock.now + 30)
    assert pacer.delay(clock.now, "backfill") == 0.0
    assert pacer.delay(clock.now + 31, "backfill") == 0.0  # the window ended: a full budget
    pacer.release(headers(120, 119, clock.now + 91))  # back to 120 as the next window began
    assert (pacer.limit, pacer.remaining, pacer.reset_at) == (120, 119, clock.now + 91)


def test_a_late_answer_cannot_raise_the_estimate(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock)
    pacer.release(headers(10, 2, clock.now + 5))
    pacer.release(headers(10, 7, clock.now + 5))
    assert pacer.remaining == 2


def test_a_429_pauses_every_lane_for_its_retry_after(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock)
    pacer.release({"retry-after": "3"}, 429)
    assert pacer.delay(clock.now) == pytest.approx(3.0)
    assert pacer.delay(clock.now + 3.01) == 0.0


def test_off_never_waits() -> None:
    pacer = Pacer.off()
    pacer.release({"retry-after": "3"}, 429)
    assert pacer.delay(0.0) == 0.0


class FixedWindowServer:
    """Front-like fixed window per token, reset as a whole-second UNIX timestamp."""

    def __init__(self, t: FakeClock, limit: int, window: float) -> None:
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
async def test_simulated_long_listing_sees_no_429(
    limit: int, window: float, clock: FakeClock
) -> None:
    start = clock.now
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    server = FixedWindowServer(clock, limit, window)
    for _ in range(200):
        await pacer.acquire()
        clock.now += 0.01  # the request's round trip
        status, h = server.hit()
        pacer.release(h, status)
    assert server.rejected == 0
    # and it is not wastefully slow: at most one window more than the ideal
    ideal = (200 / limit - 1) * window
    assert clock.now - start <= ideal + 2 * window + 200 * 0.01 + 200 / limit * 1.1


async def test_unpaced_listing_would_hit_429s(clock: FakeClock) -> None:
    """Guard for the test above: the simulated server does refuse an unpaced burst."""
    server = FixedWindowServer(clock, 5, 2.0)
    for _ in range(20):
        clock.now += 0.01
        server.hit()
    assert server.rejected > 0


def test_a_short_retry_after_is_not_stretched_to_the_window_end(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock)
    h = headers(100, 90, clock.now + 60)
    h["retry-after"] = "0.2"
    pacer.release(h, 429)
    assert pacer.delay(clock.now) == pytest.approx(0.2)
    assert pacer.delay(clock.now + 0.25) == 0.0


def test_a_429_without_retry_after_waits_for_the_reset(clock: FakeClock) -> None:
    pacer = Pacer(rules=LaneRules(safety=0.0), clock=clock)
    pacer.release(headers(100, 90, clock.now + 7), 429)
    assert pacer.delay(clock.now) == pytest.approx(7.0)


async def test_a_wait_beyond_max_wait_is_not_held(clock: FakeClock) -> None:
    pacer = Pacer(max_wait=5.0, clock=clock, sleep=clock.sleep)
    pacer.release(headers(10, 0, clock.now + 3600))  # budget gone for an hour
    await pacer.acquire()
    assert clock.slept == []  # sent at once: Front's 429 will say how long, and the caller decides


def test_a_late_answer_from_an_ended_window_is_ignored(clock: FakeClock) -> None:
    pacer = Pacer(rules=LaneRules(safety=0.0), clock=clock)
    pacer.release(headers(10, 0, clock.now + 1))
    assert pacer.delay(clock.now + 1) == 0.0  # the window ended: a full budget again
    assert pacer.remaining == 10
    pacer.release(headers(10, 0, clock.now + 1))  # an answer about the old window, late
    assert pacer.remaining == 10


async def test_requests_sent_before_the_first_answer_count_against_the_window(
    clock: FakeClock,
) -> None:
    """Pacers sharing a budget send blind until an answer comes: what they sent is spent."""
    shared = MemoryPacingState()
    one, two = (Pacer(clock=clock, sleep=clock.sleep, state=shared, key="cmp") for _ in "12")
    for pacer in (one, one, two):
        await pacer.acquire()
    one.release(headers(5, 4, clock.now + 1))  # Front has counted one so far
    assert one.remaining == two.remaining == 2  # 5 minus the 3 sent, not 4 - 1


@pytest.mark.parametrize("window", [1.0, 60.0])
async def test_pacers_sharing_a_budget_reach_the_bound_of_an_aligned_window(
    window: float,
    clock: FakeClock,
) -> None:
    """Three pacers on one budget against a Front-like limit (windows aligned on the clock,
    whole-second resets): no 429, and the listing takes requests / rate, within 5%."""
    clock.now = 1_700_000_000.4
    start = clock.now
    limit = 5
    shared = MemoryPacingState()
    pacers = [Pacer(clock=clock, sleep=clock.sleep, state=shared, key="cmp") for _ in range(3)]
    used: Counter[float] = Counter()
    rejected = 0
    for i in range(300):
        pacer = pacers[i % 3]
        await pacer.acquire()
        began = math.floor(clock.now / window) * window
        reset = began + window
        if used[began] >= limit:
            rejected += 1
            pacer.release(headers(limit, 0, reset) | {"retry-after": "1"}, 429)
            continue
        used[began] += 1
        pacer.release(headers(limit, limit - used[began], reset))
    assert rejected == 0
    assert clock.now - start <= 1.05 * 300 / (limit / window)


async def test_an_unknown_company_is_asked_for_once_a_while_not_per_request(
    clock: FakeClock,
) -> None:
    """``key_of`` (a lookup, often in the database) is not asked before every request."""
    asked: list[float] = []
    company: str | None = None

    async def key_of() -> str | None:
        asked.append(clock.now)
        return company

    pacer = Pacer(clock=clock, sleep=clock.sleep, key="owner:acme", key_of=key_of)
    for _ in range(10):
        await pacer.acquire()
        pacer.release(None)
    assert len(asked) == 1 and pacer.key == "owner:acme"
    clock.now += 61
    company = "company:cmp_1"
    await pacer.acquire()
    pacer.release(None)
    assert len(asked) == 2 and pacer.key == "company:cmp_1"
    clock.now += 61
    await pacer.acquire()
    assert len(asked) == 2  # known: never asked again
