"""Each owner's conversation activity from Front's Events API: read forward from a position,
turned into unified events, logged, and only then the position moved.

Front's Events API lists full events (the conversation, and the message or comment that is the
target), 15 to a request: the cheapest way to learn conversation changes. Webhook processing
reads it when deliveries arrive, event sync when it polls; both read from the one position per
owner (the newest event time read and logged) and move it forward only, so neither reads again
what the other has. One reader per owner at a time (a lease in the database, and a mark in this
process), so two workers never pay for the same pages.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Literal, Protocol

from connector_front.connection import Connection
from connector_front.events.builder import EventBuilder
from connector_front.events.log import Appended, EventLog
from connector_front.mappers.base import FrontJSON
from connector_front.mappers.events import emitted_at
from connector_front.models.event import EventSource
from connector_front.store import Database
from connector_front.store.leases import Leases

STREAM = "events_api"
"""The owner's conversation stream in ``sync_cursors`` (shared by ticketIssue and ticketComment)."""

ADVANCE_KNOWN = (
    "UPDATE sync_cursors SET cursor = CASE WHEN cursor IS NULL OR cursor < ? THEN ? ELSE cursor"
    " END, updated_at = ? WHERE owner_id = ? AND feed = ?"
)
ADVANCE_OR_START = (
    "INSERT INTO sync_cursors (owner_id, feed, cursor, last_full_scan, updated_at)"
    " VALUES (?, ?, ?, NULL, ?) ON CONFLICT (owner_id, feed) DO UPDATE SET cursor = CASE"
    " WHEN sync_cursors.cursor IS NULL OR sync_cursors.cursor < excluded.cursor"
    " THEN excluded.cursor ELSE sync_cursors.cursor END, updated_at = excluded.updated_at"
)
"""Positions move forward only: whoever read further, its position stays."""


class Readers(Protocol):
    """What reading a stream uses of the connector: connections, the builder, the log."""

    event_log: EventLog
    event_builder: EventBuilder

    def connection(self, owner_id: str) -> Connection: ...


@dataclass(frozen=True)
class StreamPage:
    """One page read: Front's events as listed, the unified events it added to the log."""

    front_events: list[FrontJSON]
    appended: list[Appended]

    @property
    def ids(self) -> set[str]:
        return {str(e["id"]) for e in self.front_events if isinstance(e.get("id"), str)}


StreamProgress = Callable[[Literal["listing", "emitted", "committed"], StreamPage], None]
"""Told of each page at each step: read, logged, position moved."""


class EventStream:
    """Reads owners' Events-API streams for the connector (webhook processing and sync)."""

    def __init__(
        self,
        owners: Readers,
        database: Database,
        *,
        clock: Callable[[], float] = time.time,
        leases: Leases | None = None,
    ) -> None:
        self._owners = owners
        self._db = database
        self._clock = clock
        self._leases = leases or Leases(database, clock=clock)
        self._reading: set[str] = set()
        """Owners whose stream this process is reading now."""

    async def position(self, owner_id: str) -> float | None:
        """Where the owner's stream has been read to (None: never read)."""
        rows = await self._db.fetch(
            "SELECT cursor FROM sync_cursors WHERE owner_id = ? AND feed = ?", (owner_id, STREAM)
        )
        return None if not rows or rows[0][0] is None else float(rows[0][0])

    async def advance(self, owner_id: str, to: float, *, start: bool = True) -> None:
        """Move the position forward to ``to`` (never back); without ``start``, only a
        position that exists (the first pass of sync sets where the stream begins)."""
        now = self._clock()
        if start:
            await self._db.execute(ADVANCE_OR_START, (owner_id, STREAM, to, now))
        else:
            await self._db.execute(ADVANCE_KNOWN, (to, to, now, owner_id, STREAM))

    @asynccontextmanager
    async def reading(self, owner_id: str) -> AsyncIterator[bool]:
        """Hold the owner's stream for the block; yields False (holding nothing) when another
        reader, here or in another worker, has it."""
        if owner_id in self._reading:
            yield False
            return
        self._reading.add(owner_id)
        try:
            async with self._leases.hold(f"events:{owner_id}") as held:
                yield held
        finally:
            self._reading.discard(owner_id)

    async def read(
        self,
        owner_id: str,
        *,
        after: float | None,
        models: Collection[str],
        source: EventSource,
        types: Collection[str] = (),
        start: bool = True,
        progress: StreamProgress | None = None,
    ) -> AsyncIterator[StreamPage]:
        """The stream from ``after`` to its end (of ``types`` only, when given), a page at a
        time: each page's events logged, then the position moved to its newest event (see
        :meth:`advance` for ``start``). Read as the first of ``models`` (``model::events``);
        ``progress`` hears of each page once read, once logged, once the position moved."""
        owners = self._owners
        pages = owners.connection(owner_id).activity(next(iter(models)), after=after, types=types)
        async for batch in pages:
            page = StreamPage(batch, [])
            if progress is not None:
                progress("listing", page)
            events = await owners.event_builder.from_front_events(
                owner_id, batch, source, models=models
            )
            page = StreamPage(batch, await owners.event_log.append(events))
            if progress is not None:
                progress("emitted", page)
            stamps = [t for e in batch if (t := emitted_at(e)) is not None]
            if stamps:
                await self.advance(owner_id, max(stamps), start=start)
            if progress is not None:
                progress("committed", page)
            yield page

    def __repr__(self) -> str:
        return f"EventStream({self._db!r})"
