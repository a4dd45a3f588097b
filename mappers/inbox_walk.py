"""ticketIssue's full listing: the conversations of every inbox, one inbox after the other.

Walking inboxes gives each conversation its project (the inbox being walked) with no request
per conversation. A conversation in several inboxes is listed once, under the first of them
in ``GET /inboxes`` order: that inbox is its project, here and in retrieve. The walk keeps the
inbox order and the ids it listed in its notes (walks.py), in this process and shared with
other workers page by page, so a later inbox skips what was listed without asking Front. A
page whose earlier pages are not all in the notes checks each conversation of a later inbox
(``GET /conversations/{id}/inboxes``) instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from connector_front.paging import all_results, one_page

from .base import (
    PAGE_SIZE,
    FrontApi,
    FrontItem,
    FrontJSON,
    ListQuery,
    MappedList,
    path_id,
    resume_at,
    with_related,
)
from .walks import Notes, OwnerWalks, WalkPosition

PREFIX = "inboxes:"
"""What a walking cursor starts with."""
_FOREIGN = "cursor is not a ticketIssue cursor; pass the 'next' value of the previous page"


@dataclass(frozen=True)
class WalkCursor(WalkPosition):
    """Where a walk stands: its notes' id, the inbox's position and id, Front's next link, how
    many pages came before (``step``), and the page size the walk was asked for."""

    walk: str
    at: int
    inbox: str
    next: str | None = None
    step: int = 0
    size: int = PAGE_SIZE

    prefix = PREFIX
    foreign = _FOREIGN

    def well_formed(self) -> bool:
        counts = (self.at, self.step, self.size)
        return all(isinstance(n, int) and n >= 0 for n in counts) and self.size >= 1


@dataclass
class WalkNotes:
    """What is known of a walk: the inbox order, each conversation listed (with the step of
    its page) and the steps served. A step missing from ``served`` leaves a gap: the notes are
    then not trusted for later pages (a replayed page is: what it listed later is ignored)."""

    inboxes: list[str]
    listed: dict[str, int] = field(default_factory=dict)
    served: set[int] = field(default_factory=set)

    def knows_all_before(self, step: int) -> bool:
        return all(earlier in self.served for earlier in range(step))

    def first_gap(self) -> int:
        return next(step for step in range(len(self.served) + 1) if step not in self.served)

    def listed_before(self, conversation: FrontJSON, step: int) -> bool:
        return self.listed.get(str(conversation["id"]), step) < step

    def note(self, step: int, listed: Sequence[str]) -> None:
        """Step ``step`` listed ``listed``; an id keeps the earliest step that listed it."""
        self.served.add(step)
        for conversation in listed:
            if self.listed.get(conversation, step + 1) > step:
                self.listed[conversation] = step

    def shared(self, step: int, listed: Sequence[str]) -> Notes:
        """One page's notes for other workers; the first page's also carry the inbox order."""
        return {"listed": list(listed), **({"inboxes": self.inboxes} if step == 0 else {})}

    @classmethod
    def from_shared(cls, pages: Sequence[tuple[int, Notes]]) -> WalkNotes | None:
        """The notes other workers shared, from the first page on (None without it)."""
        first = pages[0][1] if pages and pages[0][0] == 0 else None
        inboxes = first.get("inboxes") if first is not None else None
        if not isinstance(inboxes, list):
            return None
        notes = cls([str(inbox) for inbox in inboxes])
        notes.merge(pages)
        return notes

    def merge(self, pages: Sequence[tuple[int, Notes]]) -> None:
        for step, page in pages:
            listed = page.get("listed")
            if isinstance(listed, list):
                self.note(step, [str(conversation) for conversation in listed])


class InboxOrder:
    """The company's inboxes in ``GET /inboxes`` order, fetched once on first need."""

    def __init__(self, api: FrontApi, known: Sequence[str] | None = None) -> None:
        self._api = api
        self._ids = list(known) if known is not None else None
        self._lock = asyncio.Lock()

    async def ids(self) -> list[str]:
        async with self._lock:
            if self._ids is None:
                self._ids = [str(inbox["id"]) for inbox in await all_results(self._api, "/inboxes")]
            return self._ids

    async def first(self, inboxes: list[FrontJSON]) -> list[FrontJSON]:
        """``inboxes`` with the project first: the one that comes first in the order."""
        if len(inboxes) < 2:
            return inboxes
        position = {inbox: n for n, inbox in enumerate(await self.ids())}
        return sorted(inboxes, key=lambda i: position.get(str(i.get("id")), len(position)))


