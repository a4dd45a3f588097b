"""ticketProject <-> Front inbox (``inb_``); members are the inbox's teammates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from connector_front.errors import InvalidInputError
from connector_front.models.ticket_project import TicketProjectFields
from connector_front.paging import all_results

from .base import (
    FRONT_ID_PREFIXES,
    CollectionMapper,
    CustomFields,
    FrontApi,
    FrontField,
    FrontItem,
    FrontJSON,
    ListQuery,
    MappedList,
    Unified,
    path_id,
    with_custom,
    with_related,
)
from .generic_workspace import WorkspaceMapper
from .refs import linked_id, ref, ref_id

MEMBERS = "GET /inboxes/{inbox_id}/teammates"


class ProjectMapper(CollectionMapper):
    model = "ticketProject"
    collection = "/inboxes"
    paged = False  # Front answers GET /inboxes whole
    front_object = "inbox"
    label = "inboxes"
    id_prefixes = (FRONT_ID_PREFIXES["inbox"],)
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

    simple_fields: ClassVar[Mapping[str, FrontField]] = {"name": FrontField("name")}

    def to_unified(self, item: FrontItem) -> Unified:
        members = item.related.get("members")
        return self.unified(
            item,
            description=None,  # Front inboxes have no description
            members=None if members is None else [ref("genericUser", m.get("id")) for m in members],
            workspace=_workspace(item.front),
        )

    async def list(self, api: FrontApi, query: ListQuery) -> MappedList:
        listed = await super().list(api, query)
        if "members" in query.omit:
            return listed
        # one request per inbox of the page, a few at once; each inbox is on one page only
        inboxes = [item.front for item in listed.items]
        members = await with_related(inboxes, lambda inbox: _with_members(api, inbox))
        return MappedList(items=members, next_cursor=listed.next_cursor)

    async def retrieve(self, api: FrontApi, record_id: str) -> FrontItem:
        return await _with_members(api, (await super().retrieve(api, record_id)).front)

    async def create(
        self, api: FrontApi, fields: TicketProjectFields, custom_fields: CustomFields
    ) -> FrontItem:
        if not fields.name:
            raise InvalidInputError(
                "ticketProject: Front needs a name to create an inbox", fields=["fields.name"]
            )
        if fields.description:
            raise InvalidInputError(
                "ticketProject: Front inboxes have no description; leave it out",
                fields=["fields.description"],
            )
        body = self.front_body(fields)
        if fields.members:
            body["teammate_ids"] = [
                ref_id(member, "genericUser", field="fields.members") for member in fields.members
            ]
        workspace = ref_id(fields.workspace, "genericWorkspace", field="fields.workspace")
        path = f"/teams/{path_id(workspace, model=self.model)}/inboxes" if workspace else "/inboxes"
        created = await api.request_json("POST", path, json=with_custom(body, custom_fields))
        return await _with_members(api, created)


def _workspace(inbox: FrontJSON) -> dict[str, str] | None:
    """The team that owns the inbox (``_links.related.owner``); a teammate's own inbox has none."""
    owner = linked_id(inbox, "owner")
    team = owner is not None and owner.startswith(WorkspaceMapper.id_prefixes)
    return ref("genericWorkspace", owner) if team else None


async def _with_members(api: FrontApi, inbox: FrontJSON) -> FrontItem:
    """The inbox with its teammates beside it (every page of them)."""
    path = f"/inboxes/{path_id(str(inbox['id']), model='ticketProject')}/teammates"
    return FrontItem(inbox, {"members": await all_results(api, path)})
