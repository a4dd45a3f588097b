"""A batch's deliveries settled from their owners' Events-API streams, one read per owner.

Webhooks are the doorbell, the Events API is where the data is: of one owner's deliveries,
one carrying its records in full (a rule webhook's full event) is built from itself, one the
Events API never lists (a snooze) is read the old way, one whose event is logged already is
done, and the rest are settled by one read of the owner's stream from its position (or from
just before the earliest of their events, when that is older, though never more than
``sync_overlap`` back nor before the connection was made). A delivery whose event that read
did not list is tried again on the next pass, once; then its records are read, as are those of
a delivery older than that reach (a replayed capture).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from connector_front.events.builder import SharedReads
from connector_front.events.owners import Owners
from connector_front.mappers.events import Change, emitted_at, listed, translate
from connector_front.models.event import UnifiedEvent
from connector_front.webhooks.queue import Delivery

BEFORE = 0.001
"""Seconds before a delivery's event time the stream is read from, to list that event."""


@dataclass(frozen=True)
class Later:
    """Try the delivery again on a later pass: ``why``; ``counted`` as one of its tries or not
    (the owner's stream was being read by another worker)."""

    why: str
    counted: bool = True


NOT_LISTED = Later("its event is not listed by Front's Events API yet; read again next pass")
STREAM_BUSY = Later("another worker is reading the owner's Events API stream", counted=False)

Outcome = list[UnifiedEvent] | Exception | Later | None
"""What processing made of a delivery: its events, the error it failed with, a later try, or
None when no connection here owns it."""


class StreamSettler:
    """Settles each owner's deliveries of a batch (see the module)."""

    def __init__(self, connector: Owners, *, clock: Callable[[], float] = time.time) -> None:
        self._connector = connector
        self._clock = clock

    async def settle(self, owner: str, deliveries: list[Delivery]) -> dict[int, Outcome]:
        """One owner's deliveries: one carrying its records in full (a rule webhook's full
        event) built from itself, one the Events API never lists (a snooze) read the old way,
        one already logged done, the rest from one read of the stream."""
        builder = self._connector.event_builder
        said = {d.id: translate(d.event, d.webhook_type) for d in deliveries}
        outcomes: dict[int, Outcome] = {}
        reads = SharedReads()
        unknown: list[Delivery] = []
        for delivery in deliveries:
            changes = said[delivery.id]
            if _carried(changes):
                outcomes[delivery.id] = await builder.from_front_events(
                    owner, [delivery.event], "webhook"
                )
            elif not listed(delivery.event, delivery.webhook_type):
                outcomes[delivery.id] = await builder.build(owner, changes, "webhook", reads=reads)
            elif not await builder.unlogged(owner, changes):
                outcomes[delivery.id] = []  # the stream (or sync) already logged it
            else:
                unknown.append(delivery)
        if unknown:
            outcomes.update(await self._read_stream(owner, unknown, said, reads))
        return outcomes

    async def _read_stream(
        self,
        owner: str,
        unknown: list[Delivery],
        said: dict[int, list[Change]],
        reads: SharedReads,
    ) -> dict[int, Outcome]:
        """Read the owner's stream from its position (or from the earliest delivery's event,
        when that is older): every event listed is logged. A delivery whose event was not
        listed is tried again next pass, once; then read the old way."""
        streams = self._connector.streams
        models = await self._stream_models(owner)
        if not models:
            return {d.id: [] for d in unknown}  # no conversation events wanted
        listed_ids: set[str] = set()
        async with streams.reading(owner) as held:
            if not held:
                return dict.fromkeys((d.id for d in unknown), STREAM_BUSY)
            position = await streams.position(owner)
            reach = await self._reach(owner, position)
            readable = [d for d in unknown if _reached(d, reach)]
            after = _start(position, readable)
            if after is not None:
                pages = streams.read(
                    owner, after=max(after, reach), models=models, source="events_api", start=False
                )
                async for page in pages:
                    listed_ids |= page.ids
        outcomes: dict[int, Outcome] = {}
        for delivery in unknown:
            if str(delivery.event.get("id")) in listed_ids:
                outcomes[delivery.id] = []
            elif delivery.attempts <= 1 and after is not None and _reached(delivery, reach):
                outcomes[delivery.id] = NOT_LISTED
            else:
                changes = said[delivery.id]
                outcomes[delivery.id] = await self._connector.event_builder.build(
                    owner, changes, "webhook", reads=reads
                )
        return outcomes

    async def _reach(self, owner: str, position: float | None) -> float:
        """How far back a delivery may make the stream be read: ``sync_overlap`` before the
        position (or before now, without one), and never before the connection was made (its
        events start there). An older delivery (a replayed capture) is read on its own."""
        connector = self._connector
        since = position if position is not None else self._clock()
        back = since - connector.settings.sync_overlap
        info = await connector.connections.get(owner)
        return max(back, info.created_at) if info is not None else back

    async def _stream_models(self, owner: str) -> list[str]:
        """The owner's subscribed models whose changes come from the Events API."""
        connection = self._connector.connection(owner)
        return [
            mapper.model
            for mapper in self._connector.registry
            if mapper.changes == "events_api" and await connection.subscribed(mapper.model)
        ]


def _carried(changes: list[Change]) -> bool:
    """Whether a delivery carries every changed record in full (a rule webhook's full
    event): its events need no read."""
    return bool(changes) and all(c.front is not None or c.trigger == "deleted" for c in changes)


def _reached(delivery: Delivery, reach: float) -> bool:
    """Whether the delivery's event is within what a read of the stream may go back to (one
    that does not say when it happened is taken to be)."""
    when = emitted_at(delivery.event)
    return when is None or when >= reach


def _start(position: float | None, deliveries: list[Delivery]) -> float | None:
    """Where to read the stream from for these deliveries: its position, or just before the
    earliest delivery's event when that is older (a late one); None when neither is known."""
    stamps = [t - BEFORE for d in deliveries if (t := emitted_at(d.event)) is not None]
    earliest = min(stamps, default=None)
    if position is None or earliest is None:
        return earliest if position is None else position
    return min(position, earliest)


def joined(owners: list[str] | Exception, found: list[Outcome]) -> Outcome:
    """One delivery's outcome from its owners' passes: their events together, unless one
    failed (tried again) or wants a later try."""
    if isinstance(owners, Exception):
        return owners
    if not owners:
        return None
    problems = [o for o in found if isinstance(o, Exception)]
    if problems:
        return problems[0]
    later = [o for o in found if isinstance(o, Later)]
    if later:
        return later[0]
    return [event for outcome in found if isinstance(outcome, list) for event in outcome]
