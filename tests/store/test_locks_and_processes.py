"""Transactions, cross-process locks and migrations across processes, on both backends.

A second :class:`Database` on the same setting stands for another worker; where a process must
really die (a lock released by a killed worker) or start at the same moment (migrations), the
test runs real subprocesses.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from connector_front.store import MIGRATIONS, Database, open_database

ROOT = Path(__file__).resolve().parents[2]

HOLD_LOCK = """
import asyncio, sys
from connector_front.store import open_database

async def main() -> None:
    db = await open_database(sys.argv[1])
    async with db.locked("job:1"):
        print("held", flush=True)
        await asyncio.sleep(3600)

asyncio.run(main())
"""

MIGRATE = """
import sys, asyncio
from connector_front.store import open_database

async def main() -> None:
    db = await open_database(sys.argv[1])
    await db.close()

asyncio.run(main())
"""


def _python(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def test_a_lock_excludes_another_worker_until_it_ends(database_url: str) -> None:
    first, second = await open_database(database_url), await open_database(database_url)
    order: list[str] = []
    holding = asyncio.Event()

    async def holder() -> None:
        async with first.locked("refresh:acme"):
            order.append("first in")
            holding.set()
            await asyncio.sleep(0.2)  # the other worker must still be waiting after this
            order.append("first out")

    async def waiter() -> None:
        await holding.wait()
        async with second.locked("refresh:acme"):
            order.append("second in")

    try:
        await asyncio.gather(holder(), waiter())
        assert order == ["first in", "first out", "second in"]
    finally:
        await first.close()
        await second.close()


async def test_locks_of_other_names_do_not_wait_on_postgresql(fresh_postgres: str) -> None:
    # SQLite has one write lock per file (every name at once); PostgreSQL locks each name.
    first, second = await open_database(fresh_postgres), await open_database(fresh_postgres)
    try:
        async with first.locked("refresh:acme"), second.locked("refresh:globex") as tx:
            assert await tx.fetch("SELECT 1") == [(1,)]
    finally:
        await first.close()
        await second.close()


async def test_a_killed_worker_releases_its_lock(database_url: str) -> None:
    db = await open_database(database_url)  # migrated first, so the child only takes the lock
    child = _python(HOLD_LOCK, database_url)
    try:
        assert child.stdout is not None
        line = await asyncio.to_thread(child.stdout.readline)
        assert line.strip() == "held", child.stderr.read() if child.stderr else ""
        waiting = asyncio.create_task(_take(db, "job:1"))
        await asyncio.sleep(0.2)
        assert not waiting.done(), "the lock was taken while another process held it"
        os.kill(child.pid, signal.SIGKILL)
        assert await asyncio.wait_for(waiting, 30) == "taken"
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        await db.close()


async def _take(db: Database, name: str) -> str:
    async with db.locked(name) as tx:
        await tx.execute(
            "INSERT INTO connections (owner_id, operations, created_at) VALUES (?, ?, ?)",
            ("after-kill", "[]", 1.0),
        )
    return "taken"


def test_two_processes_starting_at_once_apply_each_migration_once(database_url: str) -> None:
    children = [_python(MIGRATE, database_url) for _ in range(3)]
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err

    async def versions() -> list[int]:
        db = await open_database(database_url)
        try:
            rows = await db.fetch("SELECT version FROM schema_migrations ORDER BY version")
            return [int(v) for (v,) in rows]
        finally:
            await db.close()

    assert asyncio.run(versions()) == [m.version for m in MIGRATIONS]
