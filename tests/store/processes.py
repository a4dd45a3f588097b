"""Two connections to one database standing for two worker processes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from connector_front.store import Database, open_database


@asynccontextmanager
async def two_workers(database_url: str) -> AsyncIterator[tuple[Database, Database]]:
    """Two separately opened databases (each its own pool) on the same store."""
    first = await open_database(database_url)
    second = await open_database(database_url)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()
