"""The shared backend: a PostgreSQL server reached through a psycopg connection pool.

Statements are written with ``?`` placeholders like SQLite's; they are turned into psycopg's
``%s`` once each. Cross-process locks are transaction-scoped advisory locks, so a worker that
dies mid-transaction releases its lock with its session.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg_pool import AsyncConnectionPool

from connector_front.errors import ConfigurationError
from connector_front.store.database import Dialect, Executor, Row

POOL_SIZE = 10
CONNECT_TIMEOUT = 10.0


@lru_cache(maxsize=512)
def to_psycopg(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


def safe_url(url: str) -> str:
    """The URL without its password, for messages and reprs."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    where = f"{host}:{parts.port}" if parts.port else host
    user = f"{parts.username}@" if parts.username else ""
    return f"{parts.scheme}://{user}{where}{parts.path}"


class _Statements:
    """An :class:`Executor` over one psycopg connection."""

    def __init__(self, conn: psycopg.AsyncConnection[Any]) -> None:
        self._conn = conn

    async def fetch(self, sql: str, args: tuple[Any, ...] = ()) -> list[Row]:
        cursor = await self._conn.execute(to_psycopg(sql), args)
        return [tuple(row) for row in await cursor.fetchall()] if cursor.description else []

    async def execute(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        cursor = await self._conn.execute(to_psycopg(sql), args)
        return int(cursor.rowcount)

    async def execute_many(self, sql: str, args: list[tuple[Any, ...]]) -> None:
        if args:
            async with self._conn.cursor() as cursor:
                await cursor.executemany(to_psycopg(sql), args)


class PostgresDatabase:
    """A pool of autocommit connections; transactions take one connection for their length."""

    dialect: Dialect = "postgresql"

    def __init__(self, url: str, pool: AsyncConnectionPool[Any]) -> None:
        self._url = safe_url(url)
        self._pool = pool

    @classmethod
    async def open(cls, url: str) -> PostgresDatabase:
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            url, min_size=1, max_size=POOL_SIZE, open=False, kwargs={"autocommit": True}
        )
        try:
            await pool.open(wait=True, timeout=CONNECT_TIMEOUT)
        except Exception as exc:
            await pool.close()
            raise ConfigurationError(
                f"cannot connect to the PostgreSQL database {safe_url(url)} within "
                f"{CONNECT_TIMEOUT:g} s ({type(exc).__name__}); check the database setting "
                "and that the server is running"
            ) from None
        return cls(url, pool)

    async def fetch(self, sql: str, args: tuple[Any, ...] = ()) -> list[Row]:
        async with self._pool.connection() as conn:
            return await _Statements(conn).fetch(sql, args)

    async def execute(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        async with self._pool.connection() as conn:
            return await _Statements(conn).execute(sql, args)

    async def execute_many(self, sql: str, args: list[tuple[Any, ...]]) -> None:
        async with self._pool.connection() as conn:
            await _Statements(conn).execute_many(sql, args)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Executor]:
        async with self._pool.connection() as conn, conn.transaction():
            yield _Statements(conn)

    @asynccontextmanager
    async def locked(self, name: str) -> AsyncIterator[Executor]:
        async with self.transaction() as tx:
            await tx.fetch("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (name,))
            yield tx

    async def close(self) -> None:
        await self._pool.close()

    def __repr__(self) -> str:
        return f"PostgresDatabase({self._url!r})"
