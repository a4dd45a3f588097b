"""Unified changes -> unified events for one owner, each completed with its record when possible.

A change whose event carried its record in full (an Events-API event, a rule webhook's full
event) is completed from that, with what the record needs beyond it from the owner's
:class:`EventMemory`: no read. Other changes (a webhook preview's) read the record through
the owner's connection as ``model::events`` (the transport retries transient failures with
backoff). If Front still cannot give the record, the event goes out from what the change
itself says (model, trigger, id, references): nothing is held back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Coroutine, Mapping, Sequence
from typing import Any

from connector_front.connection import Connection
from connector_front.errors import ConnectorError
from connector_front.events.log import EventLog
from connector_front.mappers.event_memory import EventMemories
from connector_front.mappers.events import Change, is_new, translate
from connector_front.models.event import EventSource, UnifiedEvent, idempotency_key
from connector_front.models.record import Record
from connector_front.util.concurrency import bounded_gather

logger = logging.getLogger("connector_front.events")

ENRICH_CONCURRENCY = 8


class SharedReads:
    """Record reads shared by the deliveries of one batch: each (owner, model, id) is read from
    Front once, however many deliveries of the batch change it (a message, a tag and an
    assignment on one conversation). Safe because every delivery of a batch was stored before
    the batch was claimed: a read that starts after the claim sees each of their changes."""

    def __init__(self) -> None:
        self._reads: dict[tuple[str, str, str], asyncio.Task[Record | None]] = {}

    async def read(
        self, key: tuple[str, str, str], fetch: Callable[[], Coroutine[Any, Any, Record | None]]
    ) -> Record | None:
        task = self._reads.get(key)
        if task is None:
            task = self._reads[key] = asyncio.create_task(fetch())
            task.add_done_callback(_retrieved)
        # one caller cancelled (its delivery's processing stopped) leaves the read to the others
        return await asyncio.shield(task)


def _retrieved(task: asyncio.Task[Record | None]) -> None:
    """A read whose callers all stopped waiting: its error is theirs, not a loose one."""
    if not task.cancelled():
        task.exception()


class EventBuilder:
    """Turns changes into the owner's unified events, skipping those the log already has."""

    def __init__(
        self,
        log: EventLog,
        connection: Callable[[str], Connection],
        memories: EventMemories | None = None,
    ) -> None:
        self._log = log
        self._connection = connection
        self.memories = memories if memories is not None else EventMemories()
        """What each owner's events taught (a conversation's inboxes), shared by every build."""

    async def from_front_events(
        self,
        owner_id: str,
        front_events: Sequence[Mapping[str, Any]],
        source: EventSource,
        *,
        models: Collection[str] | None = None,
    ) -> list[UnifiedEvent]:
        """The events of full Front events (oldest first) the log does not have yet, of
        ``models`` only when given; what they name is remembered first."""
        memory = self.memories.of(owner_id)
        for front_event in front_events:
            memory.learn(front_event)
        changes = [
            change
            for front_event in front_events
            for change in translate(front_event)
            if models is None or change.model in models
        ]
        return await self.build(owner_id, changes, source)

    async def build(
        self,
        owner_id: str,
        changes: Sequence[Change],
        source: EventSource,
        *,
        reads: SharedReads | None = None,
    ) -> list[UnifiedEvent]:
        """The changes' events the log does not have yet, each with its record: as its event
        carried it, else read from Front (through ``reads``, when given, shared with the other
        deliveries of a batch)."""
        wanted = await self._subscribed(owner_id, changes)
        if not wanted:
            return []
        keys = [_key(c) for c in wanted]
        done = await self._log.known(owner_id, keys)
        todo = [c for c, key in zip(wanted, keys, strict=True) if key not in done]

        async def one(change: Change) -> UnifiedEvent:
            return await self._event(owner_id, change, source, reads)

        return await bounded_gather(todo, one, limit=ENRICH_CONCURRENCY)

    async def unlogged(self, owner_id: str, changes: Sequence[Change]) -> list[Change]:
        """The changes of models the owner receives events of that the log has no event for
        yet (a change that may be its record's creation counts under either key)."""
        wanted = await self._subscribed(owner_id, changes)
        candidates = [_keys(c) for c in wanted]
        known = await self._log.known(owner_id, [key for keys in candidates for key in keys])
        return [c for c, keys in zip(wanted, candidates, strict=True) if known.isdisjoint(keys)]

    async def _subscribed(self, owner_id: str, changes: Sequence[Change]) -> list[Change]:
        connection = self._connection(owner_id)
        subscribed = {m for m in {c.model for c in changes} if await connection.subscribed(m)}
        return [c for c in changes if c.model in subscribed]

    async def _event(
        self, owner_id: str, change: Change, source: EventSource, reads: SharedReads | None
    ) -> UnifiedEvent:
        record = await self._record(owner_id, change, reads)
        created = record.createdAt if record is not None else None
        if change.maybe_new and created and is_new(created.timestamp(), change.occurred_at):
            change = change.as_created()
        data: dict[str, Any] | None = record.to_json() if record is not None else None
        return UnifiedEvent.build(
            model=change.model,
            trigger=change.trigger,
            record_id=change.record_id,
            owner_id=owner_id,
            key=_key(change),
            occurred_at=change.occurred_at,
            source=source,
            references=list(change.references),
            data=data,
        )

    async def _record(
        self, owner_id: str, change: Change, reads: SharedReads | None
    ) -> Record | None:
        """The changed record (none for a deletion): as its event carried it, else as Front has
        it now, read once per batch when ``reads`` is given."""
        if change.trigger == "deleted":
            return None
        if change.front is not None:
            return await self._carried(owner_id, change, change.front)
        if reads is None:
            return await self._read(owner_id, change)
        key = (owner_id, change.model, change.record_id)
        return await reads.read(key, lambda: self._read(owner_id, change))

    async def _carried(
        self, owner_id: str, change: Change, front: Mapping[str, Any]
    ) -> Record | None:
        memory = self.memories.of(owner_id)
        try:
            return await self._connection(owner_id).watch(change.model).from_event(
                dict(front), memory
            )
        except ConnectorError as exc:
            _unread(change, owner_id, exc)
            return None

    async def _read(self, owner_id: str, change: Change) -> Record | None:
        try:
            return await self._connection(owner_id).watch(change.model).retrieve(change.record_id)
        except ConnectorError as exc:
            _unread(change, owner_id, exc)
            return None


def _unread(change: Change, owner_id: str, exc: ConnectorError) -> None:
    logger.warning(
        "%s %s for owner %s: the record could not be read (%s: %s); the event is emitted "
        "without data",
        change.model,
        change.record_id,
        owner_id,
        exc.code,
        exc.message,
    )


def _key(change: Change) -> str:
    return idempotency_key(change.model, change.record_id, change.trigger, change.version)


def _keys(change: Change) -> list[str]:
    """The keys the change's event may be logged under: an update that may be the creation
    is logged as whichever its record showed."""
    return [_key(change), _key(change.as_created())] if change.maybe_new else [_key(change)]
