"""Which failures are retried, and how long the waits are."""

from __future__ import annotations

import email.utils

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector_front.transport import RetryPolicy, parse_reset, parse_retry_after

POLICY = RetryPolicy(max_attempts=4, base_delay=0.1, max_delay=1.0, jitter=0.0)


def _response(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers)


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "DELETE", "PATCH"])
def test_5xx_retried_for_safe_methods(method: str) -> None:
    assert POLICY.decide(method, _response(503), 1) == pytest.approx(0.1)
    assert POLICY.decide(method, httpx.ReadTimeout("slow"), 2) == pytest.approx(0.2)
    assert POLICY.decide(method, httpx.RemoteProtocolError("dropped"), 1) is not None


def test_post_not_retried_once_it_may_have_been_received() -> None:
    assert POLICY.decide("POST", _response(500), 1) is None
    assert POLICY.decide("POST", httpx.ReadTimeout("slow"), 1) is None
    assert POLICY.decide("POST", httpx.RemoteProtocolError("dropped"), 1) is None
    assert POLICY.decide("POST", httpx.WriteError("half sent"), 1) is None


@pytest.mark.parametrize(
    "error", [httpx.ConnectError("refused"), httpx.ConnectTimeout("t"), httpx.PoolTimeout("p")]
)
def test_post_retried_when_the_request_never_left(error: Exception) -> None:
    assert POLICY.decide("POST", error, 1) is not None


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH"])
def test_429_retried_for_every_method_after_retry_after(method: str) -> None:
    assert POLICY.decide(method, _response(429, **{"retry-after": "3"}), 1) == 3.0


def test_429_longer_than_the_cap_is_not_waited_out() -> None:
    policy = RetryPolicy(max_retry_after=5)
    assert policy.decide("GET", _response(429, **{"retry-after": "30"}), 1) is None


def test_429_falls_back_to_reset_then_backoff() -> None:
    wait = POLICY.decide(
        "GET", _response(429, **{"x-ratelimit-reset": "1700000002"}), 1, now=1_700_000_000.0
    )
    assert wait == pytest.approx(2.0)
    assert POLICY.decide("GET", _response(429), 1) == pytest.approx(0.1)


def test_client_errors_and_other_exceptions_are_not_retried() -> None:
    for status in (400, 401, 403, 404, 409, 422, 501):
        assert POLICY.decide("GET", _response(status), 1) is None
    assert POLICY.decide("GET", ValueError("bug"), 1) is None
    assert POLICY.decide("GET", httpx.UnsupportedProtocol("ftp"), 1) is None


def test_no_retry_after_the_last_attempt() -> None:
    assert POLICY.decide("GET", _response(503), 4) is None
    assert POLICY.decide("GET", _response(429, **{"retry-after": "1"}), 4) is None
    assert RetryPolicy.none().decide("GET", _response(503), 1) is None


@given(attempt=st.integers(1, 30), rand=st.floats(0, 1), jitter=st.floats(0, 1))
def test_backoff_is_bounded_and_grows(attempt: int, rand: float, jitter: float) -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=8.0, jitter=jitter, rand=lambda: rand)
    ceiling = min(8.0, 0.5 * 2 ** (attempt - 1))
    delay = policy.backoff(attempt)
    assert ceiling * (1 - jitter) - 1e-9 <= delay <= ceiling + 1e-9


def test_jitter_spreads_delays() -> None:
    import random

    rng = random.Random(7)
    policy = RetryPolicy(base_delay=1.0, max_delay=1.0, jitter=1.0, rand=rng.random)
    delays = {round(policy.backoff(1), 3) for _ in range(20)}
    assert len(delays) > 10


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    date = email.utils.formatdate(1010.0, usegmt=True)
    assert parse_retry_after(date, now=1000.0) == pytest.approx(10.0)


def test_parse_reset_forms() -> None:
    assert parse_reset("1700000000", now=0.0) == 1_700_000_000.0
    assert parse_reset("1700000000500", now=0.0) == pytest.approx(1_700_000_000.5)
    assert parse_reset("12", now=1000.0) == 1012.0
    assert parse_reset("x", now=1000.0) is None


def test_policy_validation() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy(jitter=2.0)
