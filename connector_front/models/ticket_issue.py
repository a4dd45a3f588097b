"""ticketIssue: a ticket (a Front conversation, ``cnv_``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from connector_front.models.base import UnifiedFields
from connector_front.models.refs import ProjectRef, UserRef

IssueStatus = Literal["open", "inProgress", "onHold", "closed"]


class TagChanges(BaseModel):
    """Write-only: add and remove tags without touching the others."""

    model_config = ConfigDict(extra="forbid")

    add: list[str] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)


class TicketIssueFields(UnifiedFields):
    project: ProjectRef | None = Field(
        default=None, description='a ticketProject: a resourceRef or its id ("inb_...")'
    )
    title: str | None = Field(default=None, max_length=500)
    description: str | None = None
    status: IssueStatus | None = None
    priority: str | None = Field(
        default=None, description="Front has none: null unless a field mapping supplies it"
    )
    assignee: UserRef | None = Field(
        default=None, description='a genericUser: a resourceRef or its id ("tea_...")'
    )
    tags: list[str] | TagChanges | None = Field(
        default=None,
        description="tag names; on write a list replaces them all, {add, remove} edits them",
    )
