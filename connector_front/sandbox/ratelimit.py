"""Fixed-window rate limiting per company, with Front's `x-ratelimit-*` headers.

Front enforces its limit per company, not per token: every token of the company (API tokens
and OAuth tokens alike) draws on one budget, 120 requests a minute for an OAuth integration.
It documents `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-reset` ("next UNIX
timestamp" at which the window resets, in seconds) on every answer, and `retry-after`
(seconds) on a 429. On top of it, "burst" limits of about 5 requests a second per resource
(a conversation, a message, a channel: the id in the path), and a lower limit on search.

Windows are aligned on the clock (window k covers [k * window, (k + 1) * window)), so the
reset a client is told is exactly when the budget comes back: a whole second for a window of
whole seconds; a fractional one is sent to the millisecond, rounded up (never early).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

BURST_WINDOW = 1.0
"""Seconds of a burst window (Front: requests per second, per resource)."""
BURST_RESOURCE = re.compile(r"^/(conversations|messages|channels)/(?!search/)([^/]+)")
"""Paths under one resource a burst limit counts: its collection and id."""
SEARCH = re.compile(r"^/conversations/search/")
"""Paths the search limit counts."""
KEPT_WINDOWS = 10_000
"""Windows kept before those that have ended are dropped."""


def burst_resource(path: str) -> str | None:
    """The resource a request's path belongs to for the burst limit (None: no burst limit)."""
    found = BURST_RESOURCE.match(path)
    return f"{found.group(1)}/{found.group(2)}" if found else None


def is_search(path: str) -> bool:
    return SEARCH.match(path) is not None


def _timestamp(value: float) -> str:
    """``value`` as whole seconds when whole, else to the millisecond rounded up."""
    if float(value).is_integer():
        return str(int(value))
    return f"{math.ceil(round(value * 1000, 6)) / 1000:.3f}"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_at: float
    now: float

    @property
    def retry_after(self) -> int:
        """Whole seconds until the window resets (at least 1)."""
        return max(1, math.ceil(self.reset_at - self.now))

    def headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": _timestamp(self.reset_at),
        }


@dataclass
class _Window:
    started: float
    window: float
    used: int = 0


def window_start(now: float, window: float) -> float:
    """The start of the clock-aligned window holding ``now``."""
    return math.floor(now / window) * window


@dataclass
class RateLimiter:
    """Counts requests per key (a company, or an unknown token's digest) in windows of
    ``window`` seconds aligned on the clock."""

    _windows: dict[str, _Window] = field(default_factory=dict, repr=False)

    def _current(self, key: str, window: float, now: float) -> _Window:
        started = window_start(now, window)
        current = self._windows.get(key)
        if current is None or current.started != started:
            if current is None and len(self._windows) >= KEPT_WINDOWS:
                self._forget_ended(now)
            current = _Window(started=started, window=window)
            self._windows[key] = current
        return current

    def _forget_ended(self, now: float) -> None:
        """Drop the windows that have ended (a burst window per conversation ever asked for
        would otherwise be kept for good)."""
        ended = [k for k, w in self._windows.items() if w.started + w.window <= now]
        for key in ended:
            del self._windows[key]

    def hit(self, key: str, limit: int, window: float, now: float) -> Verdict:
        current = self._current(key, window, now)
        reset_at = current.started + window
        if current.used >= limit:
            return Verdict(False, limit, 0, reset_at, now)
        current.used += 1
        return Verdict(True, limit, max(0, limit - current.used), reset_at, now)

    def allows(self, key: str, limit: int, window: float, now: float) -> float | None:
        """None when one more request fits; else seconds until its window ends. Counts
        nothing (see :meth:`hit`)."""
        current = self._current(key, window, now)
        return None if current.used < limit else current.started + window - now

    def peek(self, key: str, limit: int, window: float, now: float) -> Verdict:
        """The headers an answer would carry, without counting a request."""
        current = self._current(key, window, now)
        return Verdict(True, limit, max(0, limit - current.used), current.started + window, now)

    def clear(self) -> None:
        self._windows.clear()

    def __len__(self) -> int:
        """Windows kept now."""
        return len(self._windows)
