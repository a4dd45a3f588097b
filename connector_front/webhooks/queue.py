"""The intake queue: each verified delivery stored durably before Front gets its 2xx.

Processing happens later (translation, routing to owners, enrichment); a delivery stays
``pending`` until it is done, so a crash in between only means it is processed again, and the
event log's keys make that harmless. Deliveries for a Front company with no connection here are
kept aside as ``unrouted``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Literal

from connector_front.store import Database
from connector_front.store.database import Dialect
from connector_front.store.group_insert import GroupInsert

logger = logging.getLogger("connector_front.webhooks")

Status = Literal["pending", "done", "unrouted", "failed"]
STATUSES: tuple[Status, ...] = ("pending", "done", "unrouted", "failed")

CLAIM_LEASE = 30.0
"""Seconds a claim lasts without renewal: a delivery nobody finished or renewed is claimed
again (its worker died); the ``claim_lease`` setting's default. A worker renews its claims
every third of the lease while it works on them (:meth:`DeliveryQueue.kept`)."""

CLAIM: dict[Dialect, str] = {
    "sqlite": "UPDATE webhook_deliveries SET claimed_at = ?, attempts = attempts + 1"
    " WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending'"
    " AND (claimed_at IS NULL OR claimed_at < ?) ORDER BY id LIMIT ?)"
    " RETURNING id, kind, rule_name, webhook_type, company_id, event, attempts, claimed_at",
    "postgresql": "UPDATE webhook_deliveries SET claimed_at = ?, attempts = attempts + 1"
    " WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending'"
    " AND (claimed_at IS NULL OR claimed_at < ?) ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)"
    " RETURNING id, kind, rule_name, webhook_type, company_id, event, attempts, claimed_at",
}
"""Claim pending deliveries in one statement; PostgreSQL skips rows another worker is claiming
(SQLite has one writer at a time anyway)."""


ADD = (
    "INSERT INTO webhook_deliveries (received_at, kind, rule_name, webhook_type, company_id,"
    " event, raw, headers) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)


PENDING_BY_COMPANY = (
    "SELECT COUNT(*), MIN(received_at) FROM webhook_deliveries WHERE status = 'pending'"
    " AND (claimed_at IS NULL OR claimed_at < ?) GROUP BY company_id"
)


@dataclass(frozen=True)
class Delivery:
    id: int
    kind: str
    rule_name: str | None
    webhook_type: str | None
    company_id: str | None
    event: dict[str, Any]
    attempts: int
    claimed_at: float = 0.0
    """The claim's stamp: renewing checks it, so a claim another worker took over is left be."""


def gather_wait(
    pending: Iterable[tuple[int, float]], now: float, window: float, page: int
) -> float | None:
    """Seconds until pending deliveries are worth processing (0: now), given each company's
    (count, oldest arrival): once a page of them is pending, or the oldest has waited
    ``window``. None when nothing is pending."""
    waits = [0.0 if n >= page else max(0.0, oldest + window - now) for n, oldest in pending]
    return min(waits, default=None)


