"""When a failed Front request may be sent again, and how long to wait first."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import httpx

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"})
"""Methods Front may see twice without harm (PATCH/PUT set fields, DELETE is idempotent)."""

RETRY_STATUSES = frozenset({500, 502, 503, 504})

NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
"""Failures before any byte of the request left: safe to retry for every method."""

MAYBE_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)
"""Failures after the request may have reached Front: retried only for safe methods."""


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``retry-after`` value (delta-seconds or HTTP-date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def parse_reset(value: str | None, *, now: float) -> float | None:
    """Epoch seconds of an ``x-ratelimit-reset`` value.

    Front documents a UNIX timestamp; milliseconds and seconds-from-now are accepted too.
    """
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    if number > 1e12:  # epoch milliseconds
        return number / 1000.0
    if number > 1e9:  # epoch seconds
        return number
    return now + max(0.0, number)  # seconds from now


@dataclass(frozen=True)
class RetryPolicy:
    """How many tries, and the jittered exponential backoff between them."""

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.5
    """Fraction of each backoff delay that is random (0 = none, 1 = full jitter)."""
    max_retry_after: float = 60.0
    """Longest 429 ``retry-after`` waited out; a longer one is raised to the caller at once."""
    retry_methods: frozenset[str] = SAFE_METHODS
    retry_statuses: frozenset[int] = RETRY_STATUSES
    rand: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0 or not 0 <= self.jitter <= 1:
            raise ValueError("delays must be >= 0 and jitter within [0, 1]")

    @classmethod
    def none(cls) -> RetryPolicy:
        """One attempt, no retries."""
        return cls(max_attempts=1)

    def backoff(self, attempt: int) -> float:
        """Delay after failed attempt number ``attempt`` (1-based), jittered."""
        ceiling = min(self.max_delay, self.base_delay * (2.0 ** max(0, attempt - 1)))
        spread: float = self.rand()
        return ceiling * (1.0 - self.jitter) + ceiling * self.jitter * spread

    def rate_limit_wait(
        self, headers: Mapping[str, str] | httpx.Headers, *, now: float | None = None
    ) -> float | None:
        """Seconds a 429 asks us to wait (``retry-after``, else ``x-ratelimit-reset``)."""
        clock = time.time() if now is None else now
        wait = parse_retry_after(headers.get("retry-after"), now=clock)
        if wait is None:
            reset = parse_reset(headers.get("x-ratelimit-reset"), now=clock)
            if reset is not None:
                wait = max(0.0, reset - clock)
        return wait

    def decide(
        self,
        method: str,
        outcome: httpx.Response | BaseException,
        attempt: int,
        *,
        now: float | None = None,
    ) -> float | None:
        """Seconds to wait before retrying ``outcome`` of ``attempt``, or None to stop here."""
        if attempt >= self.max_attempts:
            return None
        safe = method.upper() in self.retry_methods
        if isinstance(outcome, httpx.Response):
            if outcome.status_code == 429:  # Front did not process it: any method may retry
                wait = self.rate_limit_wait(outcome.headers, now=now)
                if wait is None:
                    return self.backoff(attempt)
                return wait if wait <= self.max_retry_after else None
            if outcome.status_code in self.retry_statuses and safe:
                return self.backoff(attempt)
            return None
        if isinstance(outcome, NOT_SENT_ERRORS):
            return self.backoff(attempt)
        if isinstance(outcome, MAYBE_SENT_ERRORS) and safe:
            return self.backoff(attempt)
        return None
