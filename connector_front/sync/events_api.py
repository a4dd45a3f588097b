"""Conversations and comments from Front's Events API: one stream per owner, backfilling webhooks.

The stream starts at the connection's creation (events since then are backfilled), or now
without a connection (API-token mode). Each pass reads it through the connector's
:class:`~connector_front.events.stream.EventStream`: from the owner's position (which webhook
processing moves too) to the end, each page's full events logged before the position moves.
Events Front records late are re-read from ``sync_overlap`` seconds before the position: all of
them when no application webhooks come in, else only the types no webhook announces (a
webhook's delivery finds its own event again when it is missing). The log's idempotency keys
drop what was already emitted.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from connector_front.events.stream import StreamPage
from connector_front.mappers.events import UNANNOUNCED
from connector_front.sync.context import SyncContext
from connector_front.sync.report import FeedReport, Stage
from connector_front.transport.lanes import lane

DELETIONS = "from Front's events (trash, merge), not from an id listing"
BUSY = (
    "not read this pass: the webhook processor was reading this stream (it logs the same "
    "events); the next pass reads on from where it got"
)


async def sync_activity(
    ctx: SyncContext, owner_id: str, models: list[str], reports: Mapping[str, FeedReport]
) -> None:
    """One pass of the owner's conversation stream for the subscribed ``models``."""
    streams = ctx.connector.streams
    async with streams.reading(owner_id) as held:
        if not held:
            for report in reports.values():
                report.note = BUSY
            return
        for report in reports.values():
            report.deletions_note = DELETIONS
        position = await streams.position(owner_id)
        if position is None:
            await _first_pass(ctx, owner_id, models, reports)
        elif ctx.connector.settings.webhook_secrets:
            await _read(ctx, owner_id, models, reports, position - ctx.overlap, UNANNOUNCED)
            await _read(ctx, owner_id, models, reports, position)
        else:
            await _read(ctx, owner_id, models, reports, position - ctx.overlap)


async def _first_pass(
    ctx: SyncContext, owner_id: str, models: list[str], reports: Mapping[str, FeedReport]
) -> None:
    """Every event since the connection was made (a backfill), then the stream's position."""
    info = await ctx.connector.connections.get(owner_id)
    start = info.created_at if info is not None else ctx.clock()
    where = "the connection's creation" if info is not None else "now (no connection)"
    for report in reports.values():
        report.note = f"first pass: events from {where} on"
    with lane("backfill"):
        await _read(ctx, owner_id, models, reports, start)
    await ctx.connector.streams.advance(owner_id, start)


async def _read(
    ctx: SyncContext,
    owner_id: str,
    models: list[str],
    reports: Mapping[str, FeedReport],
    after: float,
    types: Collection[str] = (),
) -> None:
    """The stream from ``after`` (of ``types`` only, when given) to its end, reported."""

    def tell(stage: Stage, page: StreamPage) -> None:
        for report in reports.values():
            if stage == "listing":
                report.pages += 1
                report.records += len(page.front_events)
            if stage == "emitted":
                mine = [i.event.trigger for i in page.appended if i.event.model == report.model]
                report.count(mine)
            ctx.tell(owner_id, report, stage)

    pages = ctx.connector.streams.read(
        owner_id, after=after, models=models, source="events_api", types=types, progress=tell
    )
    async for _ in pages:
        pass
