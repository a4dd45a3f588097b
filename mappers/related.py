"""Extra Front data a record needs (inbox members, a conversation's inbox), kept apart.

Mappers fetch it next to the Front object under :data:`RELATED`; the connector strips
that key from ``rawResource`` so Front's own JSON stays as Front sent it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

RELATED = "__related__"
"""Key under which a mapper keeps related data beside a Front object."""

CONCURRENCY = 8
"""How many related fetches run at once for one page (the transport paces them further)."""

T = TypeVar("T")


def with_related(front: dict[str, Any], **related: Any) -> dict[str, Any]:
    return {**front, RELATED: {**(front.get(RELATED) or {}), **related}}


def related(front: Mapping[str, Any], name: str) -> Any:
    return (front.get(RELATED) or {}).get(name)


async def gather_limited(
    items: Iterable[T], fetch: Callable[[T], Awaitable[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """``fetch`` over items, a few at a time, results in the items' order."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(item: T) -> dict[str, Any]:
        async with gate:
            return await fetch(item)

    return list(await asyncio.gather(*(one(item) for item in items)))
