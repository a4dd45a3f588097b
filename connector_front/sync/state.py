"""Sync state per (owner, feed) in the connector's SQLite file: the cursor and the known records.

A feed is a model (``genericContact``) or the shared conversation stream (``events_api``).
``known`` holds, per record id, the fingerprint seen last (its ``updatedAt`` or a content hash):
what the next pass compares against to tell created, updated and deleted records apart.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from connector_front.auth.tokens import SQLiteDatabase

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sync_cursors (
    owner_id       TEXT NOT NULL,
    feed           TEXT NOT NULL,
    cursor         REAL,
    last_full_scan REAL,
    updated_at     REAL NOT NULL,
    PRIMARY KEY (owner_id, feed)
);
CREATE TABLE IF NOT EXISTS sync_known (
    owner_id    TEXT NOT NULL,
    feed        TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    PRIMARY KEY (owner_id, feed, record_id)
);
"""


@dataclass(frozen=True)
class FeedState:
    """Where a feed's last pass ended: ``cursor`` (Front seconds) and its last full id listing."""

    cursor: float | None
    last_full_scan: float | None


class SyncStateStore:
    """Cursors and known fingerprints; every write of one pass lands in one transaction."""

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time) -> None:
        self._db = SQLiteDatabase(path, _SCHEMA)
        self._clock = clock

    async def load(self, owner_id: str, feed: str) -> FeedState | None:
        """The feed's state, or None when it was never synced (its first pass is a baseline)."""
        rows = await self._db.run(
            "SELECT cursor, last_full_scan FROM sync_cursors WHERE owner_id = ? AND feed = ?",
            (owner_id, feed),
        )
        if not rows:
            return None
        cursor, full = rows[0]
        return FeedState(
            None if cursor is None else float(cursor), None if full is None else float(full)
        )

    async def known(self, owner_id: str, feed: str) -> dict[str, str]:
        """Record id -> fingerprint, as the last committed pass left them."""
        rows = await self._db.run(
            "SELECT record_id, fingerprint FROM sync_known WHERE owner_id = ? AND feed = ?",
            (owner_id, feed),
        )
        return {str(record_id): str(fingerprint) for record_id, fingerprint in rows}

    async def commit(
        self,
        owner_id: str,
        feed: str,
        state: FeedState,
        *,
        seen: Mapping[str, str] | None = None,
        gone: Collection[str] = (),
    ) -> None:
        """Record the fingerprints ``seen``, forget the ids ``gone``, then move the cursor."""
        now = self._clock()

        def write(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "INSERT INTO sync_known (owner_id, feed, record_id, fingerprint)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (owner_id, feed, record_id)"
                " DO UPDATE SET fingerprint = excluded.fingerprint",
                [(owner_id, feed, rid, fp) for rid, fp in (seen or {}).items()],
            )
            conn.executemany(
                "DELETE FROM sync_known WHERE owner_id = ? AND feed = ? AND record_id = ?",
                [(owner_id, feed, rid) for rid in gone],
            )
            conn.execute(
                "INSERT INTO sync_cursors (owner_id, feed, cursor, last_full_scan, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (owner_id, feed) DO UPDATE SET"
                " cursor = excluded.cursor, last_full_scan = excluded.last_full_scan,"
                " updated_at = excluded.updated_at",
                (owner_id, feed, state.cursor, state.last_full_scan, now),
            )

        await self._db.transaction(write)

    def close(self) -> None:
        self._db.close()

    def __repr__(self) -> str:
        return f"SyncStateStore({str(self._db.path)!r})"
