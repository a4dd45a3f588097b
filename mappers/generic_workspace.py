"""genericWorkspace <-> Front team (``tim_``): read-only in Front's API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from connector_front.models.generic_workspace import GenericWorkspaceFields

from .base import (
    FrontApi,
    FrontJSON,
    ListQuery,
    MappedList,
    Mapper,
    Unified,
    list_params,
    path_id,
    unknown_filters,
)

READ_ONLY = "Front's API has no endpoint to {0} teams; {1} workspaces in Front's company settings"


class WorkspaceMapper(Mapper):
    model = "genericWorkspace"
    front_object = "team"
    fields_model = GenericWorkspaceFields
    endpoints: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "list": ("GET /teams",),
        "retrieve": ("GET /teams/{team_id}",),
    }
    not_supported: ClassVar[Mapping[str, str]] = {
        "create": READ_ONLY.format("create", "create"),
        "update": READ_ONLY.format("update", "rename"),
        "delete": READ_ONLY.format("delete", "delete"),
    }

    def to_unified(self, front: Mapping[str, Any]) -> Unified:
        return Unified(id=str(front["id"]), fields={"name": front.get("name") or None})

    async def list(self, api: FrontApi, query: ListQuery) -> MappedList:
        unknown_filters(query, [], model=self.model)
        page = await api.list_page("/teams", params=list_params(query), next_url=query.cursor)
        return MappedList(items=page.results, next_cursor=page.next_url)

    async def retrieve(self, api: FrontApi, record_id: str) -> FrontJSON:
        result: FrontJSON = await api.request(
            "GET", f"/teams/{path_id(record_id, model=self.model)}"
        )
        return result
