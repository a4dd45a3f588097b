"""Bounded gathering: results in order, never more than the limit at once, errors raised."""

from __future__ import annotations

import asyncio

import pytest

from connector_front.util.concurrency import bounded_gather


async def test_results_come_in_the_items_order_whatever_finishes_first() -> None:
    released = {n: asyncio.Event() for n in range(5)}

    async def work(n: int) -> int:
        await released[n].wait()
        return n * 10

    gathering = asyncio.ensure_future(bounded_gather(range(5), work, limit=5))
    for n in reversed(range(5)):  # the last item finishes first
        released[n].set()
        await asyncio.sleep(0)
    assert await gathering == [0, 10, 20, 30, 40]


@pytest.mark.parametrize("limit", [1, 3, 8])
async def test_never_more_than_the_limit_run_at_once(limit: int) -> None:
    running, most = 0, 0

    async def work(n: int) -> int:
        nonlocal running, most
        running += 1
        most = max(most, running)
        for _ in range(3):  # other items get their turns meanwhile
            await asyncio.sleep(0)
        running -= 1
        return n

    assert await bounded_gather(range(20), work, limit=limit) == list(range(20))
    assert most == limit


async def test_the_first_error_is_raised() -> None:
    async def work(n: int) -> int:
        if n == 2:
            raise ValueError("item 2")
        return n

    with pytest.raises(ValueError, match="item 2"):
        await bounded_gather(range(4), work, limit=2)


async def test_no_items_is_no_results() -> None:
    async def work(n: int) -> int:
        raise AssertionError("never called")

    assert await bounded_gather([], work, limit=4) == []
