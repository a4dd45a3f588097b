"""ticketComment: an internal comment (``com_``) or a public message (``msg_``) on an issue."""

from __future__ import annotations

from pydantic import Field

from connector_front.models.base import UnifiedFields
from connector_front.models.record import ResourceRef


class TicketCommentFields(UnifiedFields):
    issue: ResourceRef | None = None
    author: ResourceRef | None = None
    content: str | None = Field(default=None, max_length=1_000_000)
    isInternal: bool | None = None
