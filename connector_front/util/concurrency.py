"""Bounded concurrent gathering: work on many items, a few at a time, results in order.

asyncio has no bounded ``gather``; a semaphore around each awaitable is all it takes, written
here once rather than at each place that fans out requests to Front.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def bounded_gather(
    items: Iterable[T], work: Callable[[T], Awaitable[R]], *, limit: int
) -> list[R]:
    """``work`` on each item with at most ``limit`` running at once; the results in the items'
    order. As :func:`asyncio.gather`, the first exception is raised (the rest run on)."""
    gate = asyncio.Semaphore(limit)

    async def one(item: T) -> R:
        async with gate:
            return await work(item)

    return list(await asyncio.gather(*(one(item) for item in items)))
