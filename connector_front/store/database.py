"""The database behind every store, chosen by the ``database`` setting.

``sqlite:///path`` or a plain path is an SQLite file; ``postgresql://...`` (or
``postgres://...``) is a PostgreSQL server shared by several worker processes. SQL is written
once, with ``?`` placeholders and syntax both accept (``ON CONFLICT``, ``RETURNING``).
"""

from __future__ import annotations

import re
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal, Protocol

from connector_front.errors import ConfigurationError

Row = tuple[Any, ...]
Dialect = Literal["sqlite", "postgresql"]


class Executor(Protocol):
    """Runs statements: on the database itself, or inside one transaction."""

    async def fetch(self, sql: str, args: tuple[Any, ...] = ()) -> list[Row]:
        """Rows of a query (or of ``RETURNING``)."""
        ...

    async def execute(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        """Run a statement; the number of rows it changed."""
        ...

    async def execute_many(self, sql: str, args: list[tuple[Any, ...]]) -> None: ...


class Database(Executor, Protocol):
    """A connection pool with transactions and cross-process locks."""

    dialect: Dialect

    def transaction(self) -> AbstractAsyncContextManager[Executor]:
        """A write transaction, committed on exit and rolled back on error."""
        ...

    def locked(self, name: str) -> AbstractAsyncContextManager[Executor]:
        """A transaction that also holds the lock ``name`` across every process on this
        database until it ends (PostgreSQL: an advisory lock; SQLite: the write lock). A
        process killed while holding it releases it."""
        ...

    async def close(self) -> None: ...


SCHEMES: dict[str, Dialect] = {
    "sqlite": "sqlite",
    "postgresql": "postgresql",
    "postgres": "postgresql",
}
EXAMPLES = "sqlite:///relative/path.sqlite3, a plain file path, or postgresql://user@host/dbname"


def parse_database(setting: str) -> tuple[Dialect, str]:
    """The dialect of a ``database`` setting and its file path or server URL.

    Anything that looks like a URL the connector cannot use is a configuration error, never a
    file silently created under that name.
    """
    text = setting.strip()
    scheme, sep, rest = text.partition("://")
    if not text or text == ":memory:":
        raise ConfigurationError(
            f"database {text!r} cannot hold tokens across restarts or workers; use {EXAMPLES}"
        )
    if sep:
        dialect = SCHEMES.get(scheme.lower())
        if dialect is None:
            raise ConfigurationError(
                f"database has the scheme {scheme!r}, which the connector cannot use; use "
                f"{EXAMPLES}"
            )
        if dialect == "postgresql":
            return dialect, text
        path = rest.removeprefix("/")
        if not path or path == ":memory:":
            raise ConfigurationError(f"database {text!r} names no SQLite file; use {EXAMPLES}")
        return dialect, path
    url_like = re.match(r"(?i)(sqlite|postgres(ql)?):", text)
    if url_like:  # the rest may hold a password: only the scheme is named
        raise ConfigurationError(
            f"database starts with {url_like.group(0)!r} but has no '//' after it; use {EXAMPLES}"
        )
    return "sqlite", text
