"""Rows from many callers committed together, on both backends; SQLite writers take turns."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from connector_front.store import Database, open_database
from connector_front.store import sqlite as sqlite_backend
from connector_front.store.database import Executor, Row
from connector_front.store.group_insert import GroupInsert
from connector_front.webhooks.queue import DeliveryQueue

INSERT = (
    "INSERT INTO webhook_deliveries (received_at, kind, event) VALUES (?, ?, ?) RETURNING id, kind"
)


class Commits:
    """The database, counting what commits: transactions and statements that write."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self.dialect = database.dialect
        self.commits = 0

    async def fetch(self, sql: str, args: tuple[Any, ...] = ()) -> list[Row]:
        self.commits += not sql.lstrip().upper().startswith("SELECT")
        return await self._db.fetch(sql, args)

    async def execute(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        self.commits += 1
        return await self._db.execute(sql, args)

    async def execute_many(self, sql: str, args: list[tuple[Any, ...]]) -> None:
        self.commits += 1
        await self._db.execute_many(sql, args)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Executor]:
        self.commits += 1
        async with self._db.transaction() as tx:
            yield tx

    def locked(self, name: str) -> Any:
        self.commits += 1
        return self._db.locked(name)

    async def close(self) -> None:
        await self._db.close()


@asynccontextmanager
async def counted(database_url: str) -> AsyncIterator[Commits]:
    database = Commits(await open_database(database_url))
    try:
        yield database
    finally:
        await database.close()


async def test_deliveries_stored_together_share_one_commit(database_url: str) -> None:
    """40 deliveries arriving at once: each caller gets its own id once its row is committed,
    in a few commits instead of 40."""
    async with counted(database_url) as database:
        queue = DeliveryQueue(database)  # type: ignore[arg-type]
        ids = await asyncio.gather(
            *(queue.add(kind="application", event={"id": f"evt_{n}"}) for n in range(40))
        )
        assert database.commits <= 3
        assert len(set(ids)) == 40
        rows = await database.fetch("SELECT id, event FROM webhook_deliveries ORDER BY id")
    assert sorted(ids) == [row[0] for row in rows]
    stored = {row[0]: row[1] for row in rows}
    assert [stored[i] for i in ids] == [f'{{"id": "evt_{n}"}}' for n in range(40)]


async def test_a_failing_row_fails_only_its_own_caller(database_url: str) -> None:
    """The batch's transaction fails on one row: the others are written one by one."""
    async with counted(database_url) as database:
        insert = GroupInsert(database, INSERT)  # type: ignore[arg-type]
        rows = [(1.0, f"kind-{n}", "{}") for n in range(5)]
        rows[2] = (1.0, None, "{}")  # kind is NOT NULL
        answers = await asyncio.gather(*(insert.insert(r) for r in rows), return_exceptions=True)
        assert isinstance(answers[2], Exception)
        assert [a[1] for a in answers if not isinstance(a, BaseException)] == [
            "kind-0", "kind-1", "kind-3", "kind-4",
        ]  # fmt: skip
        kinds = await database.fetch("SELECT kind FROM webhook_deliveries ORDER BY id")
        assert [k for (k,) in kinds] == ["kind-0", "kind-1", "kind-3", "kind-4"]
        assert (await insert.insert((2.0, "later", "{}")))[1] == "later"  # and it goes on


async def test_a_caller_that_stops_waiting_still_has_its_row_written(database_url: str) -> None:
    async with counted(database_url) as database:
        insert = GroupInsert(database, INSERT)  # type: ignore[arg-type]
        gone = asyncio.ensure_future(insert.insert((1.0, "gone", "{}")))
        kept = asyncio.ensure_future(insert.insert((1.0, "kept", "{}")))
        await asyncio.sleep(0)  # both are waiting for the transaction
        gone.cancel()
        assert (await kept)[1] == "kept"
        assert gone.cancelled()
        kinds = await database.fetch("SELECT kind FROM webhook_deliveries ORDER BY id")
        assert [k for (k,) in kinds] == ["gone", "kept"]


async def test_sqlite_writers_of_one_process_wait_their_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that arrives while another transaction of this process holds SQLite's write
    lock waits for it, however long it takes: it is not left to SQLite's busy timeout (which
    sleeps in steps of up to 100 ms, and gives up at the end)."""
    monkeypatch.setattr(sqlite_backend, "BUSY_TIMEOUT_MS", 50)
    database = await open_database(str(tmp_path / "turns.sqlite3"))
    try:
        holding = asyncio.Event()

        async def long_transaction() -> None:
            async with database.transaction() as tx:
                await tx.execute(
                    "INSERT INTO leases (name, holder, expires_at) VALUES ('a', 'x', 1)"
                )
                holding.set()
                await asyncio.sleep(0.5)  # ten times the busy timeout

        held = asyncio.create_task(long_transaction())
        await holding.wait()
        await database.execute("INSERT INTO leases (name, holder, expires_at) VALUES ('b', 'y', 1)")
        await held
        names = await database.fetch("SELECT name FROM leases ORDER BY name")
        assert names == [("a",), ("b",)]
    finally:
        await database.close()
