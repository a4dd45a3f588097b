"""Client-side pacing from Front's ``x-ratelimit-*`` headers, so long listings avoid 429s.

Front's budget is per company: every connection of a company, in every worker, spends the
same one. A :class:`Pacer` keeps what it learns in a :class:`PacingState` under a key (the
company), so pacers sharing a state and a key share the budget: in this process by default
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

from connector_front.store.pacing import Budget, MemoryPacingState, PacingState
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


def learn(budget: Budget, seen: Observation) -> None:
    """Fold one answer into ``budget``."""
    info = seen.info
    if info is not None:
        # Requests still in flight may already have been counted by Front: assume they were.
        estimate = max(0, info.remaining - seen.in_flight)
        budget.limit = info.limit
        stale = budget.stale_before
        if stale is not None and info.reset_at <= stale + SAME_WINDOW:
            pass  # a late answer from a window that has already ended
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
    if seen.pause_until is not None:
        budget.paused_until = max(budget.paused_until, seen.pause_until)
    elif seen.exhausted:
        budget.remaining = 0


class Pacer:
    """Spaces requests to stay under Front's limit, on a budget shared by key.

    Requests go out freely while the window has budget; with none left they wait for the
    reset (plus ``safety`` seconds). ``reserve`` (a fraction of the limit) spreads the
    window's last requests over the time left instead, leaving room for other clients of the
    company, at the cost of finishing a listing up to one window later. A 429 pauses every
    request of the key for its ``retry-after``.

    ``state`` and ``key`` say whose budget this is: by default a budget of this pacer alone.
    ``key_of`` names the key when it is known only later (the connection's Front company);
    until it answers, ``key`` is used, and it is asked again every ``KEY_ASK_INTERVAL`` s.
    """

    def __init__(
        self,
        *,
        reserve: float = 0.0,
        safety: float = 0.05,
        max_wait: float = 65.0,
        enabled: bool = True,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        state: PacingState | None = None,
        key: str = "default",
        key_of: KeySource | None = None,
    ) -> None:
        if not 0 <= reserve < 1:
            raise ValueError("reserve must be within [0, 1)")
        self.reserve = reserve
        self.safety = safety
        self.max_wait = max_wait
        """Longest pause worth holding a request for; beyond it the request goes out anyway."""
        self.enabled = enabled
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self.state: PacingState = state if state is not None else MemoryPacingState()
        self.key = key
        self._key_of = key_of
        self._key_asked_at: float | None = None
        self._pending: list[Observation] = []
        self.view = self.state.local(key) or Budget()
        """The budget as last seen (the live one when the state is in this process)."""
        self.in_flight = 0
        self.waited = 0.0
        """Total seconds requests spent waiting here (for benchmarks and logs)."""

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

    def delay(self, now: float) -> float:
        """Seconds the next request should wait at ``now`` (0 = send now)."""
        return self._delay(self.view, now) if self.enabled else 0.0

    def _delay(self, budget: Budget, now: float) -> float:
        if budget.paused_until > now:
            return budget.paused_until - now
        if budget.reset_at is not None and now >= budget.reset_at + self.safety:
            # The window we knew has ended: a full budget until an answer says more.
            budget.stale_before, budget.reset_at = budget.reset_at, None
            budget.remaining, budget.spent = budget.limit, 0
        limit, remaining, reset_at = budget.limit, budget.remaining, budget.reset_at
        if remaining is None or limit is None:
            return 0.0
        if reset_at is None:
            return UNKNOWN_RESET_WAIT if remaining <= 0 else 0.0
        if remaining <= 0:
            return reset_at + self.safety - now
        if remaining > math.ceil(limit * self.reserve):
            return 0.0
        # Spread what is left of the window's budget over the time left in it.
        start = budget.last_sent if budget.last_sent is not None else now
        next_at = start + (reset_at - start) / (remaining + 1)
        return max(0.0, next_at - now)

    def _turn(self, budget: Budget, *, now: float, seen: list[Observation]) -> tuple[float, Budget]:
        """One atomic step on the shared budget: fold in answers, then either let this
        request out (counting it) and answer 0, or answer how long to wait; with a copy of
        the budget as it was left."""
        for observation in seen:
            learn(budget, observation)
        wait = self._delay(budget, now)
        if wait <= 0 or wait > self.max_wait:
            if budget.remaining is not None:
                budget.remaining -= 1
            budget.spent += 1
            budget.last_sent = now
        return wait, replace(budget)

    async def _current_key(self) -> str:
        if self._key_of is None:
            return self.key
        now, asked = self._clock(), self._key_asked_at
        if asked is None or now - asked >= KEY_ASK_INTERVAL:
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

    async def acquire(self) -> None:
        """Wait for this request's turn, then count it as sent."""
        if not self.enabled:
            self.in_flight += 1
            return
        async with self._lock:
            key = await self._current_key()
            while True:
                now = self._clock()
                seen, self._pending = self._pending, []
                wait, seen_budget = await self.state.update(
                    key, functools.partial(self._turn, now=now, seen=seen)
                )
                if self.state.local(key) is None:
                    self.view = seen_budget
                if wait <= 0:
                    break
                if wait > self.max_wait:
                    # Not worth holding the caller: let Front answer (a 429 then says how long).
                    logger.info("rate limit resets in %.1f s; not waiting for it", wait)
                    break
                self.waited += wait
                await self._sleep(wait)
            self.in_flight += 1

    def release(
        self, headers: Mapping[str, str] | httpx.Headers | None, status: int | None = None
    ) -> None:
        """Learn from a response's headers (``None`` when the request failed without one)."""
        self.in_flight = max(0, self.in_flight - 1)
        if headers is None or not self.enabled:
            return
        now = self._clock()
        pause_until = None
        exhausted = False
        if status == 429:
            # Pause everyone for what Front asks; a short retry-after (a burst limit) must
            # not be stretched to the end of the window.
            wait = parse_retry_after(headers.get("retry-after"), now=now)
            exhausted = wait is None
            pause_until = None if wait is None else now + wait
        seen = Observation(
            RateLimitInfo.from_headers(headers, now=now), self.in_flight, pause_until, exhausted
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
