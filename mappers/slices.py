"""Lists Front answers whole (teammates, teams, inboxes, a conversation's comments), paged here.

Front takes no ``limit`` or ``page_token`` on these endpoints: one request answers every item.
The first page asks Front for the list and serves the caller's ``limit`` of it. When more
remain, the list is kept in the listing's notes (walks.py): in this process, and where other
processes may serve the next pages, in the database too, so later pages cost no request. A page
whose notes are gone (a process that shared none, a walk older than a day) asks Front for the
list again and resumes after the last item served, found by its id (by its position when that
item is gone).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .walks import OwnerWalks, WalkPosition

PREFIX = "slice:"
"""What a sliced listing's cursor starts with."""

Items = list[dict[str, Any]]
Fetch = Callable[[], Awaitable[Items]]
"""One request for the whole list."""


@dataclass(frozen=True)
class SliceCursor(WalkPosition):
    """Where a sliced listing stands: its notes' id, the position of the next item, the id of
    the last item served, and the page size the listing was asked for."""

    walk: str
    at: int
    after: str
    size: int

    prefix = PREFIX
    foreign = "cursor is not one this listing issued; pass the 'next' value of the previous page"

    def well_formed(self) -> bool:
        texts, counts = (self.walk, self.after), (self.at, self.size)
        return (
            all(isinstance(text, str) for text in texts)
            and all(isinstance(n, int) and not isinstance(n, bool) for n in counts)
            and self.at >= 0
            and self.size >= 1
        )


@dataclass(frozen=True)
class Slice:
    """One page of a whole list: its items, the page size served, and where the next starts."""

    items: Items
    size: int
    next: SliceCursor | None

    @property
    def next_cursor(self) -> str | None:
        return None if self.next is None else self.next.encode()


async def slice_page(
    fetch: Fetch,
    *,
    limit: int | None,
    cursor: str | None,
    walks: OwnerWalks | None,
    default: int,
) -> Slice:
    """The page at ``cursor`` (None: the first) of the list ``fetch`` answers: ``limit`` items,
    else as many as the cursor's pages hold, else ``default``."""
    if cursor is None:
        return await _page(await fetch(), 0, "", limit or default, walks)
    at = SliceCursor.decode(cursor)
    whole, start = await _resumed(fetch, at, walks)
    return await _page(whole, start, at.walk, limit or at.size, walks)


async def _page(whole: Items, start: int, walk: str, size: int, walks: OwnerWalks | None) -> Slice:
    """``size`` items from ``start``, and a cursor when more follow (the first such page of a
    listing starts its notes)."""
    page, end = whole[start : start + size], start + size
    if end >= len(whole):
        return Slice(page, size, None)
    if not walk and walks is not None:
        walk, notes = walks.start()
        notes["items"] = whole
        await walks.share(walk, 0, {"items": whole})
    return Slice(page, size, SliceCursor(walk, end, str(whole[end - 1].get("id")), size))


async def _resumed(fetch: Fetch, at: SliceCursor, walks: OwnerWalks | None) -> tuple[Items, int]:
    """The list and where the cursor's page starts in it: from the notes, else from Front."""
    kept = await _kept(walks, at.walk)
    if kept is not None:
        return kept, min(at.at, len(kept))
    whole = await fetch()
    ids = [str(item.get("id")) for item in whole]
    return whole, (ids.index(at.after) + 1 if at.after in ids else min(at.at, len(whole)))


async def _kept(walks: OwnerWalks | None, walk: str) -> Items | None:
    """The list as the walk's first page had it: this process's notes, else the shared ones."""
    if walks is None or not walk:
        return None
    notes = walks.find(walk)
    if notes is not None and isinstance(notes.get("items"), list):
        items: Items = notes["items"]
        return items
    shared = await walks.shared_since(walk, 0)
    first = shared[0][1] if shared and shared[0][0] == 0 else {}
    found = first.get("items")
    if not isinstance(found, list):
        return None
    walks.keep(walk, {"items": found})
    return found
