"""When a failed Front request may be sent again, and how long to wait first (tenacity)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    wait_exponential,
    wait_random_exponential,
)
from tenacity.wait import wait_base

from connector_front.util.parsing import parse_decimal

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"})
"""Methods Front may see twice without harm (PATCH/PUT set fields, DELETE is idempotent)."""

RETRY_STATUSES = frozenset({500, 502, 503, 504})

NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Failures before any byte of the request left: safe to retry for every method."""

MAYBE_SENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
"""Failures after the request may have reached Front: retried only for safe methods."""


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``retry-after`` value (delta-seconds or HTTP-date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    seconds = parse_decimal(text)
    if seconds is not None:
        return max(0.0, seconds)
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
    number = parse_decimal(value.strip())  # never nan or infinite: a window that never ends
    if number is None:
        return None
    if number > 1e12:  # epoch milliseconds
        return number / 1000.0
    if number > 1e9:  # epoch seconds
        return number
    return now + max(0.0, number)  # seconds from now


def rate_limit_wait(response: httpx.Response, now: float) -> float | None:
    """Seconds a 429 asks us to wait (``retry-after``, else ``x-ratelimit-reset``); else None."""
    if response.status_code != 429:
        return None
    wait = parse_retry_after(response.headers.get("retry-after"), now=now)
    if wait is None:
        reset = parse_reset(response.headers.get("x-ratelimit-reset"), now=now)
        wait = None if reset is None else max(0.0, reset - now)
    return wait


@dataclass(frozen=True)
class RetryPolicy:
    """How many tries, which failures are tried again, and the jittered backoff between them."""

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.5
    """Fraction of each backoff delay that is random (0 = none, 1 = full jitter)."""
    max_retry_after: float = 60.0
    """Longest 429 ``retry-after`` waited out; a longer one is raised to the caller at once."""
    retry_methods: frozenset[str] = SAFE_METHODS
    retry_statuses: frozenset[int] = RETRY_STATUSES
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0 or not 0 <= self.jitter <= 1:
            raise ValueError("delays must be >= 0 and jitter within [0, 1]")

    @classmethod
    def none(cls) -> RetryPolicy:
        """One attempt, no retries."""
        return cls(max_attempts=1)

    def backoff(self) -> wait_base:
        """Exponential from ``base_delay`` up to ``max_delay``, ``jitter`` of each delay random."""
        fixed, spread = 1.0 - self.jitter, self.jitter
        return wait_exponential(self.base_delay * fixed, max=self.max_delay * fixed) + (
            wait_random_exponential(self.base_delay * spread, max=self.max_delay * spread)
        )

    def retrying(
        self,
        method: str,
        *,
        sleep: Callable[[float], Awaitable[None]],
        before_sleep: Callable[[RetryCallState], None] | None = None,
    ) -> AsyncRetrying:
        """tenacity's retrying of one ``method`` request: it returns the last response or raises."""
        safe = method.upper() in self.retry_methods
        statuses = self.retry_statuses if safe else frozenset()
        errors = NOT_SENT_ERRORS + (MAYBE_SENT_ERRORS if safe else ())

        def again(response: httpx.Response) -> bool:
            if response.status_code == 429:  # Front did not process it: any method may retry
                wait = rate_limit_wait(response, self.clock())
                return wait is None or wait <= self.max_retry_after
            return response.status_code in statuses

        def retry_after(state: RetryCallState) -> float:
            """A 429's own wait (``retry-after``); any other outcome backs off."""
            done = state.outcome
            asked = None if done is None or done.failed else rate_limit_wait(done.result(), now())
            return backoff(state) if asked is None else asked

        backoff, now = self.backoff(), self.clock
        return AsyncRetrying(
            stop=stop_after_attempt(self.max_attempts),
            retry=retry_if_exception_type(errors) | retry_if_result(again),
            wait=retry_after,
            sleep=sleep,
            before_sleep=before_sleep,
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
        )
