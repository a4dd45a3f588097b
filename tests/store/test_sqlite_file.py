"""The embedded backend's file: owner-only, readable from the previous release, never blocking."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
from pathlib import Path

from connector_front.store import MIGRATIONS, open_database
from connector_front.store.connections import ConnectionStore

# The tables as the previous release's stores created them (each its own CREATE TABLE IF NOT
# EXISTS, no schema_migrations), before connections had company_id / permissions and OAuth
# states had an origin.
PREVIOUS_RELEASE = """
CREATE TABLE oauth_tokens (owner_id TEXT PRIMARY KEY, access_token TEXT NOT NULL,
    refresh_token TEXT, expires_at REAL, token_type TEXT NOT NULL, scope TEXT,
    updated_at REAL NOT NULL);
CREATE TABLE oauth_states (state_hash TEXT PRIMARY KEY, owner_id TEXT NOT NULL,
    expires_at REAL NOT NULL, used_at REAL);
CREATE TABLE connections (owner_id TEXT PRIMARY KEY, operations TEXT NOT NULL,
    created_at REAL NOT NULL);
CREATE TABLE unified_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, owner_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL, model TEXT NOT NULL, body TEXT NOT NULL,
    recorded_at REAL NOT NULL, UNIQUE (owner_id, idempotency_key));
INSERT INTO oauth_tokens VALUES ('acme', 'access-1', 'refresh-1', 2000000000, 'Bearer', NULL, 1);
INSERT INTO connections VALUES ('acme', '["genericContact::list"]', 5.0);
INSERT INTO unified_events (owner_id, idempotency_key, model, body, recorded_at)
    VALUES ('acme', 'k1', 'genericContact', '{}', 6.0);
"""


async def test_a_file_of_the_previous_release_opens_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(PREVIOUS_RELEASE)
    db = await open_database(str(path))
    try:
        versions = await db.fetch("SELECT version FROM schema_migrations ORDER BY version")
        assert [v for (v,) in versions] == [m.version for m in MIGRATIONS]
        assert await db.fetch("SELECT owner_id, refresh_token FROM oauth_tokens") == [
            ("acme", "refresh-1")
        ]
        assert await db.fetch("SELECT idempotency_key FROM unified_events") == [("k1",)]
        connections = ConnectionStore(db)
        info = await connections.get("acme")
        assert info is not None
        assert info.operations == ("genericContact::list",)
        assert info.company_id is None
        await connections.set_company("acme", "cmp_1")  # a column the old file lacked
        assert (await connections.get("acme")).company_id == "cmp_1"  # type: ignore[union-attr]
    finally:
        await db.close()


async def test_the_file_and_its_journal_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "store.sqlite3"
    db = await open_database(f"sqlite:///{path}")
    try:
        await db.execute(
            "INSERT INTO connections (owner_id, operations, created_at) VALUES ('o', '[]', 1)"
        )
        files = [path, *path.parent.glob("store.sqlite3-*")]
        assert len(files) >= 2  # the WAL journal too
        for file in files:
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    finally:
        await db.close()


async def test_a_writer_waiting_for_another_process_never_blocks_the_event_loop(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.sqlite3"
    db = await open_database(str(path))
    other = sqlite3.connect(path, isolation_level=None)  # another process's writer
    try:
        other.execute("BEGIN IMMEDIATE")
        write = asyncio.create_task(
            db.execute(
                "INSERT INTO connections (owner_id, operations, created_at) VALUES ('o', '[]', 1)"
            )
        )
        await asyncio.sleep(0.2)  # the loop runs on: a blocking write would hold it 30 s
        assert not write.done()
        other.execute("COMMIT")
        assert await asyncio.wait_for(write, 30) == 1
    finally:
        other.close()
        await db.close()
