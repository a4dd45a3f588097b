"""Single-row inserts from many callers, committed together: one commit for all that wait.

Each commit waits for the disk (SQLite's WAL is synced at every commit, PostgreSQL's log
too), so a row per transaction caps a webhook intake at the disk's syncs per second. Here the
rows that arrive while a commit is under way go in the next transaction together, and each
caller still returns only once its row is committed. Written by hand: the database drivers
batch only rows one caller already holds, not rows from callers arriving over time.
"""

from __future__ import annotations

import asyncio
from typing import Any

from connector_front.store.database import Database, Row

MAX_ROWS = 256
"""Rows per transaction at most: a long backlog is committed in several."""


class GroupInsert:
    """``INSERT ... RETURNING`` of one row per call, with the calls waiting at the same time
    written in one transaction. When that transaction fails, its rows are written again one
    by one, so only the call whose row fails sees the error."""

    def __init__(self, database: Database, sql: str, *, max_rows: int = MAX_ROWS) -> None:
        self._db = database
        self._sql = sql
        self._max_rows = max_rows
        self._waiting: list[tuple[tuple[Any, ...], asyncio.Future[Row]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def insert(self, args: tuple[Any, ...]) -> Row:
        """The row ``RETURNING`` gave, once the transaction holding it has committed."""
        done: asyncio.Future[Row] = asyncio.get_running_loop().create_future()
        self._waiting.append((args, done))
        writer = self._writer
        if writer is None or writer.done() or writer.get_loop() is not done.get_loop():
            self._writer = asyncio.create_task(self._write())
        return await done  # a caller that stops waiting leaves its row to be written

    async def _write(self) -> None:
        while self._waiting:
            batch = self._waiting[: self._max_rows]
            del self._waiting[: self._max_rows]
            try:
                async with self._db.transaction() as tx:
                    rows = [(await tx.fetch(self._sql, args))[0] for args, _ in batch]
            except Exception:
                await self._one_by_one(batch)
                continue
            for (_, done), row in zip(batch, rows, strict=True):
                _settle(done, row)

    async def _one_by_one(self, batch: list[tuple[tuple[Any, ...], asyncio.Future[Row]]]) -> None:
        for args, done in batch:
            try:
                row = (await self._db.fetch(self._sql, args))[0]
            except Exception as exc:  # the database's error, for this row's caller
                _settle(done, exc)
                continue
            _settle(done, row)

    def __repr__(self) -> str:
        return f"GroupInsert({self._db!r}, waiting={len(self._waiting)})"


def _settle(done: asyncio.Future[Row], outcome: Row | Exception) -> None:
    """Answer a caller still waiting (not one that gave up, or whose event loop has ended:
    its row is written all the same)."""
    if done.done() or done.get_loop().is_closed():
        return
    if isinstance(outcome, Exception):
        done.set_exception(outcome)
    else:
        done.set_result(outcome)
