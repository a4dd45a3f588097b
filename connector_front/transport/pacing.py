"""Client-side pacing from Front's ``x-ratelimit-*`` headers, so long listings avoid 429s and
a customer's call never waits behind background work.

Front's budget is per company: every connection of a company, in every worker, spends the
same one. Requests go in lanes (``lanes.py``): background lanes keep a reserve of each window
for the interactive one and yield to it. The rules are pure functions of a budget
(:func:`learn`, :func:`wait_for`, :func:`take_turn`) beside the :class:`Pacer` that holds one.

A :class:`Pacer` keeps what it learns in a :class:`PacingState` under a key (the company), so
pacers sharing a state and a key share the budget: in this process by default
(``MemoryPacingState``), across workers through the database (``DatabasePacingState``).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace

import httpx

from connector_front import observe
from connector_front.observe.signals import BudgetSeen, BudgetWaited
from connector_front.store.pacing import Budget, MemoryPacingState, PacingState
from connector_front.transport.lanes import BACKGROUND, LANES, Lane
from connector_front.transport.retry import parse_reset, parse_retry_after

logger = logging.getLogger("connector_front.transport")

SAME_WINDOW = 0.1
"""Two resets this close (seconds) name the same window."""
UNKNOWN_RESET_WAIT = 0.1
"""Pause when the budget is spent and the window's end is not known yet (answers in flight
will tell it)."""

KeySource = Callable[[], Awaitable[str | None]]
KEY_ASK_INTERVAL = 60.0
"""Seconds between two asks of ``key_of`` while it does not know the key (a lookup, often
in the database, is not made for every request)."""


@dataclass(frozen=True)
class RateLimitInfo:
    """One response's view of the rate-limit window."""

    limit: int
    remaining: int
    reset_at: float

    @classmethod
    def from_headers(
        cls, headers: Mapping[str, str] | httpx.Headers, *, now: float
    ) -> RateLimitInfo | None:
        try:
            limit = int(float(headers["x-ratelimit-limit"]))
            remaining = int(float(headers["x-ratelimit-remaining"]))
        except (KeyError, ValueError, OverflowError):  # missing, not a number, infinite
            return None
        reset_at = parse_reset(headers.get("x-ratelimit-reset"), now=now)
        if reset_at is None or limit <= 0:
            return None
        return cls(limit=limit, remaining=max(0, remaining), reset_at=reset_at)


@dataclass(frozen=True)
class Observation:
    """What one answer taught, waiting to be written to a shared budget."""

    info: RateLimitInfo | None
    in_flight: int
    """This pacer's requests still out when the answer came (Front may have counted them)."""
    pause_until: float | None = None
    """A 429's ``retry-after`` as an epoch time."""
    exhausted: bool = False
    """A 429 without ``retry-after``: nothing left until the reset."""
    background: bool = False
    """The answer was to background work: its 429 pauses background lanes only."""


def learn(budget: Budget, seen: Observation) -> None:
    """Fold one answer into ``budget``."""
    info = seen.info
    if info is not None:
        # Requests still in flight may already have been counted by Front: assume they were.
        estimate = max(0, info.remaining - seen.in_flight)
        known_limit, budget.limit = budget.limit, info.limit
        stale = budget.stale_before
        if stale is not None and info.reset_at <= stale + SAME_WINDOW:
            pass  # a late answer from a window that has already ended
        elif known_limit is not None and info.limit != known_limit:
            # The limit itself changed (a plan): Front's view of the window holds.
            budget.reset_at, budget.remaining = info.reset_at, estimate
            budget.spent = info.limit - estimate
        elif budget.reset_at is None:
            # The first answer of a window: what was let out since it began is spent.
            budget.reset_at = info.reset_at
            budget.remaining = max(0, min(info.limit - budget.spent, estimate))
        elif info.reset_at > budget.reset_at + SAME_WINDOW:
            # Front's window turned before ours did (the clocks differ): trust Front.
            budget.stale_before = budget.reset_at
            budget.reset_at = info.reset_at
            budget.remaining = estimate
            budget.spent = info.limit - estimate
        elif info.reset_at >= budget.reset_at - SAME_WINDOW:
            current = budget.remaining if budget.remaining is not None else estimate
            budget.remaining = min(current, estimate)
    if seen.pause_until is not None and seen.background:
        budget.background_paused_until = max(budget.background_paused_until, seen.pause_until)
    elif seen.pause_until is not None:
        budget.paused_until = max(budget.paused_until, seen.pause_until)
    elif seen.exhausted:
        budget.remaining = 0


