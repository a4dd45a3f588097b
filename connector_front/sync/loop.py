"""Background polling for a long-running host: a pass, a pause, the next (never overlapping)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

logger = logging.getLogger("connector_front.sync")

Sleep = Callable[[float], Awaitable[None]]


async def sync_forever(connector: Any, interval: float, *, sleep: Sleep = asyncio.sleep) -> None:
    """Run ``connector.sync()`` every ``interval`` seconds until cancelled; errors are logged."""
    while True:
        try:
            report = await connector.sync()
        except Exception as exc:
            logger.warning("event sync pass failed (%s); the next one runs in %s s", exc, interval)
        else:
            logger.info(
                "event sync pass: %d owners, %d events%s",
                len(report.owners),
                report.emitted,
                " (some feeds failed, see the report)" if report.failed else "",
            )
        await sleep(interval)


def background_sync(
    interval: float, *, sleep: Sleep = asyncio.sleep
) -> Callable[[Any], Coroutine[Any, Any, None]]:
    """A ``create_app(background=[...])`` job polling every ``interval`` seconds."""

    async def job(connector: Any) -> None:
        await sync_forever(connector, interval, sleep=sleep)

    job.__name__ = job.__qualname__ = "sync_loop"
    return job
