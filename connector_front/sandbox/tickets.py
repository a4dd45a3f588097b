"""Conversation status, both ways Front exposes it.

Ticketing: a `status_id` naming a company status in category open, waiting or
resolved. Legacy: `status` is deleted (in the trash), archived (resolved),
else assigned or unassigned. The sandbox stores status_id + trashed + assignee
and derives the rest, so the two views always agree.
"""

from __future__ import annotations

from collections.abc import Callable

from .database import Database
from .errors import FrontError
from .records import Conversation

CATEGORIES = ("open", "waiting", "resolved")
LIST_STATUSES = ("assigned", "unassigned", "archived", "trashed")
PATCH_STATUSES = ("archived", "open", "deleted", "spam")


def category(db: Database, conv: Conversation) -> str:
    return db.status(conv.status_id).category


def legacy_status(db: Database, conv: Conversation) -> str:
    """Front's `status` field: deleted, archived, assigned or unassigned."""
    if conv.trashed:
        return "deleted"
    if category(db, conv) == "resolved":
        return "archived"
    return "assigned" if conv.assignee_id else "unassigned"


# `q[statuses][]` value -> does a conversation have it
STATUS_FILTERS: dict[str, Callable[[Database, Conversation], bool]] = {
    "assigned": lambda db, c: legacy_status(db, c) == "assigned",
    "unassigned": lambda db, c: legacy_status(db, c) == "unassigned",
    "archived": lambda db, c: legacy_status(db, c) == "archived",
    "trashed": lambda db, c: c.trashed,
}


def first_status(db: Database, wanted: str) -> str:
    """The company's first status of a category (used for legacy archive / reopen)."""
    for status in db.statuses.values():
        if status.category == wanted:
            return status.id
    raise FrontError(400, f"The company has no ticket status in category {wanted}")


def transition_for_status(db: Database, conv: Conversation, status: str) -> list[str]:
    """Apply a legacy PATCH `status`; answers the activity event types it causes."""
    if status not in PATCH_STATUSES:
        raise FrontError(400, f"status must be one of {', '.join(PATCH_STATUSES)}")
    events: list[str] = []
    if status in ("deleted", "spam"):
        if not conv.trashed:
            conv.trashed = True
            events.append("trash")
        return events
    if conv.trashed:
        conv.trashed = False
        events.append("restore")
    resolved = category(db, conv) == "resolved"
    if status == "archived" and not resolved:
        conv.status_id = first_status(db, "resolved")
        events.append("archive")
    elif status == "open" and resolved:
        conv.status_id = first_status(db, "open")
        events.append("reopen")
    return events


def transition_for_status_id(db: Database, conv: Conversation, status_id: str) -> list[str]:
    """Apply a ticket status; answers the activity event types it causes."""
    if status_id not in db.statuses:
        raise FrontError(400, f"Unknown status_id {status_id}")
    was_resolved = category(db, conv) == "resolved"
    if status_id == conv.status_id:
        return []
    conv.status_id = status_id
    events = ["ticket_status_update"]
    now_resolved = category(db, conv) == "resolved"
    if now_resolved and not was_resolved:
        events.append("archive")
    elif was_resolved and not now_resolved:
        events.append("reopen")
    return events
