"""Named leases in the shared database: one worker process at a time runs a job of that name
(an owner's sync pass, a read of an owner's Events-API stream).

A lease is a row (name, holder, expires_at). Taking it is one statement that succeeds only if
the row is new, expired or already ours, so two processes never both hold it; the holder renews
it while the job runs and deletes it at the end. A holder that dies stops renewing, and the lease
is free again once it expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from connector_front.store.database import Database, Dialect, Executor

logger = logging.getLogger("connector_front.store")

Sleep = Callable[[float], Awaitable[None]]

LEASE_TTL = 60.0
"""Seconds a lease lasts without renewal; the holder renews it every third of that."""

HOLDER: dict[Dialect, str] = {
    "sqlite": "SELECT holder, expires_at FROM leases WHERE name = ?",
    "postgresql": "SELECT holder, expires_at FROM leases WHERE name = ? FOR UPDATE",
}
"""A lease's row; PostgreSQL keeps it locked until the transaction ends, so nobody takes the
lease between this check and the commit (SQLite's write lock does that already)."""


class Leases:
    """Leases taken by this process (one holder id per instance)."""

    def __init__(
        self,
        database: Database,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
        holder: str | None = None,
    ) -> None:
        self._db = database
        self._clock = clock
        self._sleep = sleep
        self.holder = holder or f"{os.getpid()}-{uuid.uuid4().hex[:12]}"

    async def acquire(self, name: str, ttl: float = LEASE_TTL) -> bool:
        """Take the lease ``name`` for ``ttl`` seconds unless another holder has it unexpired."""
        now = self._clock()
        rows = await self._db.fetch(
            "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
            " expires_at = excluded.expires_at"
            " WHERE leases.expires_at <= ? OR leases.holder = excluded.holder"
            " RETURNING holder",
            (name, self.holder, now + ttl, now),
        )
        return bool(rows)

    async def renew(self, name: str, ttl: float = LEASE_TTL) -> bool:
        """Extend a lease this holder still has; False when it was lost (expired and taken)."""
        changed = await self._db.execute(
            "UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?",
            (self._clock() + ttl, name, self.holder),
        )
        return changed == 1

    async def held(self, tx: Executor, name: str) -> bool:
        """Whether this holder still has ``name``, checked inside the transaction ``tx`` that
        is about to write what only the holder may write."""
        rows = await tx.fetch(HOLDER[self._db.dialect], (name,))
        return bool(rows) and rows[0][0] == self.holder and float(rows[0][1]) > self._clock()

    async def release(self, name: str) -> None:
        """Give the lease up (only if this holder has it)."""
        await self._db.execute(
            "DELETE FROM leases WHERE name = ? AND holder = ?", (name, self.holder)
        )

    @asynccontextmanager
    async def hold(self, name: str, ttl: float = LEASE_TTL) -> AsyncIterator[bool]:
        """Hold ``name`` for the block, renewed in the background; yields False (and holds
        nothing) when another worker has it."""
        if not await self.acquire(name, ttl):
            yield False
            return
        renewer = asyncio.create_task(self._keep(name, ttl))
        try:
            yield True
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer
            await self.release(name)

    async def _keep(self, name: str, ttl: float) -> None:
        while True:
            await self._sleep(ttl / 3)
            try:
                kept = await self.renew(name, ttl)
            except Exception as exc:  # the database is away: try again at the next turn
                logger.warning("renewing lease %s failed (%s)", name, type(exc).__name__)
                continue
            if not kept:
                logger.warning("lease %s expired and was taken by another worker", name)
                return

    def __repr__(self) -> str:
        return f"Leases(holder={self.holder!r})"
