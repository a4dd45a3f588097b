"""Conversations and comments from Front's Events API: one stream per owner, backfilling webhooks.

The stream starts at the connection's creation (events since then are backfilled), or now
without a connection (API-token mode). Each page of Front events is translated, turned into
unified events (read through the connection for ``data``), appended to the log, and only then
is the cursor (the newest ``emitted_at`` seen) saved; the next pass re-reads the overlap window
before it, and the log's idempotency keys drop what was already emitted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from connector_front.mappers.base import FrontJSON
from connector_front.mappers.events import translate
from connector_front.sync.context import SyncContext
from connector_front.sync.report import FeedReport
from connector_front.sync.state import FeedState

STREAM = "events_api"
"""The state key of the owner's conversation stream (shared by ticketIssue and ticketComment)."""


async def sync_activity(
    ctx: SyncContext, owner_id: str, models: list[str], reports: Mapping[str, FeedReport]
) -> None:
    """One pass of the owner's conversation stream for the subscribed ``models``."""
    connector = ctx.connector
    state = await ctx.store.load(owner_id, STREAM)
    if state is None or state.cursor is None:
        info = await connector.connections.get(owner_id)
        cursor = info.created_at if info is not None else ctx.clock()
        after = cursor
        start = "the connection's creation" if info is not None else "now (no connection)"
        for report in reports.values():
            report.note = f"first pass: events from {start} on"
    else:
        cursor = state.cursor
        after = cursor - ctx.overlap
    for report in reports.values():
        report.deletions_note = "from Front's events (trash, merge), not from an id listing"
    pages = 0
    async for batch in connector.connection(owner_id).activity(models[0], after=after):
        pages += 1
        cursor = await _emit(ctx, owner_id, models, reports, batch, cursor, pages)


async def _emit(
    ctx: SyncContext,
    owner_id: str,
    models: Sequence[str],
    reports: Mapping[str, FeedReport],
    batch: list[FrontJSON],
    cursor: float,
    pages: int,
) -> float:
    """Events of a page into the log first, then the cursor: a crash between re-emits nothing."""
    for report in reports.values():
        report.pages = pages
        report.records += len(batch)
        ctx.tell(owner_id, report, "listing")
    changes = [c for item in batch for c in translate(item) if c.model in models]
    events = await ctx.connector.event_builder.build(owner_id, changes, "events_api")
    appended = await ctx.connector.event_log.append(events)
    for item in appended:
        reports[item.event.model].count([item.event.trigger])
    for report in reports.values():
        ctx.tell(owner_id, report, "emitted")
    stamps = [item["emitted_at"] for item in batch if _is_number(item.get("emitted_at"))]
    cursor = max([cursor, *(float(s) for s in stamps)])
    await ctx.store.commit(owner_id, STREAM, FeedState(cursor, None))
    for report in reports.values():
        ctx.tell(owner_id, report, "committed")
    return cursor


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
