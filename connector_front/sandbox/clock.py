"""The sandbox's clock: wall-clock time plus an offset that tests move forward.

Everything time-dependent in the sandbox (token expiry, rate-limit windows, record
timestamps, webhook signatures) reads this clock, so a test advances it instead of
sleeping until an expiry or a window; `reset` returns it to the wall clock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class SandboxClock:
    """Seconds since the epoch, `offset` seconds ahead of `source` (the wall clock)."""

    def __init__(self, source: Callable[[], float] = time.time) -> None:
        self._source = source
        self._lock = threading.Lock()
        self.offset = 0.0
        self._frozen_at: float | None = None

    def __call__(self) -> float:
        base = self._frozen_at if self._frozen_at is not None else self._source()
        return base + self.offset

    def freeze(self) -> float:
        """Stop following the wall clock: time then moves only by `advance`, so a test can
        measure elapsed time that only its own waits made; `reset` lets it run again."""
        with self._lock:
            if self._frozen_at is None:
                self._frozen_at = self._source()
        return self()

    def advance(self, seconds: float) -> float:
        """Move forward by `seconds` (never back); answers the new time."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self.offset += seconds
        return self()

    def reset(self) -> None:
        with self._lock:
            self.offset = 0.0
            self._frozen_at = None

    def __repr__(self) -> str:
        frozen = ", frozen" if self._frozen_at is not None else ""
        return f"SandboxClock(offset={self.offset:g}{frozen})"
