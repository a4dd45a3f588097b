"""The durable event log: every unified event once per owner and idempotency key, oldest first.

Appending an event whose key the owner already has is a no-op, which is what makes webhook
redeliveries, Events-API backfills and repeated sync passes emit each change exactly once.
Positions (``seq``) only grow, so a reader that remembers the last one it saw misses nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from connector_front import observe
from connector_front.errors import InvalidInputError
from connector_front.models.event import EventPage, UnifiedEvent
from connector_front.observe.signals import EventLogged
from connector_front.store import Database
from connector_front.store.database import Dialect
from connector_front.util.parsing import parse_whole

APPEND_LOCK = "connector-front:event-log"
"""Appends hold this lock, so positions are handed out in commit order (see :meth:`append`)."""

OUTBOX_LEASE = 120.0
"""Seconds an outbox entry stays with the worker that took it before another may push it."""

MAX_PAGE = 500

DUE: dict[Dialect, str] = {
    "sqlite": "SELECT o.seq, o.attempts, e.body FROM event_outbox o"
    " JOIN unified_events e ON e.seq = o.seq"
    " WHERE o.delivered_at IS NULL AND o.next_attempt_at <= ? ORDER BY o.seq LIMIT ?",
    "postgresql": "SELECT o.seq, o.attempts, e.body FROM event_outbox o"
    " JOIN unified_events e ON e.seq = o.seq"
    " WHERE o.delivered_at IS NULL AND o.next_attempt_at <= ? ORDER BY o.seq LIMIT ?"
    " FOR UPDATE OF o SKIP LOCKED",
}
"""Due outbox entries; PostgreSQL skips those another worker is taking at this moment."""


@dataclass(frozen=True)
class Appended:
    """An event that was new to the log, with its position."""

    seq: int
    event: UnifiedEvent


class EventLog:
    """Unified events in the connector's database (shared by every worker process)."""

    def __init__(
        self,
        database: Database,
        *,
        outbox: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = database
        self._clock = clock
        self.outbox = outbox
        """When set, every new event also gets an outbox row in the same transaction, so an
        event is never recorded without being queued for delivery."""
        self.appended: Callable[[], None] | None = None
        """Called after events were stored (wakes the outbound pusher)."""

    async def append(self, events: Sequence[UnifiedEvent]) -> list[Appended]:
        """Store the events whose (owner, key) is new, in order; answers those stored.

        Appends from every process are serialized by one lock, so a position is committed
        before any larger one: a reader resuming after position N never misses an event that
        commits later with a smaller position.
        """
        if not events:
            return []
        now = self._clock()
        stored: list[Appended] = []
        async with self._db.locked(APPEND_LOCK) as tx:
            for event in events:
                rows = await tx.fetch(
                    "INSERT INTO unified_events (owner_id, idempotency_key, model, body,"
                    " recorded_at) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT (owner_id, idempotency_key) DO NOTHING RETURNING seq",
                    (
                        event.ownerId,
                        event.idempotencyKey,
                        event.model,
                        json.dumps(event.to_json(), separators=(",", ":")),
                        now,
                    ),
                )
                if rows:
                    stored.append(Appended(int(rows[0][0]), event))
            if self.outbox:
                await tx.execute_many(
                    "INSERT INTO event_outbox (seq, next_attempt_at) VALUES (?, ?)",
                    [(item.seq, now) for item in stored],
                )
        if stored and self.appended is not None:
            self.appended()
        if observe.listening():
            for item in stored:
                event = item.event
                lag = max(0.0, now - event.occurredAt.timestamp())
                observe.emit(EventLogged(event.model, event.trigger, event.source, lag))
        return stored

    async def due(
        self, limit: int = 50, *, lease: float = OUTBOX_LEASE
    ) -> list[tuple[int, int, str]]:
        """Take the outbox entries whose time has come: (seq, attempts so far, event JSON),
        oldest first.

        Taking one moves its next attempt ``lease`` seconds on, so no other worker pushes it
        meanwhile; :meth:`delivered` or :meth:`retry_later` settle it, and if this worker dies
        first the entry simply becomes due again when the lease runs out.
        """
        now = self._clock()
        async with self._db.transaction() as tx:
            rows = await tx.fetch(DUE[self._db.dialect], (now, limit))
            await tx.execute_many(
                "UPDATE event_outbox SET next_attempt_at = ? WHERE seq = ?",
                [(now + lease, row[0]) for row in rows],
            )
        return [(int(seq), int(attempts), str(body)) for seq, attempts, body in rows]

    async def delivered(self, seq: int) -> None:
        await self._db.execute(
            "UPDATE event_outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL"
            " WHERE seq = ?",
            (self._clock(), seq),
        )

    async def retry_later(self, seq: int, error: str, *, after: float) -> None:
        await self._db.execute(
            "UPDATE event_outbox SET attempts = attempts + 1, last_error = ?,"
            " next_attempt_at = ? WHERE seq = ?",
            (error, self._clock() + after, seq),
        )

    async def outbox_counts(self) -> dict[str, int]:
        rows = await self._db.fetch(
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
        rows = await self._db.fetch(
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
        rows = await self._db.fetch(
            f"SELECT seq, body FROM unified_events WHERE {' AND '.join(where)}"  # noqa: S608
            " ORDER BY seq LIMIT ?",
            (*args, limit),
        )
        events = [UnifiedEvent.model_validate_json(body) for _, body in rows]
        last = rows[-1][0] if rows else start
        return EventPage(data=events, next=None if after is None and not rows else str(last))

    async def count(self, owner_id: str | None = None) -> int:
        if owner_id is None:
            rows = await self._db.fetch("SELECT COUNT(*) FROM unified_events")
        else:
            rows = await self._db.fetch(
                "SELECT COUNT(*) FROM unified_events WHERE owner_id = ?", (owner_id,)
            )
        return int(rows[0][0])

    def __repr__(self) -> str:
        return f"EventLog({self._db!r})"


def parse_position(after: str | None) -> int:
    """A log position as given back in ``next``; anything else is a 400."""
    if after is None or after == "":
        return 0
    position = parse_whole(after, max_digits=18)
    if position is None:
        raise InvalidInputError(
            f"after must be a position from a previous page's 'next' (a whole number in "
            f"ASCII digits), got {after[:40]!r}",
            fields=["after"],
        )
    return position
