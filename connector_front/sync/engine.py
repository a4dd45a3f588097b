"""A sync pass: which owners and models, which strategy for each, one pass per owner at a time.

The strategy of a model comes from its mapper's ``changes`` through :data:`STRATEGIES`. One
model's failure is reported on that model; one owner's failure never stops the others.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from connector_front import observe
from connector_front.errors import ConnectorError, InvalidInputError
from connector_front.events.owners import Owners
from connector_front.mappers.base import EVENTS, ChangeFeed
from connector_front.observe.signals import SyncRan
from connector_front.store import Database
from connector_front.sync.context import SyncContext
from connector_front.sync.events_api import sync_activity
from connector_front.sync.lease import Leases, pass_lease
from connector_front.sync.polled import FULL_SCAN_MAX_KNOWN, sync_polled
from connector_front.sync.report import FeedReport, OwnerReport, Progress, SyncReport
from connector_front.sync.state import SyncStateStore
from connector_front.transport.lanes import lane
from connector_front.util.concurrency import bounded_gather

logger = logging.getLogger("connector_front.sync")

Runner = Callable[[SyncContext, str, list[str], Mapping[str, FeedReport]], Awaitable[None]]

OWNER_CONCURRENCY = 4


@dataclass(frozen=True)
class Strategy:
    run: Runner
    shared: bool
    """One run serves all the owner's models of this strategy (they share one Front stream)."""


STRATEGIES: Mapping[ChangeFeed, Strategy] = {
    "updated_after": Strategy(sync_polled, shared=False),
    "snapshot": Strategy(sync_polled, shared=False),
    "events_api": Strategy(sync_activity, shared=True),
}
"""Mapper ``changes`` -> how event sync reads that model's changes."""