async def conversation_inboxes(api: FrontApi, conversation: FrontJSON) -> list[FrontJSON]:
    path = f"/conversations/{path_id(str(conversation['id']), model='ticketIssue')}/inboxes"
    return await all_results(api, path)


async def walk_inboxes(api: FrontApi, query: ListQuery) -> MappedList:
    """One page of the walk: Front's next page of the current inbox, or the next inbox's first."""
    walks = query.walks
    notes: WalkNotes | None
    if query.cursor is None:
        notes = WalkNotes(await InboxOrder(api).ids())
        walk_id = ""
        if walks is not None:
            walk_id, kept = walks.start()
            kept["notes"] = notes
        if not notes.inboxes:
            return MappedList(items=[], next_cursor=None)
        at = WalkCursor(walk_id, 0, notes.inboxes[0], size=query.limit or PAGE_SIZE)
    else:
        at = WalkCursor.decode(query.cursor)
        notes = await _known_notes(walks, at)
    order = notes.inboxes if notes is not None else await InboxOrder(api).ids()
    k = at.at if at.at < len(order) and order[at.at] == at.inbox else _moved(order, at)
    if k is None:
        return MappedList(items=[], next_cursor=None)
    inbox = order[k]
    path = f"/inboxes/{path_id(inbox, model='ticketIssue')}/conversations"
    next_url = resume_at(query, at.next) if inbox == at.inbox else None  # a gone inbox's: nowhere
    size = query.limit or at.size  # a later inbox's first page: the walk's size
    page = await one_page(api, path, params={"limit": size}, next_url=next_url)
    found = page.results
    if k > 0:
        found = await _first_listed_here(api, found, order, k, notes, at.step)
    listed = [str(conversation["id"]) for conversation in found]
    if notes is not None:
        notes.note(at.step, listed)
        if walks is not None and at.walk:
            await walks.share(at.walk, at.step, notes.shared(at.step, listed))
    items = [FrontItem(conversation, {"inboxes": [{"id": inbox}]}) for conversation in found]
    step = at.step + 1
    if page.next_url:
        following: WalkCursor | None = WalkCursor(at.walk, k, inbox, page.next_url, step, size)
    elif k + 1 < len(order):
        following = WalkCursor(at.walk, k + 1, order[k + 1], None, step, size)
    else:
        following = None
    return MappedList(items=items, next_cursor=following.encode() if following else None)


async def _known_notes(walks: OwnerWalks | None, at: WalkCursor) -> WalkNotes | None:
    """The walk's notes when they know every page before ``at``: this process's, completed
    with what other workers shared; None while any earlier page is unknown."""
    if walks is None or not at.walk:
        return None
    kept = walks.find(at.walk)
    notes: WalkNotes | None = kept.get("notes") if kept else None
    if notes is not None and notes.knows_all_before(at.step):
        return notes
    shared = await walks.shared_since(at.walk, notes.first_gap() if notes is not None else 0)
    if notes is None:
        notes = WalkNotes.from_shared(shared)
        if notes is None:
            return None
        walks.keep(at.walk, {"notes": notes})
    else:
        notes.merge(shared)
    return notes if notes.knows_all_before(at.step) else None


def _moved(order: list[str], at: WalkCursor) -> int | None:
    """Where the cursor's inbox is now; if it is gone, the inbox now at its position."""
    if at.inbox in order:
        return order.index(at.inbox)
    return at.at if at.at < len(order) else None


async def _first_listed_here(
    api: FrontApi,
    found: list[FrontJSON],
    order: list[str],
    k: int,
    notes: WalkNotes | None,
    step: int,
) -> list[FrontJSON]:
    """The conversations of inbox ``order[k]`` not listed under an earlier inbox: by the
    walk's notes, else by asking Front for each one's inboxes."""
    if notes is not None:
        return [c for c in found if not notes.listed_before(c, step)]
    inboxes = InboxOrder(api, order)
    firsts = await with_related(found, lambda c: _project_id(api, inboxes, c))
    return [c for c, first in zip(found, firsts, strict=True) if first == order[k]]


async def _project_id(api: FrontApi, order: InboxOrder, conversation: FrontJSON) -> str | None:
    ranked = await order.first(await conversation_inboxes(api, conversation))
    return str(ranked[0]["id"]) if ranked else None
