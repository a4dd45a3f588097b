"""ticketIssue status <-> Front conversation status, in one table read both ways.

Front reports a legacy ``status`` (assigned, unassigned, archived, deleted) and, when
ticketing is on, a ``status_category`` (open, waiting, resolved). Unified statuses are
open / inProgress / onHold / closed; "open but assigned" is inProgress.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

STATUS_TABLE: tuple[tuple[str, str | None, str | None, bool | None], ...] = (
    # unified,    Front category, legacy status, assigned
    ("open", "open", "unassigned", False),
    ("inProgress", "open", "assigned", True),
    ("onHold", "waiting", None, None),
    ("closed", "resolved", "archived", None),
)
"""Each row: a unified status and the Front state(s) that mean it."""

DECISIVE_LEGACY: Mapping[str, str] = {"deleted": "closed"}
"""Legacy statuses that decide whatever the ticket category says: the trash is closed."""

WRITE_STATUS: Mapping[str, Mapping[str, Any] | None] = {
    "open": {"status": "open"},
    "inProgress": {"status": "open"},  # and an assignee, which is what makes it in progress
    "onHold": None,  # needs the id of one of the account's "waiting" ticket statuses
    "closed": {"status": "archived"},
}
"""Unified status -> what Front's PATCH /conversations/{id} is sent."""

SEARCH_STATUS: Mapping[str, str] = {
    "open": "is:open is:unassigned",
    "inProgress": "is:open is:assigned",
    "onHold": "is:waiting",
    "closed": "is:archived",
}
"""Unified status -> Front search filters. They are coarser than unified statuses (``is:open``
also matches "waiting" conversations), so listings filter the results by status again."""


def unified_status(front: Mapping[str, Any]) -> str | None:
    """The unified status of a Front conversation, or None when Front's state is unknown."""
    category, legacy = front.get("status_category"), front.get("status")
    if isinstance(legacy, str) and legacy in DECISIVE_LEGACY:
        return DECISIVE_LEGACY[legacy]
    assigned = bool(front.get("assignee"))
    for unified, row_category, row_legacy, row_assigned in STATUS_TABLE:
        if row_assigned is not None and row_assigned != assigned:
            continue
        if category and category == row_category:
            return unified
        if not category and legacy and legacy == row_legacy:
            return unified
    return None
