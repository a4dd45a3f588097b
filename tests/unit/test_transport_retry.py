"""Which failures are retried, and how long the waits are."""

from __future__ import annotations

import email.utils

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tenacity import RetryCallState
from tenacity.wait import wait_base

from connector_front.transport import RetryPolicy, parse_reset, parse_retry_after

POLICY = RetryPolicy(max_attempts=4, base_delay=0.1, max_delay=1.0, jitter=0.0)

Outcome = httpx.Response | Exception


def _response(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers)


async def _run(policy: RetryPolicy, method: str, *outcomes: Outcome) -> tuple[list[float], int]:
    """Drive the policy's retrying over ``outcomes``: the waits slept and the attempts made."""
    slept: list[float] = []
    queue = list(outcomes)
    attempts = 0
    raised: list[Exception] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def attempt() -> httpx.Response:
        nonlocal attempts
        attempts += 1
        outcome = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(outcome, Exception):
            raised.append(outcome)
            raise outcome
        return outcome

    try:
        await policy.retrying(method, sleep=sleep)(attempt)
    except Exception as exc:
        assert exc is raised[-1]  # the last failure itself, not a tenacity wrapper
    return slept, attempts


def _wait(wait: wait_base, attempt: int) -> float:
    state = RetryCallState(None, None, (), {})
    state.attempt_number = attempt
    return wait(state)


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "DELETE", "PATCH"])
async def test_5xx_retried_for_safe_methods(method: str) -> None:
    faults = (_response(503), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("dropped"))
    slept, attempts = await _run(POLICY, method, *faults, _response(200))
    assert slept == pytest.approx([0.1, 0.2, 0.4])
    assert attempts == 4


@pytest.mark.parametrize(
    "outcome",
    [
        _response(500),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("dropped"),
        httpx.WriteError("half sent"),
    ],
)
async def test_post_not_retried_once_it_may_have_been_received(outcome: Outcome) -> None:
    assert await _run(POLICY, "POST", outcome, _response(201)) == ([], 1)


@pytest.mark.parametrize(
    "error", [httpx.ConnectError("refused"), httpx.ConnectTimeout("t"), httpx.PoolTimeout("p")]
)
async def test_post_retried_when_the_request_never_left(error: Exception) -> None:
    assert await _run(POLICY, "POST", error, _response(201)) == ([pytest.approx(0.1)], 2)


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH"])
async def test_429_retried_for_every_method_after_retry_after(method: str) -> None:
    limited = _response(429, **{"retry-after": "3"})
    assert await _run(POLICY, method, limited, _response(200)) == ([3.0], 2)


async def test_429_longer_than_the_cap_is_not_waited_out() -> None:
    policy = RetryPolicy(max_retry_after=5)
    limited = _response(429, **{"retry-after": "30"})
    assert await _run(policy, "GET", limited, _response(200)) == ([], 1)


async def test_429_falls_back_to_reset_then_backoff() -> None:
    policy = RetryPolicy(
        max_attempts=4, base_delay=0.1, max_delay=1.0, jitter=0.0, clock=lambda: 1_700_000_000.0
    )
    reset = _response(429, **{"x-ratelimit-reset": "1700000002"})
    slept, _ = await _run(policy, "GET", reset, _response(429), _response(200))
    assert slept == pytest.approx([2.0, 0.2])


async def test_client_errors_and_other_exceptions_are_not_retried() -> None:
    for status in (400, 401, 403, 404, 409, 422, 501):
        assert await _run(POLICY, "GET", _response(status), _response(200)) == ([], 1)
    assert await _run(POLICY, "GET", ValueError("bug"), _response(200)) == ([], 1)
    assert await _run(POLICY, "GET", httpx.UnsupportedProtocol("ftp"), _response(200)) == ([], 1)


async def test_no_retry_after_the_last_attempt() -> None:
    assert len((await _run(POLICY, "GET", _response(503)))[0]) == 3
    assert await _run(POLICY, "GET", _response(429, **{"retry-after": "1"})) == ([1.0] * 3, 4)
    assert await _run(POLICY, "GET", httpx.ConnectError("refused")) == (
        pytest.approx([0.1, 0.2, 0.4]),
        4,
    )
    assert await _run(RetryPolicy.none(), "GET", _response(503)) == ([], 1)


async def test_the_last_answer_is_returned_when_retries_run_out() -> None:
    async def no_sleep(_: float) -> None:
        return None

    async def unavailable() -> httpx.Response:
        return _response(503)

    answer = await POLICY.retrying("GET", sleep=no_sleep)(unavailable)
    assert answer.status_code == 503


@given(attempt=st.integers(1, 30), jitter=st.floats(0, 1))
def test_backoff_is_bounded_and_grows(attempt: int, jitter: float) -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=8.0, jitter=jitter)
    ceiling = min(8.0, 0.5 * 2 ** (attempt - 1))
    delay = _wait(policy.backoff(), attempt)
    assert ceiling * (1 - jitter) - 1e-9 <= delay <= ceiling + 1e-9


def test_jitter_spreads_delays() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=1.0, jitter=1.0)
    delays = {round(_wait(policy.backoff(), 1), 3) for _ in range(20)}
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
