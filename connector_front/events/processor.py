"""Stored webhook deliveries -> unified events: route to owners, read what happened, record.

Runs after Front got its answer. A delivery goes to the owners ``routing.py`` finds for it
(the connections of the Front company it names; a rule webhook's configured owner). A delivery
nobody owns is kept aside as ``unrouted``; one that fails to process is tried again later, and
given up after a few tries.

With ``webhook_reads = "events_api"`` (the default), deliveries gather for ``events_window``
seconds (or until a page of them is pending), then each owner's are settled by one read of its
Events-API stream (``settle.py``). With ``"per_delivery"``, each delivery's changed records are
read (shared within a batch).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable, Sequence

from connector_front import observe
from connector_front.events.builder import SharedReads
from connector_front.events.owners import Owners
from connector_front.events.routing import DeliveryRouter, RoutingRules
from connector_front.events.settle import Later, Outcome, StreamSettler, joined
from connector_front.mappers.events import EVENTS_PAGE, translate
from connector_front.models.event import UnifiedEvent
from connector_front.observe.signals import DeliveriesSettled, SettledOutcome
from connector_front.transport.lanes import lane
from connector_front.util.concurrency import bounded_gather
from connector_front.webhooks.queue import Delivery, DeliveryQueue

logger = logging.getLogger("connector_front.events")

MAX_TRIES = 5
RETRY_AFTER = (2.0, 10.0, 60.0, 300.0)
CONCURRENCY = 8
BATCH = 50
"""Deliveries claimed at a time."""
BUSY_WINDOW = 0.5
"""Seconds after a delivery was stored during which the intake counts as busy: processing
then takes small batches and makes room for it."""
LAG_LIMIT = 0.01
"""Seconds a turn of the event loop may take before processing waits (intake busy only)."""
RETRY_UNLISTED = 1.0
"""Least seconds before a delivery whose event was not listed yet is tried again."""


class DeliveryProcessor:
    """Works through the intake queue; ``wake()`` after a store makes it look at once."""

    def __init__(
        self,
        connector: Owners,
        queue: DeliveryQueue,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._connector = connector
        self._queue = queue
        self._clock = clock
        self._sleep = sleep
        self._wake = asyncio.Event()
        self._stored_at = -math.inf
        settings = connector.settings
        self._events_api = settings.webhook_reads == "events_api"
        self._window = settings.events_window
        self._settler = StreamSettler(connector)
        self._router = DeliveryRouter(
            RoutingRules.of(settings),
            lambda owner_id: connector.connection(owner_id).company(),
            clock=clock,
        )

    def wake(self) -> None:
        """A delivery was stored: process it soon, and leave the intake its share meanwhile."""
        self._stored_at = self._clock()
        self._wake.set()

    async def run_batch(self) -> int:
        """One batch, yielding to the intake (both share this process's event loop): while
        deliveries are arriving and each is read on its own, a small batch, each delivery
        started only once the loop is not congested. Reading the Events API, every delivery
        due is taken at once (one stream read serves them all). Answers how many were taken."""
        if self._events_api:
            return await self.run_once(BATCH)
        busy = self._busy()
        return await self.run_once(CONCURRENCY if busy else BATCH, yielding=busy)

    def _busy(self) -> bool:
        return self._clock() - self._stored_at < BUSY_WINDOW

    async def _room(self) -> None:
        """Pause once, as long as the turn took, when a turn of the event loop takes longer
        than :data:`LAG_LIMIT`: the intake's answers are queued behind work (processing's own,
        mostly). Once per delivery, never more: processing always goes on."""
        started = self._clock()
        await asyncio.sleep(0)
        lag = self._clock() - started
        if lag >= LAG_LIMIT:
            await self._sleep(lag)

    async def run_once(self, limit: int = BATCH, *, yielding: bool = False) -> int:
        """Process up to ``limit`` pending deliveries now; answers how many were taken.

        The batch's events are appended in one transaction and its deliveries marked done in
        one statement: two commits a batch, not two a delivery, leave the database's write
        turns (and disk syncs) to the webhook intake. A crash in between processes the batch
        again, and the event log's keys make that harmless. The claims are renewed while the
        batch is worked on; the Front requests made belong to the ``events`` lane.
        """
        deliveries = await self._queue.claim(limit)
        if not deliveries:
            return 0

        attributes = {"connector_front.deliveries": len(deliveries)}
        async with self._queue.kept(deliveries):
            with lane("events"), observe.span("webhooks.process", attributes=attributes):
                if self._events_api:
                    outcomes = await self._from_streams(deliveries)
                else:
                    outcomes = await self._one_by_one(deliveries, yielding)
            await self._record(deliveries, outcomes)
        return len(deliveries)

    async def due_in(self) -> float | None:
        """Seconds until pending deliveries are worth a batch (0: now; None: none pending).
        Reading the Events API, deliveries gather for ``events_window`` seconds or until a
        page of them is pending; otherwise each is worth processing at once."""
        if not self._events_api or self._window <= 0:
            return 0.0
        return await self._queue.due_in(self._window, EVENTS_PAGE)

    async def _one_by_one(self, deliveries: list[Delivery], yielding: bool) -> list[Outcome]:
        """Each delivery's events with its changed records read (shared within the batch)."""
        reads = SharedReads()  # a record the batch's deliveries share is read once

        async def one(delivery: Delivery) -> Outcome:
            if yielding:
                await self._room()
            return await self._outcome(delivery, reads)

        return await bounded_gather(deliveries, one, limit=CONCURRENCY)

    async def _from_streams(self, deliveries: list[Delivery]) -> list[Outcome]:
        """The batch's outcomes, each owner's deliveries settled by one read of its stream."""
        routes = await asyncio.gather(*(self._route(d) for d in deliveries))
        by_owner: dict[str, list[Delivery]] = {}
        for delivery, owners in zip(deliveries, routes, strict=True):
            for owner in owners if isinstance(owners, list) else []:
                by_owner.setdefault(owner, []).append(delivery)

        async def owner_pass(owned: tuple[str, list[Delivery]]) -> dict[int, Outcome]:
            owner, mine = owned
            try:
                return await self._settler.settle(owner, mine)
            except Exception as exc:  # a store or programming error: never lose them
                return dict.fromkeys((d.id for d in mine), exc)

        passes = await bounded_gather(by_owner.items(), owner_pass, limit=CONCURRENCY)
        return [
            joined(owners, [found[d.id] for found in passes if d.id in found])
            for d, owners in zip(deliveries, routes, strict=True)
        ]

    async def _route(self, delivery: Delivery) -> list[str] | Exception:
        """The owners of a delivery (none: unrouted, said in the log), or what failed."""
        try:
            owners = await self._owners(delivery)
        except Exception as exc:
            return exc
        if not owners:
            self._unrouted(delivery)
        return owners

    async def run_until_idle(self) -> int:
        """Process until nothing is pending (for the CLI and tests); answers the total."""
        total = 0
        while taken := await self.run_once():
            total += taken
        return total

    async def run_forever(self, idle: float = 1.0) -> None:
        """The host's background job: a batch whenever one is due (see :meth:`due_in`)."""
        while True:
            wait: float | None = idle
            try:
                wait = await self.due_in()
                taken = await self.run_batch() if wait == 0 else 0
            except Exception:
                logger.exception("webhook processing failed; trying again shortly")
                taken = 0
            if taken:
                continue
            self._wake.clear()
            timeout = idle if wait is None or wait <= 0 else min(idle, wait)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=timeout)

    def _unrouted(self, delivery: Delivery) -> None:
        logger.warning(
            "delivery %d (%s) belongs to no connection here (company %s, rule %s); kept aside "
            "as unrouted",
            delivery.id,
            delivery.webhook_type or delivery.kind,
            delivery.company_id,
            delivery.rule_name,
        )

    async def _outcome(self, delivery: Delivery, reads: SharedReads) -> Outcome:
        """The delivery's events (none when no connection here owns it), or what failed."""
        try:
            owners = await self._owners(delivery)
            if not owners:
                self._unrouted(delivery)
                return None
            changes = translate(delivery.event, delivery.webhook_type)
            builder = self._connector.event_builder
            return [
                event
                for owner in owners
                for event in await builder.build(owner, changes, "webhook", reads=reads)
            ]
        except Exception as exc:  # a store or programming error: never lose the delivery
            return exc

    async def _record(self, deliveries: list[Delivery], outcomes: Sequence[Outcome]) -> None:
        """Append the batch's events, then settle each delivery: done, unrouted, failed, or
        tried again later."""
        done: list[tuple[Delivery, list[UnifiedEvent]]] = []
        unrouted: list[int] = []
        failed: list[tuple[Delivery, Exception]] = []
        later: dict[Later, list[int]] = {}
        for delivery, outcome in zip(deliveries, outcomes, strict=True):
            if outcome is None:
                unrouted.append(delivery.id)
            elif isinstance(outcome, Exception):
                failed.append((delivery, outcome))
            elif isinstance(outcome, Later):
                later.setdefault(outcome, []).append(delivery.id)
            else:
                done.append((delivery, outcome))
        try:
            await self._connector.event_log.append([e for _, events in done for e in events])
        except Exception as error:  # the store's: every delivery of the batch is tried again
            failed += [(delivery, error) for delivery, _ in done]
            done = []
        await self._queue.finish_many([delivery.id for delivery, _ in done], "done")
        await self._queue.finish_many(unrouted, "unrouted")
        after = max(RETRY_UNLISTED, self._window)
        for why, ids in later.items():
            await self._queue.defer(ids, why.why, after=after, counted=why.counted)
        settled: tuple[tuple[SettledOutcome, int], ...] = (
            ("processed", len(done)),
            ("unrouted", len(unrouted)),
            ("deferred", sum(map(len, later.values()))),
        )
        for settled_as, count in settled:
            if count:
                observe.emit(DeliveriesSettled(settled_as, count))
        for delivery, problem in failed:
            await self._failed(delivery, problem)

    async def _failed(self, delivery: Delivery, exc: Exception) -> None:
        """Try the delivery again later; give it up after :data:`MAX_TRIES`."""
        error = f"{type(exc).__name__}: {exc}"
        if delivery.attempts >= MAX_TRIES:
            logger.error(
                "delivery %d failed %d times; given up", delivery.id, MAX_TRIES, exc_info=exc
            )
            await self._queue.finish(delivery.id, "failed", error)
            observe.emit(DeliveriesSettled("failed", 1))
        else:
            wait = RETRY_AFTER[min(delivery.attempts, len(RETRY_AFTER)) - 1]
            logger.warning("delivery %d failed (%s); retrying in %g s", delivery.id, error, wait)
            await self._queue.retry_later(delivery.id, error, after=wait)
            observe.emit(DeliveriesSettled("retried", 1))

    async def _owners(self, delivery: Delivery) -> list[str]:
        return await self._router.owners(delivery, await self._connector.connections.all())
