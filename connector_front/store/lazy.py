"""A database named at start and opened on first use, so stores can be built synchronously.

The setting is checked when the object is made: an unusable ``database`` is a configuration
error at start, never a file created on the first request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from connector_front.store.database import Database, Dialect, Executor, Row, parse_database
from connector_front.store.open import open_database


class LazyDatabase:
    """A :class:`Database` that connects (and migrates) when first used."""

    def __init__(self, setting: str) -> None:
        dialect, where = parse_database(setting)
        self.dialect: Dialect = dialect
        self.path = where if self.dialect == "sqlite" else None
        """The SQLite file (None on PostgreSQL)."""
        self._setting = setting
        self._database: Database | None = None

    async def opened(self) -> Database:
        """The connected database (connecting and migrating on the first call)."""
        if self._database is None:
            database = await open_database(self._setting)
            if self._database is None:  # another task may have won the race meanwhile
                self._database = database
            else:
                await database.close()
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
        if database is not None:
            await database.close()

    def __repr__(self) -> str:
        return f"LazyDatabase({self._database!r})" if self._database else "LazyDatabase(unopened)"


def database_of(where: Database | str | Path) -> tuple[Database, bool]:
    """The database a store works on: ``where`` itself, or one opened lazily from a setting or
    path. The flag says whether the store made it (and so closes it)."""
    if isinstance(where, str | Path):
        return LazyDatabase(str(where)), True
    return where, False
