"""ticketProject: where tickets live (a Front inbox, ``inb_``); members are its teammates."""

from __future__ import annotations

from pydantic import Field

from connector_front.models.base import UnifiedFields
from connector_front.models.refs import UserRef, WorkspaceRef


class TicketProjectFields(UnifiedFields):
    name: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = None
    members: list[UserRef] | None = None
    workspace: WorkspaceRef | None = Field(
        default=None,
        description="the genericWorkspace (Front team) that owns the inbox; on create, the "
        "inbox is created in it",
    )
