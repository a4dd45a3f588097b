"""Fixed-window rate limiting per token, with Front's `x-ratelimit-*` headers.

Front documents `x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-reset`
("next UNIX timestamp" at which the window resets, in seconds) on every answer,
and `retry-after` (seconds) on a 429.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


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
            "x-ratelimit-reset": str(math.ceil(self.reset_at)),
        }


@dataclass
class _Window:
    started: float
    used: int = 0


@dataclass
class RateLimiter:
    """Counts requests per key (a token digest) in windows of `window` seconds."""

    _windows: dict[str, _Window] = field(default_factory=dict, repr=False)

    def hit(self, key: str, limit: int, window: float, now: float) -> Verdict:
        current = self._windows.get(key)
        if current is None or now >= current.started + window:
            current = _Window(started=now)
            self._windows[key] = current
        reset_at = current.started + window
        if current.used >= limit:
            return Verdict(False, limit, 0, reset_at, now)
        current.used += 1
        return Verdict(True, limit, max(0, limit - current.used), reset_at, now)

    def peek(self, key: str, limit: int, window: float, now: float) -> Verdict:
        """The headers an answer would carry, without counting a request."""
        current = self._windows.get(key)
        if current is None or now >= current.started + window:
            return Verdict(True, limit, limit, now + window, now)
        return Verdict(True, limit, max(0, limit - current.used), current.started + window, now)

    def clear(self) -> None:
        self._windows.clear()
