"""ticketIssue's full listing: the conversations of every inbox, one inbox after the other.

Walking inboxes gives each conversation its project (the inbox being walked) with no request
per conversation. A conversation in several inboxes is listed once, under the first of them
in ``GET /inboxes`` order: that inbox is its project, here and in retrieve. The walk keeps the
inbox order and the ids it listed in its notes (walks.py), so a later inbox skips what was
listed without asking Front; a page whose walk this process does not know checks each
conversation of a later inbox (``GET /conversations/{id}/inboxes``) instead.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from connector_front.errors import InvalidInputError
from connector_front.paging import all_results, one_page

from .base import (
    FrontApi,
    FrontItem,
    FrontJSON,
    ListQuery,
    MappedList,
    list_params,
    path_id,
    with_related,
)

PREFIX = "inboxes:"
"""What a walking cursor starts with."""
_FOREIGN = "cursor is not a ticketIssue cursor; pass the 'next' value of the previous page"


@dataclass(frozen=True)
class WalkCursor:
    """Where a walk stands: its notes' id, the inbox's position and id, Front's next link, and
    how many pages came before (``step``)."""

    walk: str
    at: int
    inbox: str
    next: str | None = None
    step: int = 0

    def encode(self) -> str:
        return PREFIX + json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def decode(cls, value: str) -> WalkCursor:
        try:
            data = json.loads(value.removeprefix(PREFIX)) if value.startswith(PREFIX) else None
            cursor = cls(**data) if isinstance(data, dict) else None
        except (ValueError, TypeError):
            cursor = None
        if cursor is None or not all(
            isinstance(n, int) and n >= 0 for n in (cursor.at, cursor.step)
        ):
            raise InvalidInputError(_FOREIGN, fields=["cursor"])
        return cursor


@dataclass
class WalkNotes:
    """What this process saw of a walk: the inbox order, each conversation it listed (with the
    step of its page) and the steps it served. Pages served elsewhere leave a gap in
    ``served``; the notes are then not trusted (a replayed page is: what it listed later is
    ignored)."""

    inboxes: list[str]
    listed: dict[str, int] = field(default_factory=dict)
    served: set[int] = field(default_factory=set)

    def knows_all_before(self, step: int) -> bool:
        return all(earlier in self.served for earlier in range(step))

    def listed_before(self, conversation: FrontJSON, step: int) -> bool:
        return self.listed.get(str(conversation["id"]), step) < step


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
        at = WalkCursor(walk_id, 0, notes.inboxes[0])
    else:
        at = WalkCursor.decode(query.cursor)
        remembered = walks.find(at.walk) if walks is not None and at.walk else None
        notes = remembered.get("notes") if remembered else None
        if notes is not None and not notes.knows_all_before(at.step):
            notes = None
    order = notes.inboxes if notes is not None else await InboxOrder(api).ids()
    k = at.at if at.at < len(order) and order[at.at] == at.inbox else _moved(order, at)
    if k is None:
        return MappedList(items=[], next_cursor=None)
    inbox = order[k]
    path = f"/inboxes/{path_id(inbox, model='ticketIssue')}/conversations"
    next_url = at.next if inbox == at.inbox else None  # a gone inbox's link leads nowhere
    page = await one_page(api, path, params=list_params(query), next_url=next_url)
    found = page.results
    if k > 0:
        found = await _first_listed_here(api, found, order, k, notes, at.step)
    if notes is not None:
        notes.served.add(at.step)
        notes.listed.update((str(conversation["id"]), at.step) for conversation in found)
    items = [FrontItem(conversation, {"inboxes": [{"id": inbox}]}) for conversation in found]
    step = at.step + 1
    if page.next_url:
        following: WalkCursor | None = WalkCursor(at.walk, k, inbox, page.next_url, step)
    elif k + 1 < len(order):
        following = WalkCursor(at.walk, k + 1, order[k + 1], None, step)
    else:
        following = None
    return MappedList(items=items, next_cursor=following.encode() if following else None)


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
