"""The durable event log: every unified event once per owner and idempotency key, oldest first.

Appending an event whose key the owner already has is a no-op, which is what makes webhook
redeliveries, Events-API backfills and repeated sync passes emit each change exactly once.
Positions (``seq``) only grow, so a reader that remembers the last one it saw misses nothing.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from connector_front.auth.tokens import SQLiteDatabase
from connector_front.errors import InvalidInputError
from connector_front.models.event import EventPage, UnifiedEvent

_SCHEMA = """
CREATE TABLE IF NOT EXISTS unified_events (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id        TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    model           TEXT NOT NULL,
    body            TEXT NOT NULL,
    recorded_at     REAL NOT NULL,
    UNIQUE (owner_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS unified_events_owner ON unified_events (owner_id, seq);
CREATE TABLE IF NOT EXISTS event_outbox (
    seq             INTEGER PRIMARY KEY REFERENCES unified_events (seq),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error      TEXT,
    delivered_at    REAL
);
CREATE INDEX IF NOT EXISTS event_outbox_due ON event_outbox (delivered_at, next_attempt_at);
"""

MAX_PAGE = 500


@dataclass(frozen=True)
class Appended:
    """An event that was new to the log, with its position."""

    seq: int
    event: UnifiedEvent


class EventLog:
    """Unified events in the connector's SQLite file (the same file as tokens and connections)."""

    def __init__(
        self,
        path: str | Path,
        *,
        outbox: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = SQLiteDatabase(path, _SCHEMA)
        self._clock = clock
        self.outbox = outbox
        """When set, every new event also gets an outbox row in the same transaction, so an
        event is never recorded without being queued for delivery."""
        self.appended: Callable[[], None] | None = None
        """Called after events were stored (wakes the outbound pusher)."""

    async def append(self, events: Sequence[UnifiedEvent]) -> list[Appended]:
        """Store the events whose (owner, key) is new, in order; answers those stored."""
        if not events:
            return []
        now = self._clock()

        def insert(conn: sqlite3.Connection) -> list[Appended]:
            stored: list[Appended] = []
            for event in events:
                cursor = conn.execute(
                    "INSERT INTO unified_events (owner_id, idempotency_key, model, body,"
                    " recorded_at) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT (owner_id, idempotency_key) DO NOTHING",
                    (
                        event.ownerId,
                        event.idempotencyKey,
                        event.model,
                        json.dumps(event.to_json(), separators=(",", ":")),
                        now,
                    ),
                )
                if cursor.rowcount == 1 and cursor.lastrowid is not None:
                    stored.append(Appended(int(cursor.lastrowid), event))
            if self.outbox:
                conn.executemany(
                    "INSERT INTO event_outbox (seq, next_attempt_at) VALUES (?, ?)",
                    [(item.seq, now) for item in stored],
                )
            return stored

        stored = await self._db.transaction(insert)
        if stored and self.appended is not None:
            self.appended()
        return stored

    async def due(self, limit: int = 50) -> list[tuple[int, int, str]]:
        """Outbox entries whose time has come: (seq, attempts so far, event JSON), oldest first."""
        rows = await self._db.run(
            "SELECT o.seq, o.attempts, e.body FROM event_outbox o"
            " JOIN unified_events e ON e.seq = o.seq"
            " WHERE o.delivered_at IS NULL AND o.next_attempt_at <= ? ORDER BY o.seq LIMIT ?",
            (self._clock(), limit),
        )
        return [(int(seq), int(attempts), str(body)) for seq, attempts, body in rows]

    async def delivered(self, seq: int) -> None:
        await self._db.run(
            "UPDATE event_outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL"
            " WHERE seq = ?",
            (self._clock(), seq),
        )

    async def retry_later(self, seq: int, error: str, *, after: float) -> None:
        await self._db.run(
            "UPDATE event_outbox SET attempts = attempts + 1, last_error = ?,"
            " next_attempt_at = ? WHERE seq = ?",
            (error, self._clock() + after, seq),
        )

    async def outbox_counts(self) -> dict[str, int]:
        rows = await self._db.run(
            "SELECT COUNT(*) FILTER (WHERE delivered_at IS NOT NULL),"
            " COUNT(*) FILTER (WHERE delivered_at IS NULL) FROM event_outbox"
        )
        delivered, pending = rows[0]
        return {"delivered": int(delivered or 0), "pending": int(pending or 0)}

    async def known(self, owner_id: str, keys: Sequence[str]) -> set[str]:
        """Which of ``keys`` the owner's log already holds (to skip work already done)."""
        if not keys:
            return set()
        marks = ",".join("?" for _ in keys)
        rows = await self._db.run(
            f"SELECT idempotency_key FROM unified_events WHERE owner_id = ?"  # noqa: S608
            f" AND idempotency_key IN ({marks})",
            (owner_id, *keys),
        )
        return {str(row[0]) for row in rows}

    async def read(
        self,
        *,
        after: str | None = None,
        limit: int = 100,
        owner_id: str | None = None,
        model: str | None = None,
    ) -> EventPage:
        """Events after position ``after``, oldest first; ``next`` continues from the last one."""
        if isinstance(limit, bool) or not 1 <= limit <= MAX_PAGE:
            raise InvalidInputError(
                f"limit must be between 1 and {MAX_PAGE}, got {limit}", fields=["limit"]
            )
        start = parse_position(after)
        where: list[str] = ["seq > ?"]
        args: list[object] = [start]
        if owner_id is not None:
            where.append("owner_id = ?")
            args.append(owner_id)
        if model is not None:
            where.append("model = ?")
            args.append(model)
        rows = await self._db.run(
            f"SELECT seq, body FROM unified_events WHERE {' AND '.join(where)}"  # noqa: S608
            " ORDER BY seq LIMIT ?",
            (*args, limit),
        )
        events = [UnifiedEvent.model_validate_json(body) for _, body in rows]
        last = str(rows[-1][0]) if rows else after
        return EventPage(data=events, next=last)

    async def count(self, owner_id: str | None = None) -> int:
        if owner_id is None:
            rows = await self._db.run("SELECT COUNT(*) FROM unified_events")
        else:
            rows = await self._db.run(
                "SELECT COUNT(*) FROM unified_events WHERE owner_id = ?", (owner_id,)
            )
        return int(rows[0][0])

    def close(self) -> None:
        self._db.close()

    def __repr__(self) -> str:
        return f"EventLog({str(self._db.path)!r})"


def parse_position(after: str | None) -> int:
    """A log position as given back in ``next``; anything else is a 400."""
    if after is None or after == "":
        return 0
    if not after.isdigit() or len(after) > 18:
        raise InvalidInputError(
            f"after must be a position from a previous page's 'next' (a whole number), "
            f"got {after[:40]!r}",
            fields=["after"],
        )
    return int(after)
