"""genericWorkspace <-> Front team (``tim_``): read-only in Front's API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from connector_front.models.generic_workspace import GenericWorkspaceFields

from .base import FRONT_ID_PREFIXES, CollectionMapper, FrontField

READ_ONLY = "Front's API has no endpoint to {0} teams; {1} workspaces in Front's company settings"


class WorkspaceMapper(CollectionMapper):
    model = "genericWorkspace"
    collection = "/teams"
    paged = False  # Front answers GET /teams whole
    front_object = "team"
    label = "teams"
    id_prefixes = (FRONT_ID_PREFIXES["team"],)
    fields_model = GenericWorkspaceFields
    endpoints: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "list": ("GET /teams",),
        "retrieve": ("GET /teams/{team_id}",),
        "events": ("GET /teams", "GET /teams/{team_id}"),
    }
    changes = "snapshot"
    not_supported: ClassVar[Mapping[str, str]] = {
        "create": READ_ONLY.format("create", "create"),
        "update": READ_ONLY.format("update", "rename"),
        "delete": READ_ONLY.format("delete", "delete"),
    }
    simple_fields: ClassVar[Mapping[str, FrontField]] = {"name": FrontField("name")}
