"""Client-side pacing from Front's ``x-ratelimit-*`` headers, so long listings avoid 429s."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import httpx

from connector_front.transport.retry import parse_reset, parse_retry_after

logger = logging.getLogger("connector_front.transport")


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
        except (KeyError, ValueError):
            return None
        reset_at = parse_reset(headers.get("x-ratelimit-reset"), now=now)
        if reset_at is None or limit <= 0:
            return None
        return cls(limit=limit, remaining=max(0, remaining), reset_at=reset_at)


class Pacer:
    """Spaces one client's requests (shared by its concurrent tasks) to stay under the limit.

    Requests go out freely while the window has budget; with none left they wait for the
    reset. ``reserve`` (a fraction of the limit) spreads the window's last requests over
    the time left instead, leaving room for other clients sharing the budget, at the cost of
    finishing a listing up to one window later. A 429 pauses every request for its
    ``retry-after``.
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
        self.limit: int | None = None
        self.remaining: int | None = None
        self.reset_at: float | None = None
        self.paused_until = 0.0
        self.in_flight = 0
        self._last_sent: float | None = None
        self.waited = 0.0
        """Total seconds requests spent waiting here (for benchmarks and logs)."""

    @classmethod
    def off(cls) -> Pacer:
        """A pacer that never waits (429s are still retried by the retry policy)."""
        return cls(enabled=False)

    def delay(self, now: float) -> float:
        """Seconds the next request should wait at ``now`` (0 = send now)."""
        if not self.enabled:
            return 0.0
        if self.paused_until > now:
            return self.paused_until - now
        self._roll(now)
        if self.remaining is None or self.limit is None or self.reset_at is None:
            return 0.0
        if self.remaining <= 0:
            return self.reset_at + self.safety - now
        if self.remaining > math.ceil(self.limit * self.reserve):
            return 0.0
        # Spread what is left of the window's budget over the time left in it.
        start = self._last_sent if self._last_sent is not None else now
        next_at = start + (self.reset_at - start) / (self.remaining + 1)
        return max(0.0, next_at - now)

    def _roll(self, now: float) -> None:
        if self.reset_at is not None and now >= self.reset_at + self.safety:
            # The window we knew has ended: assume a full budget until a response says more.
            self.remaining = self.limit
            self.reset_at = None

    async def acquire(self) -> None:
        """Wait for this request's turn, then count it as sent."""
        async with self._lock:
            while True:
                now = self._clock()
                wait = self.delay(now)
                if wait <= 0:
                    break
                if wait > self.max_wait:
                    # Not worth holding the caller: let Front answer (a 429 then says how long).
                    logger.info("rate limit resets in %.1f s; not waiting for it", wait)
                    break
                self.waited += wait
                await self._sleep(wait)
            if self.remaining is not None:
                self.remaining -= 1
            self._last_sent = now
            self.in_flight += 1

    def release(
        self, headers: Mapping[str, str] | httpx.Headers | None, status: int | None = None
    ) -> None:
        """Learn from a response's headers (``None`` when the request failed without one)."""
        self.in_flight = max(0, self.in_flight - 1)
        if headers is None:
            return
        now = self._clock()
        info = RateLimitInfo.from_headers(headers, now=now)
        if info is not None:
            self._learn(info)
        if status == 429:
            # Pause everyone for what Front asks; a short retry-after (a burst limit) must
            # not be stretched to the end of the window.
            wait = parse_retry_after(headers.get("retry-after"), now=now)
            if wait is None:
                self.remaining = 0
            else:
                self.paused_until = max(self.paused_until, now + wait)

    def _learn(self, info: RateLimitInfo) -> None:
        # Requests still in flight may already have been counted by Front: assume they were.
        estimate = max(0, info.remaining - self.in_flight)
        self.limit = info.limit
        if self.reset_at is None or info.reset_at > self.reset_at + 0.5:
            self.reset_at = info.reset_at  # a new window
            self.remaining = estimate
        elif info.reset_at >= self.reset_at - 0.5:
            current = self.remaining if self.remaining is not None else estimate
            self.remaining = min(current, estimate)
        # else: a late answer from a window that has already ended; ignore it.

    def __repr__(self) -> str:
        return (
            f"Pacer(limit={self.limit}, remaining={self.remaining}, reset_at={self.reset_at}, "
            f"in_flight={self.in_flight})"
        )