class DeliveryQueue:
    """Webhook deliveries in the connector's database, each claimed by one worker at a time."""

    def __init__(
        self,
        database: Database,
        *,
        clock: Callable[[], float] = time.time,
        lease: float = CLAIM_LEASE,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._db = database
        self._clock = clock
        self._lease = lease
        self._sleep = sleep
        self._insert = GroupInsert(database, ADD)

    async def add(
        self,
        *,
        kind: str,
        event: Mapping[str, Any],
        webhook_type: str | None = None,
        company_id: str | None = None,
        rule_name: str | None = None,
        raw: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> int:
        """Store a verified delivery; ``raw`` and ``headers`` keep it exactly as received.
        Deliveries arriving together are committed together (one disk sync for them all)."""
        row = await self._insert.insert(
            (
                self._clock(),
                kind,
                rule_name,
                webhook_type,
                company_id,
                json.dumps(event),
                raw,
                json.dumps(dict(headers or {})),
            )
        )
        return int(row[0])

    async def captured(self, delivery_id: int) -> tuple[bytes, dict[str, str]] | None:
        """A stored delivery's raw body and Front headers, for ``webhooks replay``."""
        rows = await self._db.fetch(
            "SELECT raw, headers FROM webhook_deliveries WHERE id = ?", (delivery_id,)
        )
        if not rows or rows[0][0] is None:
            return None
        return bytes(rows[0][0]), json.loads(rows[0][1] or "{}")

    async def claim(self, limit: int = 50) -> list[Delivery]:
        """Up to ``limit`` pending deliveries, oldest first, leased to this worker.

        Claims from several processes never overlap: PostgreSQL skips the rows another
        transaction is claiming, SQLite's write lock takes turns. A claim nobody finished is
        taken again once its lease runs out: its worker died.
        """
        now = self._clock()
        rows = await self._db.fetch(CLAIM[self._db.dialect], (now, now - self._lease, limit))
        taken = [
            Delivery(int(r[0]), r[1], r[2], r[3], r[4], json.loads(r[5]), int(r[6]), float(r[7]))
            for r in rows
        ]
        return sorted(taken, key=lambda delivery: delivery.id)

    @asynccontextmanager
    async def kept(self, deliveries: Sequence[Delivery]) -> AsyncIterator[None]:
        """Renew the claims on ``deliveries`` every third of the lease while the block runs: a
        long batch is not claimed again by another worker, and a worker that dies (and stops
        renewing) gives its deliveries up within one lease, not a batch's length."""
        renewing = asyncio.create_task(self._renew(list(deliveries)))
        try:
            yield
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing

    async def _renew(self, deliveries: list[Delivery]) -> None:
        stamps = {d.claimed_at for d in deliveries}
        ids = [d.id for d in deliveries]
        while ids:
            await self._sleep(self._lease / 3)
            now = self._clock()
            marks = ", ".join("?" * len(ids))
            renewed: set[float] = set()
            for stamp in stamps:
                try:
                    await self._db.execute(
                        f"UPDATE webhook_deliveries SET claimed_at = ? WHERE id IN ({marks})"  # noqa: S608
                        " AND claimed_at = ? AND status = 'pending'",
                        (now, *ids, stamp),
                    )
                except Exception as exc:  # the database is away: try again at the next turn
                    logger.warning("renewing delivery claims failed (%s)", type(exc).__name__)
                    renewed.add(stamp)
                    continue
                renewed.add(now)
            stamps = renewed

    async def due_in(self, window: float, page: int) -> float | None:
        """Seconds until the pending deliveries are worth a batch (:func:`gather_wait`)."""
        now = self._clock()
        rows = await self._db.fetch(PENDING_BY_COMPANY, (now - self._lease,))
        return gather_wait([(int(n), float(oldest)) for n, oldest in rows], now, window, page)

    async def defer(
        self, delivery_ids: Sequence[int], note: str, *, after: float, counted: bool = True
    ) -> None:
        """Claim these deliveries again in ``after`` seconds; unless ``counted``, this claim
        does not count as one of their tries."""
        if not delivery_ids:
            return
        marks = ", ".join("?" * len(delivery_ids))
        tries = "attempts" if counted else "attempts - 1"
        await self._db.execute(
            f"UPDATE webhook_deliveries SET claimed_at = ?, error = ?, attempts = {tries}"  # noqa: S608
            f" WHERE id IN ({marks})",
            (self._clock() - self._lease + after, note, *delivery_ids),
        )

    async def finish(self, delivery_id: int, status: Status, error: str | None = None) -> None:
        await self.finish_many([delivery_id], status, error)

    async def finish_many(
        self, delivery_ids: list[int], status: Status, error: str | None = None
    ) -> None:
        """Settle several deliveries in one statement."""
        if not delivery_ids:
            return
        marks = ", ".join("?" * len(delivery_ids))
        await self._db.execute(
            f"UPDATE webhook_deliveries SET status = ?, error = ?, claimed_at = NULL"  # noqa: S608
            f" WHERE id IN ({marks})",
            (status, error, *delivery_ids),
        )

    async def retry_later(self, delivery_id: int, error: str, *, after: float) -> None:
        """Processing failed: claim the delivery again in ``after`` seconds."""
        await self._db.execute(
            "UPDATE webhook_deliveries SET claimed_at = ?, error = ? WHERE id = ?",
            (self._clock() - self._lease + after, error, delivery_id),
        )

    async def counts(self) -> dict[str, int]:
        rows = await self._db.fetch(
            "SELECT status, COUNT(*) FROM webhook_deliveries GROUP BY status"
        )
        found = {str(status): int(n) for status, n in rows}
        return {status: found.get(status, 0) for status in STATUSES}

    def __repr__(self) -> str:
        return f"DeliveryQueue({self._db!r})"
