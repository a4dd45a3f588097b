"""What a listing remembers between its pages, in this process: notes kept by walk id.

A listing is a series of calls, each carrying a cursor. What is stable within a listing (the
inboxes it walks, the conversations it already listed) is kept here under a walk id the
cursor carries, so later pages need no request to learn it again. A page served by another
process, or after its walk was forgotten, finds no notes: the mapper then asks Front, so the
answer stays right and only costs more requests.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from typing import Any

WALKS_KEPT = 64
"""Walks remembered at once per connector; the least recently used is forgotten first."""

Notes = dict[str, Any]


class WalkMemory:
    """Notes of the most recent listings, by ``(owner, walk id)``."""

    def __init__(self, kept: int = WALKS_KEPT) -> None:
        self._kept = kept
        self._walks: OrderedDict[tuple[str, str], Notes] = OrderedDict()

    def start(self, owner: str) -> tuple[str, Notes]:
        """A new walk of ``owner``: its id (for the cursor) and its empty notes."""
        walk_id = secrets.token_urlsafe(9)
        notes: Notes = {}
        self._walks[(owner, walk_id)] = notes
        while len(self._walks) > self._kept:
            self._walks.popitem(last=False)
        return walk_id, notes

    def find(self, owner: str, walk_id: str) -> Notes | None:
        """The notes of a walk, or None when this process does not (or no longer) know it."""
        notes = self._walks.get((owner, walk_id))
        if notes is not None:
            self._walks.move_to_end((owner, walk_id))
        return notes

    def __repr__(self) -> str:
        return f"WalkMemory(walks={len(self._walks)})"


class OwnerWalks:
    """One owner's view of a :class:`WalkMemory`: what a mapper is handed with a listing."""

    def __init__(self, memory: WalkMemory, owner: str) -> None:
        self._memory = memory
        self._owner = owner

    def start(self) -> tuple[str, Notes]:
        return self._memory.start(self._owner)

    def find(self, walk_id: str) -> Notes | None:
        return self._memory.find(self._owner, walk_id)
