"""Listing walks' notes in the shared database, so any worker can serve a walk's next page.

One row per page served: ``(owner, walk, step)`` and the page's notes as JSON (for an issue
walk, the conversations it listed). The first write of a step is kept, so a replayed page
changes nothing. Each walk's first page prunes the notes older than :data:`KEPT_FOR`: a walk
paused longer still lists right, by asking Front again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from connector_front.store.database import Database

KEPT_FOR = 24 * 3600.0
"""Seconds a page's notes are kept after it was served."""

_ADD = (
    "INSERT INTO walk_notes (owner_id, walk, step, notes, written_at) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (owner_id, walk, step) DO NOTHING"
)
_SINCE = (
    "SELECT step, notes FROM walk_notes WHERE owner_id = ? AND walk = ? AND step >= ? ORDER BY step"
)


class DatabaseWalkNotes:
    """Walk notes in the ``walk_notes`` table, read by every worker on the database."""

    def __init__(
        self,
        database: Database,
        *,
        clock: Callable[[], float] = time.time,
        kept_for: float = KEPT_FOR,
    ) -> None:
        self._db = database
        self._clock = clock
        self._kept_for = kept_for

    async def add(self, owner: str, walk: str, step: int, notes: dict[str, Any]) -> None:
        now = self._clock()
        if step == 0:
            await self._db.execute(
                "DELETE FROM walk_notes WHERE written_at < ?", (now - self._kept_for,)
            )
        text = json.dumps(notes, separators=(",", ":"))
        await self._db.execute(_ADD, (owner, walk, step, text, now))

    async def since(self, owner: str, walk: str, step: int) -> list[tuple[int, dict[str, Any]]]:
        pages = []
        for found, text in await self._db.fetch(_SINCE, (owner, walk, step)):
            notes = json.loads(text)
            if isinstance(notes, dict):
                pages.append((int(found), notes))
        return pages

    def __repr__(self) -> str:
        return f"DatabaseWalkNotes({self._db!r})"
