"""Sync state per (owner, feed) in the connector's database: the cursor and the known records.

A feed is a model (``genericContact``) or the shared conversation stream (``events_api``).
``known`` holds, per record id, the fingerprint seen last (its ``updatedAt`` or a content hash):
what the next pass compares against to tell created, updated and deleted records apart.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from connector_front.errors import ConflictError
from connector_front.store import Database
from connector_front.sync.lease import Leases, pass_lease


@dataclass(frozen=True)
class FeedState:
    """Where a feed's last pass ended: ``cursor`` (Front seconds) and its last full id listing."""

    cursor: float | None
    last_full_scan: float | None


class SyncStateStore:
    """Cursors and known fingerprints; every write of one pass lands in one transaction."""

    def __init__(
        self,
        database: Database,
        *,
        clock: Callable[[], float] = time.time,
        leases: Leases | None = None,
    ) -> None:
        self._db = database
        self._clock = clock
        self._leases = leases
        """When given, a commit lands only while this process holds the owner's pass lease."""

    async def load(self, owner_id: str, feed: str) -> FeedState | None:
        """The feed's state, or None when it was never synced (its first pass is a baseline)."""
        rows = await self._db.fetch(
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
        rows = await self._db.fetch(
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
        async with self._db.transaction() as tx:
            if self._leases is not None and not await self._leases.held(tx, pass_lease(owner_id)):
                raise ConflictError(
                    f"the sync pass of owner {owner_id} lost its lease (this process stalled "
                    f"past it) and another worker took over; the {feed} state is left to that "
                    "worker, and the next pass continues from where it gets"
                )
            await tx.execute_many(
                "INSERT INTO sync_known (owner_id, feed, record_id, fingerprint)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (owner_id, feed, record_id)"
                " DO UPDATE SET fingerprint = excluded.fingerprint",
                [(owner_id, feed, rid, fp) for rid, fp in (seen or {}).items()],
            )
            await tx.execute_many(
                "DELETE FROM sync_known WHERE owner_id = ? AND feed = ? AND record_id = ?",
                [(owner_id, feed, rid) for rid in gone],
            )
            await tx.execute(
                "INSERT INTO sync_cursors (owner_id, feed, cursor, last_full_scan, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (owner_id, feed) DO UPDATE SET"
                " cursor = excluded.cursor, last_full_scan = excluded.last_full_scan,"
                " updated_at = excluded.updated_at",
                (owner_id, feed, state.cursor, state.last_full_scan, now),
            )

    def __repr__(self) -> str:
        return f"SyncStateStore({self._db!r})"