@dataclass(frozen=True)
class LaneRules:
    """How the lanes share a company's budget."""

    reserve: float = 0.2
    """Share of each window's limit background lanes never spend: the interactive lane's."""
    safety: float = 0.05
    """Seconds past a window's reset before its budget counts as renewed."""
    yield_gap: float = 0.25
    """Seconds background lanes hold back after an interactive request's planned send, so it
    goes first."""

    def __post_init__(self) -> None:
        if not 0 <= self.reserve < 1:
            raise ValueError("reserve must be within [0, 1)")


def roll_over(budget: Budget, now: float, safety: float) -> None:
    """Once the window we knew has ended: a full budget until an answer says more."""
    if budget.reset_at is not None and now >= budget.reset_at + safety:
        budget.stale_before, budget.reset_at = budget.reset_at, None
        budget.remaining, budget.spent = budget.limit, 0


def wait_for(budget: Budget, now: float, lane: Lane, rules: LaneRules) -> float:
    """Seconds a request of ``lane`` should wait at ``now`` (0 = send now); no I/O, no clock.

    Every lane waits out a pause and an empty window; background lanes also wait while only
    the reserve is left, while a 429 of background work pauses them, and while an interactive
    request waits (it goes first).
    """
    background = lane in BACKGROUND
    paused = budget.paused_until
    if background:
        paused = max(paused, budget.background_paused_until, budget.interactive_waiting_until)
    if paused > now:
        return paused - now
    limit, remaining = budget.limit, budget.remaining
    if remaining is None or limit is None:
        return 0.0
    floor = math.floor(limit * rules.reserve) if background else 0
    if remaining > floor:
        return 0.0
    if budget.reset_at is None:
        return UNKNOWN_RESET_WAIT  # answers in flight will tell the window's end
    return max(0.0, budget.reset_at + rules.safety - now)


def take_turn(
    budget: Budget,
    *,
    now: float,
    lane: Lane,
    seen: list[Observation],
    rules: LaneRules,
    max_wait: float,
) -> tuple[float, Budget]:
    """One atomic step on the shared budget: fold in answers, then either let this request out
    (counting it) and answer 0, or answer how long to wait (an interactive request says it is
    waiting, so background lanes yield); with a copy of the budget as it was left."""
    for observation in seen:
        learn(budget, observation)
    roll_over(budget, now, rules.safety)
    wait = wait_for(budget, now, lane, rules)
    if 0 < wait <= max_wait and lane not in BACKGROUND:
        ready = now + wait + rules.yield_gap
        budget.interactive_waiting_until = max(budget.interactive_waiting_until, ready)
    if wait <= 0 or wait > max_wait:
        if budget.remaining is not None:
            budget.remaining -= 1
        budget.spent += 1
    return wait, replace(budget)


