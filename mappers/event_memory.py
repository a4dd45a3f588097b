"""What an owner's events taught about what they name but do not carry, kept between events.

A full Front event carries its conversation and its target, but not the conversation's inboxes,
which a ticketIssue's project is read from. A message's event names them: it comes from the
inboxes its conversation is in (``source`` of type ``inboxes``). What events name, or what one
read of ``GET /conversations/{id}/inboxes`` answered, is kept here for ``ttl`` seconds, so a
busy conversation costs at most one read per lifetime, not one per event; a move (which
changes them) makes them unknown until named or read again.
The company's inbox order (``GET /inboxes``, which ranks a conversation's inboxes) is kept
alike. Reads of one entry made at once are shared.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, TypeVar

MEMORY_TTL = 900.0
"""Seconds an entry is trusted without an event confirming it."""
MEMORY_ENTRIES = 10_000
"""Conversations remembered per owner; the least recently used is forgotten first."""

Inbox = dict[str, Any]
"""An inbox as Front (or an event) gives it: at least its ``id``."""
FORGETTING = frozenset({"move", "conversations_merged"})
"""Event types that change a conversation's inboxes without naming them all."""
T = TypeVar("T")
Fetch = Callable[[], Awaitable[T]]


class _Entries(Generic[T]):
    """Values by key, each for ``ttl`` seconds, at most ``size`` of them; a read of a key made
    while another is under way waits for that one."""

    def __init__(self, ttl: float, size: int, clock: Callable[[], float]) -> None:
        self._ttl, self._size, self._clock = ttl, size, clock
        self._values: OrderedDict[str, tuple[float, T]] = OrderedDict()
        self._reading: dict[str, asyncio.Future[T]] = {}

    def get(self, key: str) -> T | None:
        found = self._values.get(key)
        if found is None or self._clock() - found[0] >= self._ttl:
            return None
        self._values.move_to_end(key)
        return found[1]

    def put(self, key: str, value: T) -> None:
        self._values[key] = (self._clock(), value)
        self._values.move_to_end(key)
        while len(self._values) > self._size:
            self._values.popitem(last=False)

    def drop(self, key: str) -> None:
        self._values.pop(key, None)

    async def get_or_read(self, key: str, read: Fetch[T]) -> T:
        known = self.get(key)
        if known is not None:
            return known
        pending = self._reading.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._reading[key] = future
        try:
            value = await read()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # its error is the reader's, not a loose one
            raise
        finally:
            self._reading.pop(key, None)
        self.put(key, value)
        future.set_result(value)
        return value

    def __len__(self) -> int:
        return len(self._values)


class EventMemory:
    """One owner's conversations' inboxes and inbox order, as events and single reads told."""

    def __init__(
        self,
        *,
        ttl: float = MEMORY_TTL,
        size: int = MEMORY_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inboxes: _Entries[list[Inbox]] = _Entries(ttl, size, clock)
        self._order: _Entries[list[str]] = _Entries(ttl, 1, clock)

    def learn(self, front_event: Mapping[str, Any]) -> None:
        """Keep what one Front event (full, or a webhook preview) says of its conversation's
        inboxes; forget them on a move."""
        conversation = front_event.get("conversation")
        conversation_id = conversation.get("id") if isinstance(conversation, Mapping) else None
        if not isinstance(conversation_id, str):
            return
        named = _inboxes_named(front_event)
        if front_event.get("type") in FORGETTING:
            self._inboxes.drop(conversation_id)
        elif named is not None:
            self._inboxes.put(conversation_id, named)

    async def inboxes(self, conversation_id: str, read: Fetch[list[Inbox]]) -> list[Inbox]:
        """The conversation's inboxes: as remembered, else as ``read`` answers (kept)."""
        return await self._inboxes.get_or_read(conversation_id, read)

    async def inbox_order(self, read: Fetch[list[str]]) -> list[str]:
        """The company's inbox ids in ``GET /inboxes`` order: as remembered, else read."""
        return await self._order.get_or_read("", read)

    def __repr__(self) -> str:
        return f"EventMemory(conversations={len(self._inboxes)})"


def _inboxes_named(front_event: Mapping[str, Any]) -> list[Inbox] | None:
    """The inboxes an event's source names (a message's: its conversation's inboxes); None
    when it names none."""
    source = front_event.get("source")
    if not isinstance(source, Mapping):
        return None
    meta, data = source.get("_meta"), source.get("data")
    if not (isinstance(meta, Mapping) and meta.get("type") == "inboxes" and isinstance(data, list)):
        return None
    inboxes = [dict(i) for i in data if isinstance(i, Mapping) and _has_id(i)]
    return inboxes or None


def _has_id(item: Mapping[str, Any]) -> bool:
    return isinstance(item.get("id"), str) and bool(item["id"])


class EventMemories:
    """Each owner's :class:`EventMemory`, for the owners seen most recently."""

    def __init__(self, owners: int = 1000, **memory: Any) -> None:
        self._owners = owners
        self._memory = memory
        self._by_owner: OrderedDict[str, EventMemory] = OrderedDict()

    def of(self, owner_id: str) -> EventMemory:
        memory = self._by_owner.get(owner_id)
        if memory is None:
            memory = self._by_owner[owner_id] = EventMemory(**self._memory)
        self._by_owner.move_to_end(owner_id)
        while len(self._by_owner) > self._owners:
            self._by_owner.popitem(last=False)
        return memory

    def __repr__(self) -> str:
        return f"EventMemories(owners={len(self._by_owner)})"
