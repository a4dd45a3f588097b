"""The embedded backend: one SQLite file, statements run off the event loop by aiosqlite.

Each statement or transaction borrows a connection from a small pool, so a long transaction
(a token refresh holding the write lock) never stalls readers. Writes of this process take
turns on an asyncio lock before they reach SQLite: SQLite's own wait for its write lock sleeps
in steps of up to 100 ms, which under a stream of writes (webhook intake beside its processing)
left writers asleep while the lock was free. Several processes may share the file: SQLite's
write lock serializes their transactions.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from connector_front.store.database import Dialect, Executor, Row
from connector_front.store.driver_logs import hide_statement_parameters
from connector_front.util.files import owner_only_file

BUSY_TIMEOUT_MS = 30_000
"""How long a writer waits for another process's transaction before giving up."""
IDLE_CONNECTIONS = 4


class _Statements:
    """An :class:`Executor` over one aiosqlite connection."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def fetch(self, sql: str, args: tuple[Any, ...] = ()) -> list[Row]:
        async with self._conn.execute(sql, args) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    async def execute(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        async with self._conn.execute(sql, args) as cursor:
            return int(cursor.rowcount)

    async def execute_many(self, sql: str, args: list[tuple[Any, ...]]) -> None:
        if args:
            await self._conn.executemany(sql, args)


class SQLiteDatabase:
    """An SQLite file, created owner-only, in WAL mode."""

    dialect: Dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        hide_statement_parameters()  # aiosqlite's DEBUG records would hold tokens
        self.path = path
        self._idle: list[aiosqlite.Connection] = []
        self._write_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    @classmethod
    async def open(cls, path: Path) -> SQLiteDatabase:
        database = cls(owner_only_file(path))
        async with database._connection() as conn:
            await conn.execute("PRAGMA journal_mode=WAL")
        return database

    async def _connect(self) -> aiosqlite.Connection:
        conn = aiosqlite.connect(self.path, isolation_level=None)
        # Each connection runs on its own thread; as a daemon it never keeps a process from
        # exiting when a store was not closed (SQLite's journal keeps the file consistent).
        conn._thread.daemon = True
        await conn
        await conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return conn

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[aiosqlite.Connection]:
        conn = self._idle.pop() if self._idle else await self._connect()
        try:
            yield conn
        except BaseException:
            await conn.close()  # its state is unknown after an interruption
            raise
        if len(self._idle) < IDLE_CONNECTIONS:
            self._idle.append(conn)
        else:
            await conn.close()

    def _write_lock(self) -> asyncio.Lock:
        """This process's turn to write (one lock per event loop: a lock belongs to one)."""
        return self._write_locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())

    async def fetch(self, sql: str, args: tuple[Any, ...] = ()) -> list[Row]:
        if _reads_only(sql):
            async with self._connection() as conn:
                return await _Statements(conn).fetch(sql, args)
        async with self._write_lock(), self._connection() as conn:
            return await _Statements(conn).fetch(sql, args)

    async def execute(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        async with self._write_lock(), self._connection() as conn:
            return await _Statements(conn).execute(sql, args)

    async def execute_many(self, sql: str, args: list[tuple[Any, ...]]) -> None:
        async with self._write_lock(), self._connection() as conn:
            await _Statements(conn).execute_many(sql, args)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Executor]:
        async with self._write_lock(), self._connection() as conn:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield _Statements(conn)
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")

    def locked(self, name: str) -> AbstractAsyncContextManager[Executor]:
        """SQLite has one write lock per file: a write transaction holds every name at once."""
        return self.transaction()

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()

    def __repr__(self) -> str:
        return f"SQLiteDatabase({str(self.path)!r})"


def _reads_only(sql: str) -> bool:
    """A statement that writes nothing (a plain SELECT): it needs no turn to write."""
    return sql.lstrip()[:6].upper() == "SELECT"
