"""genericWorkspace: a group of users and projects (a Front team / workspace, ``tim_``)."""

from __future__ import annotations

from connector_front.models.base import UnifiedFields


class GenericWorkspaceFields(UnifiedFields):
    name: str | None = None
