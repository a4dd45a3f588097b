"""ticketProject <-> Front inbox (``inb_``); members are the inbox's teammates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from connector_front.errors import InvalidInputError
from connector_front.models.ticket_project import TicketProjectFields
from connector_front.paging import all_results, one_page

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
from .refs import ref, ref_id
from .related import gather_limited, related, with_related

MEMBERS = "GET /inboxes/{inbox_id}/teammates"


class ProjectMapper(Mapper):
    model = "ticketProject"
    front_object = "inbox"
    id_prefixes = ("inb_",)
    fields_model = TicketProjectFields
    endpoints: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "list": ("GET /inboxes", MEMBERS),
        "retrieve": ("GET /inboxes/{inbox_id}", MEMBERS),
        "create": ("POST /inboxes", "POST /teams/{team_id}/inboxes", MEMBERS),
        "events": ("GET /inboxes", "GET /inboxes/{inbox_id}", MEMBERS),
    }
    changes = "snapshot"
    not_supported: ClassVar[Mapping[str, str]] = {
        "update": "Front's API cannot update inboxes; rename them in Front's settings "
        "(members can be changed through the proxy: POST/DELETE /inboxes/{id}/teammates)",
        "delete": "Front's API cannot delete inboxes; delete them in Front's settings",
    }
    custom_fields_endpoint = "GET /inboxes/custom_fields"

    def to_unified(self, front: Mapping[str, Any]) -> Unified:
        members = related(front, "members")
        return Unified(
            id=str(front["id"]),
            fields={
                "name": front.get("name") or None,
                "description": None,  # Front inboxes have no description
                "members": None
                if members is None
                else [ref("genericUser", member.get("id")) for member in members],
                "workspace": None,
            },
            custom_fields=dict(front.get("custom_fields") or {}),
        )

    async def list(self, api: FrontApi, query: ListQuery) -> MappedList:
        unknown_filters(query, [], model=self.model)
        page = await one_page(api, "/inboxes", params=list_params(query), next_url=query.cursor)
        items = await gather_limited(page.results, lambda inbox: _with_members(api, inbox))
        return MappedList(items=items, next_cursor=page.next_url)

    async def retrieve(self, api: FrontApi, record_id: str) -> FrontJSON:
        inbox: FrontJSON = await api.request(
            "GET", f"/inboxes/{path_id(record_id, model=self.model)}"
        )
        return await _with_members(api, inbox)

    async def create(
        self, api: FrontApi, fields: Mapping[str, Any], custom_fields: Mapping[str, Any]
    ) -> FrontJSON:
        if not fields.get("name"):
            raise InvalidInputError(
                "ticketProject: Front needs a name to create an inbox", fields=["fields.name"]
            )
        if fields.get("description"):
            raise InvalidInputError(
                "ticketProject: Front inboxes have no description; leave it out",
                fields=["fields.description"],
            )
        body: dict[str, Any] = {"name": fields["name"]}
        members = fields.get("members") or []
        if members:
            body["teammate_ids"] = [
                ref_id({"member": member}, "member", "genericUser") for member in members
            ]
        if custom_fields:
            body["custom_fields"] = dict(custom_fields)
        workspace = ref_id(fields, "workspace", "genericWorkspace")
        path = f"/teams/{path_id(workspace, model=self.model)}/inboxes" if workspace else "/inboxes"
        created: FrontJSON = await api.request("POST", path, json=body)
        return await _with_members(api, created)


async def _with_members(api: FrontApi, inbox: FrontJSON) -> FrontJSON:
    """The inbox with its teammates beside it (every page of them)."""
    path = f"/inboxes/{path_id(str(inbox['id']), model='ticketProject')}/teammates"
    return with_related(inbox, members=await all_results(api, path))
