"""What a listing remembers between its pages: notes kept by walk id.

A listing is a series of calls, each carrying a cursor. What is stable within a listing (the
inboxes it walks, the conversations it already listed) is kept under a walk id the cursor
carries, so later pages need no request to learn it again. Notes live in this process; where
other processes may serve the next pages, each page's notes are also shared through the
connector's database (:class:`SharedNotes`), so a page another worker serves reads them there.
A page that finds no notes (a process that shared none, or notes pruned after a day) makes
the mapper ask Front: the answer stays right and only costs more requests.
"""

from __future__ import annotations

import json
import secrets
from collections import OrderedDict
from typing import Any, ClassVar, Protocol, Self

from connector_front.errors import InvalidCursorError

WALKS_KEPT = 64
"""Walks remembered at once per connector; the least recently used is forgotten first."""

Notes = dict[str, Any]


class WalkPosition:
    """Where a walk stands, as the mapper's cursor text: ``prefix`` and the fields as JSON.

    Subclasses are dataclasses; :meth:`decode` refuses text that is not one of them, or one
    whose values :meth:`well_formed` rejects, with ``foreign`` as the message.
    """

    prefix: ClassVar[str]
    foreign: ClassVar[str]

    def encode(self) -> str:
        return self.prefix + json.dumps(vars(self), separators=(",", ":"))

    @classmethod
    def decode(cls, value: str) -> Self:
        text = value.removeprefix(cls.prefix) if value.startswith(cls.prefix) else None
        try:
            data = None if text is None else json.loads(text)
            position = cls(**data) if isinstance(data, dict) else None
        except (ValueError, TypeError):
            position = None
        if position is None or not position.well_formed():
            raise InvalidCursorError(cls.foreign)
        return position

    def well_formed(self) -> bool:
        return True


class SharedNotes(Protocol):
    """Each page's notes where every worker reads them, by ``(owner, walk id, step)``; the
    first note of a step is kept (a replayed page writes nothing new)."""

    async def add(self, owner: str, walk: str, step: int, notes: Notes) -> None: ...

    async def since(self, owner: str, walk: str, step: int) -> list[tuple[int, Notes]]:
        """The notes of the walk's pages from ``step`` on, in step order."""
        ...


class WalkMemory:
    """Notes of the most recent listings, by ``(owner, walk id)``, and the shared notes."""

    def __init__(self, kept: int = WALKS_KEPT, shared: SharedNotes | None = None) -> None:
        self._kept = kept
        self._walks: OrderedDict[tuple[str, str], Notes] = OrderedDict()
        self.shared = shared

    def start(self, owner: str) -> tuple[str, Notes]:
        """A new walk of ``owner``: its id (for the cursor) and its empty notes."""
        walk_id = secrets.token_urlsafe(9)
        return walk_id, self.keep(owner, walk_id, {})

    def keep(self, owner: str, walk_id: str, notes: Notes) -> Notes:
        """Remember ``notes`` for the walk (read back from the shared notes, say)."""
        self._walks[(owner, walk_id)] = notes
        self._walks.move_to_end((owner, walk_id))
        while len(self._walks) > self._kept:
            self._walks.popitem(last=False)
        return notes

    def find(self, owner: str, walk_id: str) -> Notes | None:
        """The notes of a walk, or None when this process does not (or no longer) know it."""
        notes = self._walks.get((owner, walk_id))
        if notes is not None:
            self._walks.move_to_end((owner, walk_id))
        return notes

    def __repr__(self) -> str:
        shared = "" if self.shared is None else f", shared={self.shared!r}"
        return f"WalkMemory(walks={len(self._walks)}{shared})"


class OwnerWalks:
    """One owner's view of a :class:`WalkMemory`: what a mapper is handed with a listing."""

    def __init__(self, memory: WalkMemory, owner: str) -> None:
        self._memory = memory
        self._owner = owner

    def start(self) -> tuple[str, Notes]:
        return self._memory.start(self._owner)

    def find(self, walk_id: str) -> Notes | None:
        return self._memory.find(self._owner, walk_id)

    def keep(self, walk_id: str, notes: Notes) -> Notes:
        return self._memory.keep(self._owner, walk_id, notes)

    async def share(self, walk_id: str, step: int, notes: Notes) -> None:
        """Write one page's notes where other workers read them (nothing without a store)."""
        if self._memory.shared is not None:
            await self._memory.shared.add(self._owner, walk_id, step, notes)

    async def shared_since(self, walk_id: str, step: int) -> list[tuple[int, Notes]]:
        """The shared notes of the walk's pages from ``step`` on (none without a store)."""
        if self._memory.shared is None:
            return []
        return await self._memory.shared.since(self._owner, walk_id, step)
