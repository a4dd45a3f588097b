"""ticketComment: an internal comment (``com_``) or a public message (``msg_``) on an issue."""

from __future__ import annotations

from pydantic import Field

from connector_front.models.base import UnifiedFields
from connector_front.models.refs import IssueRef, UserRef


class TicketCommentFields(UnifiedFields):
    issue: IssueRef | None = Field(
        default=None, description='a ticketIssue: a resourceRef or its id ("cnv_...")'
    )
    author: UserRef | None = Field(
        default=None,
        description="a genericUser (or, on public messages read back, a genericContact)",
    )
    content: str | None = Field(default=None, max_length=1_000_000)
    isInternal: bool | None = None
