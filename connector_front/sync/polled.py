"""Polled models: list, compare with the records known from the last pass, emit the difference.

``updated_after`` lists only records changed since the cursor (minus the overlap window),
except when a full id listing is due; ``snapshot`` lists everything every pass. Deletions come
only from a full listing that finished cleanly: a failed or aborted one changes nothing. The
first pass is a baseline: it records what exists, and emits only the creation of records
created after the connection was made (when Front says when a record was created).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from connector_front.mappers.base import ChangeFeed
from connector_front.models.event import Trigger, UnifiedEvent, idempotency_key
from connector_front.models.record import Record
from connector_front.sync.context import SyncContext
from connector_front.sync.fingerprint import Fingerprint, content_of, updated_stamp
from connector_front.sync.report import FeedReport
from connector_front.sync.state import FeedState
from connector_front.transport.lanes import lane

PAGE_SIZE = 100
FULL_SCAN_MAX_KNOWN = 1000
"""Up to this many known records (10 pages), an ``updated_after`` model gets a full id
listing every pass; above it, once per ``sync_full_scan_interval``."""


@dataclass(frozen=True)
class Polling:
    fingerprint: Fingerprint
    incremental: bool
    """Front can list only the records changed since a time (``updatedAfter``)."""


POLLING: Mapping[ChangeFeed, Polling] = {
    "updated_after": Polling(updated_stamp, incremental=True),
    "snapshot": Polling(content_of, incremental=False),
}


async def sync_polled(
    ctx: SyncContext, owner_id: str, models: list[str], reports: Mapping[str, FeedReport]
) -> None:
    """One pass of one polled model (``models`` holds exactly one)."""
    (model,) = models
    report = reports[model]
    polling = POLLING[report.strategy]
    state = await ctx.store.load(owner_id, model)
    known = await ctx.store.known(owner_id, model)
    now = ctx.clock()
    report.baseline = state is None
    full = _full_listing(ctx, polling, state, len(known), now, report)
    since = None if full or state is None else state.cursor
    filters = {} if since is None else {"updatedAfter": f"{since - ctx.overlap:.3f}"}

    with lane("backfill" if full else "sync"):
        seen = await _list(ctx, owner_id, model, filters, report)
    # the listing finished cleanly: only now may anything be compared, emitted or saved
    prints = {rid: polling.fingerprint(record) for rid, record in seen.items()}
    changed = {rid: fp for rid, fp in prints.items() if known.get(rid) != fp}
    gone = sorted(set(known) - set(seen)) if full else []
    events: list[UnifiedEvent] = []
    if report.baseline:
        # what existed when the connection was made is the baseline; what came after is new
        connected = await ctx.connector.connections.get(owner_id)
        fresh = [
            rid
            for rid, record in seen.items()
            if connected is not None
            and record.createdAt is not None
            and record.createdAt.timestamp() > connected.created_at
        ]
        events = [_changed(owner_id, seen[rid], prints[rid], False, now) for rid in fresh]
        report.note = (
            f"baseline: {len(seen)} records recorded, of which {len(fresh)} created since the "
            "connection was made (those are emitted as created)"
        )
    else:
        events = [
            _changed(owner_id, seen[rid], fp, rid in known, now) for rid, fp in changed.items()
        ]
        events += [_deleted(owner_id, model, rid, now) for rid in gone]
    appended = await ctx.connector.event_log.append(events)
    report.count(item.event.trigger for item in appended)
    ctx.tell(owner_id, report, "emitted")

    stamps = [r.updatedAt.timestamp() for r in seen.values() if r.updatedAt is not None]
    previous = state.cursor if state is not None else None
    cursor = max([*stamps, *([previous] if previous is not None else [])], default=now)
    last_full = now if full else (state.last_full_scan if state is not None else None)
    await ctx.store.commit(owner_id, model, FeedState(cursor, last_full), seen=changed, gone=gone)
    ctx.tell(owner_id, report, "committed")


def _full_listing(
    ctx: SyncContext,
    polling: Polling,
    state: FeedState | None,
    known: int,
    now: float,
    report: FeedReport,
) -> bool:
    """Whether this pass lists every record (and so checks deletions); says why not if not."""
    if state is None:
        report.deletions_note = "baseline pass: nothing to compare with yet"
        return True
    due_at = (state.last_full_scan or 0.0) + ctx.full_scan_interval
    if not polling.incremental or ctx.full or known <= ctx.full_scan_max_known or now >= due_at:
        report.deletions_checked = True
        return True
    report.deletions_note = (
        f"skipped: {known} known records (more than {ctx.full_scan_max_known}); the next "
        f"full id listing is due in {due_at - now:.0f} s (sync_full_scan_interval)"
    )
    return False


async def _list(
    ctx: SyncContext, owner_id: str, model: str, filters: dict[str, str], report: FeedReport
) -> dict[str, Record]:
    """Every page of the listing, as model::events; an error here aborts the whole pass."""
    resources = ctx.connector.connection(owner_id).watch(model)
    seen: dict[str, Record] = {}
    async for page in resources.pages(limit=PAGE_SIZE, filters=filters):
        report.pages += 1
        seen.update((record.id, record) for record in page.data)
        report.records = len(seen)
        ctx.tell(owner_id, report, "listing")
    return seen


def _changed(
    owner_id: str, record: Record, fingerprint: str, was_known: bool, now: float
) -> UnifiedEvent:
    trigger: Trigger = "updated" if was_known else "created"
    version = fingerprint if was_known else ""
    return UnifiedEvent.build(
        model=record.model,
        trigger=trigger,
        record_id=record.id,
        owner_id=owner_id,
        key=idempotency_key(record.model, record.id, trigger, version),
        occurred_at=record.updatedAt or now,
        source="sync",
        data=record.to_json(),
    )


def _deleted(owner_id: str, model: str, record_id: str, now: float) -> UnifiedEvent:
    return UnifiedEvent.build(
        model=model,
        trigger="deleted",
        record_id=record_id,
        owner_id=owner_id,
        key=idempotency_key(model, record_id, "deleted"),
        occurred_at=now,
        source="sync",
    )