class SyncEngine:
    """Runs sync passes for a connector; its state lives in the connector's database.

    One worker process at a time runs an owner's pass (a lease per owner in the database), so
    a cursor is only ever advanced by one of them.
    """

    def __init__(
        self,
        connector: Owners,
        database: Database,
        *,
        clock: Callable[[], float] = time.time,
        full_scan_max_known: int = FULL_SCAN_MAX_KNOWN,
    ) -> None:
        self._connector = connector
        self._clock = clock
        self._full_scan_max_known = full_scan_max_known
        self.leases = Leases(database, clock=clock)
        self.state = SyncStateStore(database, clock=clock, leases=self.leases)
        self._locks: dict[str, asyncio.Lock] = {}

    async def run(
        self,
        *,
        owner_id: str | None = None,
        models: Sequence[str] | None = None,
        progress: Progress | None = None,
        full: bool = False,
    ) -> SyncReport:
        """One pass for ``owner_id`` (None: every connection with an ``::events`` grant)."""
        if owner_id is not None and (not isinstance(owner_id, str) or not owner_id.strip()):
            raise InvalidInputError(
                "owner id must be a non-empty string (or None for every connection)",
                fields=["ownerId"],
            )
        wanted = self._models(models)
        owners = [owner_id] if owner_id is not None else await self._owners()
        settings = self._connector.settings
        ctx = SyncContext(
            connector=self._connector,
            store=self.state,
            clock=self._clock,
            overlap=settings.sync_overlap,
            full_scan_interval=settings.sync_full_scan_interval,
            full_scan_max_known=self._full_scan_max_known,
            full=full,
            progress=progress,
        )
        report = SyncReport.start()

        async def one(owner: str) -> OwnerReport:
            return await self._owner_pass(ctx, owner, wanted)

        with lane("sync"):  # Front requests of the pass (its full listings: backfill)
            report.owners = await bounded_gather(owners, one, limit=OWNER_CONCURRENCY)
        report.finished_at = datetime.now(tz=UTC)
        return report

    async def _owner_pass(self, ctx: SyncContext, owner_id: str, models: list[str]) -> OwnerReport:
        report = OwnerReport(owner_id)
        async with self._locks.setdefault(owner_id, asyncio.Lock()):
            try:
                await self._leased_pass(ctx, owner_id, models, report)
            except ConnectorError as exc:
                report.error = f"{exc.code}: {exc.message}"
                logger.warning("sync of owner %s failed: %s", owner_id, report.error)
            except Exception as exc:
                report.error = f"internal error: {type(exc).__name__}"
                logger.exception("sync of owner %s failed", owner_id)
        return report

    async def _leased_pass(
        self, ctx: SyncContext, owner_id: str, models: list[str], report: OwnerReport
    ) -> None:
        """The pass, if no other worker runs this owner's right now (else marked skipped)."""
        async with self.leases.hold(pass_lease(owner_id)) as held:
            if held:
                await self._feeds(ctx, owner_id, models, report)
                return
        report.skipped = (
            "another worker is running this owner's sync pass; it was not run twice "
            "(run it again once that one finishes)"
        )
        for model in models:
            observe.emit(SyncRan(model, "skipped", 0.0, self._clock()))
        logger.info("sync of owner %s skipped: another worker runs it", owner_id)

    async def _feeds(
        self, ctx: SyncContext, owner_id: str, models: list[str], report: OwnerReport
    ) -> None:
        groups: dict[ChangeFeed, list[str]] = {}
        for model in models:
            feed = self._connector.registry.get(model).event_feed
            if feed is not None and await self._connector.connection(owner_id).subscribed(model):
                groups.setdefault(feed, []).append(model)
        for feed, names in groups.items():
            strategy = STRATEGIES[feed]
            reports = {name: FeedReport(name, feed) for name in names}
            report.models.extend(reports.values())
            units = [names] if strategy.shared else [[name] for name in names]
            for unit in units:
                await _run_unit(ctx, strategy, owner_id, unit, reports, self._clock)

    async def _owners(self) -> list[str]:
        return [
            info.owner_id
            for info in await self._connector.connections.all()
            if any(op.endswith(f"::{EVENTS}") for op in info.operations)
        ]

    def _models(self, models: Sequence[str] | None) -> list[str]:
        """The models asked for (all with events when None); unknown or eventless ones are 4xx."""
        registry = self._connector.registry
        if models is None:
            return [m.model for m in registry if m.has_events]
        if isinstance(models, str):
            models = [models]
        if not models:
            raise InvalidInputError(
                "models must name at least one model (or be None for every model with events)",
                fields=["models"],
            )
        for name in models:
            mapper = registry.get(name)
            if not mapper.has_events:
                raise InvalidInputError(
                    f"{name} has no events to sync; models with events: "
                    + ", ".join(m.model for m in registry if m.has_events),
                    fields=["models"],
                )
        return list(dict.fromkeys(models))


async def _run_unit(
    ctx: SyncContext,
    strategy: Strategy,
    owner_id: str,
    unit: list[str],
    reports: Mapping[str, FeedReport],
    clock: Callable[[], float],
) -> None:
    """Run one model (or one shared stream); a failure is written on its reports, not raised.
    Each model of the unit is told to the listeners (metrics): clean or failed, and how long."""
    started = time.monotonic()
    message = await _unit_error(ctx, strategy, owner_id, unit, reports)
    seconds, finished = time.monotonic() - started, clock()
    for name in unit:
        failed = message is not None or reports[name].error is not None
        observe.emit(SyncRan(name, "failed" if failed else "clean", seconds, finished))
    if message is None:
        return
    for name in unit:
        reports[name].error = message
    logger.warning("sync of %s for owner %s failed: %s", "+".join(unit), owner_id, message)


async def _unit_error(
    ctx: SyncContext,
    strategy: Strategy,
    owner_id: str,
    unit: list[str],
    reports: Mapping[str, FeedReport],
) -> str | None:
    """Run the unit in its span; what failed, if it did."""
    name = "+".join(unit)
    with observe.operating(f"{name}::sync", owner_id):
        try:
            await strategy.run(ctx, owner_id, unit, reports)
        except ConnectorError as exc:
            return f"{exc.code}: {exc.message}"
        except Exception as exc:
            logger.exception("sync of %s for owner %s failed", name, owner_id)
            return f"internal error: {type(exc).__name__}"
    return None
