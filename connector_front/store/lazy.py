"""A database named at start and opened on first use, so stores can be built synchronously.

The setting is checked when the object is made: an unusable ``database`` (an SQLite file whose
folder cannot be made, or a file that is not SQLite) is a configuration error at start, never a
file created on the first request.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from connector_front.store.database import Database, Dialect, Executor, Row, parse_database
from connector_front.store.open import open_database
from connector_front.store.sqlite_file import prepare_sqlite_file


class LazyDatabase:
    """A :class:`Database` that connects (and migrates) when first used."""

    def __init__(self, setting: str) -> None:
        dialect, where = parse_database(setting)
        if dialect == "sqlite":
            prepare_sqlite_file(Path(where))
        self.dialect: Dialect = dialect
        self.path = where if dialect == "sqlite" else None
        """The SQLite file (None on PostgreSQL)."""
        self._setting = setting
        self._database: Database | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    async def opened(self) -> Database:
        """The connected database (connecting and migrating on the first call: callers that
        arrive meanwhile wait for that one connection)."""
        loop = asyncio.get_running_loop()
        if self._database is not None and self._loop is not loop and self.dialect != "sqlite":
            # A connection pool belongs to the event loop it was opened on: a new loop (a
            # second asyncio.run) gets its own, the old one went with its loop.
            self._database = None
        if self._database is None:
            lock = self._locks.setdefault(loop, asyncio.Lock())
            async with lock:
                if self._database is None:
                    self._database = await open_database(self._setting)
                    self._loop = loop
        return self._database

    async def fetch(self, sql: str, args: tuple[Any, ...] = ()) -> list[Row]:
        return await (await self.opened()).fetch(sql, args)

    async def execute(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        return await (await self.opened()).execute(sql, args)

    async def execute_many(self, sql: str, args: list[tuple[Any, ...]]) -> None:
        await (await self.opened()).execute_many(sql, args)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Executor]:
        async with (await self.opened()).transaction() as tx:
            yield tx

    @asynccontextmanager
    async def locked(self, name: str) -> AsyncIterator[Executor]:
        async with (await self.opened()).locked(name) as tx:
            yield tx

    async def close(self) -> None:
        database, self._database = self._database, None
        same_loop = self._loop is asyncio.get_running_loop()
        if database is not None and (same_loop or self.dialect == "sqlite"):
            await database.close()

    def __repr__(self) -> str:
        return f"LazyDatabase({self._database!r})" if self._database else "LazyDatabase(unopened)"