class Pacer:
    """Spaces requests to stay under Front's limit, on a budget shared by key, in lanes.

    Requests go out freely while the window has budget; with none left they wait for the
    reset (plus ``rules.safety`` seconds). Background lanes (events, sync, backfill) leave the
    window's last ``rules.reserve`` share to interactive requests and yield to one that waits.
    A 429 pauses the lanes for its ``retry-after``: background lanes only, when background work
    caused it.

    ``state`` and ``key`` say whose budget this is: by default a budget of this pacer alone.
    ``key_of`` names the key when it is known only later (the connection's Front company);
    until it answers, ``key`` is used, and it is asked again every ``KEY_ASK_INTERVAL`` s.
    """

    def __init__(
        self,
        *,
        rules: LaneRules | None = None,
        max_wait: float = 65.0,
        enabled: bool = True,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        state: PacingState | None = None,
        key: str = "default",
        key_of: KeySource | None = None,
    ) -> None:
        self.rules = rules or LaneRules()
        self.max_wait = max_wait
        """Longest pause worth holding a request for; beyond it the request goes out anyway."""
        self.enabled = enabled
        self._clock = clock
        self._sleep = sleep
        self._key_lock = asyncio.Lock()
        self.state: PacingState = state if state is not None else MemoryPacingState()
        self.key = key
        self._key_of = key_of
        self._key_asked_at: float | None = None
        self._pending: list[Observation] = []
        self.view = self.state.local(key) or Budget()
        """The budget as last seen (the live one when the state is in this process)."""
        self.in_flight = 0
        self.waited: dict[Lane, float] = dict.fromkeys(LANES, 0.0)
        """Seconds requests of each lane spent waiting here (for benchmarks, tests, logs)."""

    @classmethod
    def off(cls) -> Pacer:
        """A pacer that never waits (429s are still retried by the retry policy)."""
        return cls(enabled=False)

    # The budget as last seen, for logs and tests.
    @property
    def limit(self) -> int | None:
        return self.view.limit

    @property
    def remaining(self) -> int | None:
        return self.view.remaining

    @remaining.setter
    def remaining(self, value: int | None) -> None:
        self.view.remaining = value

    @property
    def reset_at(self) -> float | None:
        return self.view.reset_at

    @property
    def paused_until(self) -> float:
        return self.view.paused_until

    def delay(self, now: float, lane: Lane = "interactive") -> float:
        """Seconds the next request of ``lane`` should wait at ``now`` (0 = send now)."""
        if not self.enabled:
            return 0.0
        roll_over(self.view, now, self.rules.safety)
        return wait_for(self.view, now, lane, self.rules)

    async def _current_key(self) -> str:
        if self._key_of is None:
            return self.key
        async with self._key_lock:
            now, asked = self._clock(), self._key_asked_at
            if self._key_of is not None and (asked is None or now - asked >= KEY_ASK_INTERVAL):
                # asked until it knows (a connection just authorized), once a while at most
                self._key_asked_at = now
                found = await self._key_of()
                if found:
                    self.use_key(found)
        return self.key

    def use_key(self, key: str) -> None:
        """Pace on ``key``'s budget from now on (its company has just been learnt)."""
        self.key, self._key_of = key, None
        self.view = self.state.local(key) or Budget()

    async def acquire(self, lane: Lane = "interactive") -> None:
        """Wait for this request's turn in ``lane``, then count it as sent. Waiting requests
        hold nothing: each turn is one atomic step on the shared budget."""
        if not self.enabled:
            self.in_flight += 1
            return
        key = await self._current_key()
        waited = 0.0
        while True:
            now = self._clock()
            seen, self._pending = self._pending, []
            turn = functools.partial(
                take_turn,
                now=now,
                lane=lane,
                seen=seen,
                rules=self.rules,
                max_wait=self.max_wait,
            )
            wait, seen_budget = await self.state.update(key, turn)
            if self.state.local(key) is None:
                self.view = seen_budget
            if wait <= 0:
                break
            if wait > self.max_wait:
                # Not worth holding the caller: let Front answer (a 429 then says how long).
                logger.info("rate limit resets in %.1f s; not waiting for it", wait)
                break
            self.waited[lane] += wait
            waited += wait
            await self._sleep(wait)
        self.in_flight += 1
        if observe.listening():
            observe.emit(BudgetWaited(lane, waited))

    def release(
        self,
        headers: Mapping[str, str] | httpx.Headers | None,
        status: int | None = None,
        lane: Lane = "interactive",
    ) -> None:
        """Learn from the answer to a request of ``lane`` (``headers`` None when the request
        failed without one)."""
        self.in_flight = max(0, self.in_flight - 1)
        if headers is None or not self.enabled:
            return
        now = self._clock()
        pause_until = None
        exhausted = False
        if status == 429:
            # Pause for what Front asks (background lanes only, when background work was
            # refused); a short retry-after (a burst limit) is not stretched to the window end.
            wait = parse_retry_after(headers.get("retry-after"), now=now)
            exhausted = wait is None
            pause_until = None if wait is None else now + wait
        info = RateLimitInfo.from_headers(headers, now=now)
        if info is not None and observe.listening():
            observe.emit(BudgetSeen(self.key, info.limit, info.remaining))
        seen = Observation(
            info,
            self.in_flight,
            pause_until,
            exhausted,
            background=lane in BACKGROUND,
        )
        live = self.state.local(self.key)
        if live is not None:
            learn(live, seen)
        else:
            self._pending.append(seen)
            learn(self.view, seen)

    def __repr__(self) -> str:
        return (
            f"Pacer(key={self.key!r}, limit={self.limit}, remaining={self.remaining}, "
            f"reset_at={self.reset_at}, in_flight={self.in_flight})"
        )
