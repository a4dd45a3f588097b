"""Related Front records a page of records needs (inbox members, a conversation's inboxes)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

CONCURRENCY = 8
"""How many related fetches run at once for one page (the transport paces them further)."""

T = TypeVar("T")
R = TypeVar("R")


async def gather_limited(items: Iterable[T], fetch: Callable[[T], Awaitable[R]]) -> list[R]:
    """``fetch`` over items, a few at a time, results in the items' order."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(item: T) -> R:
        async with gate:
            return await fetch(item)

    return list(await asyncio.gather(*(one(item) for item in items)))
