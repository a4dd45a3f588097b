"""Stored webhook deliveries -> unified events: route to owners, translate, enrich, record.

Runs after Front got its answer. A delivery is routed by the Front company it names
(``authorization.id``) to every connection of that company; a rule webhook goes to the owner
configured for the rule (or the only connection). A delivery nobody owns is kept aside as
``unrouted``; one that fails to process is tried again later, and given up after a few tries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from connector_front.events.owners import Owners
from connector_front.mappers.events import translate
from connector_front.webhooks.queue import Delivery, DeliveryQueue

logger = logging.getLogger("connector_front.events")

MAX_TRIES = 5
RETRY_AFTER = (2.0, 10.0, 60.0, 300.0)
COMPANY_CACHE_TTL = 60.0
CONCURRENCY = 8


class DeliveryProcessor:
    """Works through the intake queue; ``wake()`` after a store makes it look at once."""

    def __init__(
        self,
        connector: Owners,
        queue: DeliveryQueue,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._connector = connector
        self._queue = queue
        self._clock = clock
        self._wake = asyncio.Event()
        self._companies: dict[str, tuple[str | None, float]] = {}

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self, limit: int = 50) -> int:
        """Process up to ``limit`` pending deliveries; answers how many were taken."""
        deliveries = await self._queue.claim(limit)
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(delivery: Delivery) -> None:
            async with gate:
                await self._process(delivery)

        await asyncio.gather(*(one(d) for d in deliveries))
        return len(deliveries)

    async def run_until_idle(self) -> int:
        """Process until nothing is pending (for the CLI and tests); answers the total."""
        total = 0
        while taken := await self.run_once():
            total += taken
        return total

    async def run_forever(self, idle: float = 1.0) -> None:
        """The host's background job."""
        while True:
            try:
                taken = await self.run_once()
            except Exception:
                logger.exception("webhook processing failed; trying again shortly")
                taken = 0
            if taken:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=idle)

    async def _process(self, delivery: Delivery) -> None:
        try:
            owners = await self._owners(delivery)
            if not owners:
                logger.warning(
                    "delivery %d (%s) belongs to no connection here (company %s, rule %s); "
                    "kept aside as unrouted",
                    delivery.id,
                    delivery.webhook_type or delivery.kind,
                    delivery.company_id,
                    delivery.rule_name,
                )
                await self._queue.finish(delivery.id, "unrouted")
                return
            changes = translate(delivery.event, delivery.webhook_type)
            builder, log = self._connector.event_builder, self._connector.event_log
            for owner in owners:
                await log.append(await builder.build(owner, changes, "webhook"))
            await self._queue.finish(delivery.id, "done")
        except Exception as exc:  # a store or programming error: never lose the delivery
            error = f"{type(exc).__name__}: {exc}"
            if delivery.attempts >= MAX_TRIES:
                logger.exception("delivery %d failed %d times; given up", delivery.id, MAX_TRIES)
                await self._queue.finish(delivery.id, "failed", error)
            else:
                wait = RETRY_AFTER[min(delivery.attempts, len(RETRY_AFTER)) - 1]
                logger.warning(
                    "delivery %d failed (%s); retrying in %g s", delivery.id, error, wait
                )
                await self._queue.retry_later(delivery.id, error, after=wait)

    async def _owners(self, delivery: Delivery) -> list[str]:
        settings = self._connector.settings
        connections = await self._connector.connections.all()
        if delivery.kind == "rule":
            configured = settings.rule_owners.get(delivery.rule_name or "")
            if configured:
                return [configured]
            if len(connections) == 1:
                return [connections[0].owner_id]
            return [] if settings.uses_oauth else [settings.token_owner]
        owners = [
            c.owner_id
            for c in connections
            if (c.company_id or await self._company(c.owner_id)) == delivery.company_id
        ]
        token_mode = not settings.uses_oauth
        if not owners and token_mode and await self._company(settings.token_owner) == (
            delivery.company_id
        ):
            owners = [settings.token_owner]
        return owners

    async def _company(self, owner_id: str) -> str | None:
        """The owner's company, asking Front at most once a minute per owner."""
        cached = self._companies.get(owner_id)
        now = self._clock()
        if cached is not None and now - cached[1] < COMPANY_CACHE_TTL:
            return cached[0]
        company = await self._connector.connection(owner_id).company()
        self._companies[owner_id] = (company, now)
        return company
