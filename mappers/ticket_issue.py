"""ticketIssue <-> Front conversation (``cnv_``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import quote

from connector_front.errors import InvalidInputError, UnprocessableError
from connector_front.models.ticket_issue import TicketIssueFields
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
from .custom_fields import merged_custom_fields
from .events import EVENTS_ENDPOINT
from .refs import ref, ref_id
from .related import gather_limited, related, with_related
from .statuses import SEARCH_STATUS, WRITE_STATUS, unified_status
from .tags import tag_ids
from .timestamps import to_front_seconds

CONVERSATION = "/conversations/{conversation_id}"
INBOXES = "GET /conversations/{conversation_id}/inboxes"
NOT_CLEARABLE: Mapping[str, str] = {
    "project": "a conversation is always in an inbox: give another ticketProject to move it",
    "status": "give one of open, inProgress, onHold, closed",
    "tags": "give [] to remove every tag",
}
"""Fields an update may not set to null, and what to send instead."""


class IssueMapper(Mapper):
    model = "ticketIssue"
    front_object = "conversation"
    id_prefixes = ("cnv_",)
    fields_model = TicketIssueFields
    endpoints: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "list": ("GET /conversations", "GET /conversations/search/{query}", "GET /tags", INBOXES),
        "retrieve": (f"GET {CONVERSATION}", INBOXES),
        "create": (
            "POST /conversations",
            f"PATCH {CONVERSATION}",
            f"GET {CONVERSATION}",
            "GET /tags",
            "GET /company/statuses",
            INBOXES,
        ),
        "update": (
            f"GET {CONVERSATION}",
            f"PATCH {CONVERSATION}",
            "PUT /conversations/{conversation_id}/assignee",
            "POST /conversations/{conversation_id}/tags",
            "DELETE /conversations/{conversation_id}/tags",
            "GET /tags",
            "GET /company/statuses",
            INBOXES,
        ),
        "delete": (f"PATCH {CONVERSATION}", f"DELETE {CONVERSATION}"),
        "events": (EVENTS_ENDPOINT, f"GET {CONVERSATION}", INBOXES),
    }
    changes = "events_api"
    filters: ClassVar[Mapping[str, str]] = {
        "project": "ticketProject id (Front inbox)",
        "status": "open, inProgress, onHold or closed",
        "assignee": "genericUser id (Front teammate)",
        "tag": "tag name or id",
        "updatedAfter": "issues with activity after this time (ISO-8601 or epoch seconds)",
        "search": "full-text search through Front's conversation search",
    }
    custom_fields_endpoint = "GET /conversations/custom_fields"
    mappable_fields = frozenset({"priority"})

    def to_unified(self, front: Mapping[str, Any]) -> Unified:
        inboxes = related(front, "inboxes") or []
        assignee = front.get("assignee") or {}
        return Unified(
            id=str(front["id"]),
            fields={
                "project": ref("ticketProject", inboxes[0].get("id")) if inboxes else None,
                "title": front.get("subject") or None,
                "description": front.get("description") or None,
                "status": unified_status(front),
                "priority": None,  # Front has none; a field mapping may supply it
                "assignee": ref("genericUser", assignee.get("id")),
                "tags": [str(t["name"]) for t in front.get("tags") or [] if t.get("name")],
            },
            custom_fields=dict(front.get("custom_fields") or {}),
            created_at=front.get("created_at"),
            updated_at=front.get("updated_at"),
        )

    async def list(self, api: FrontApi, query: ListQuery) -> MappedList:
        unknown_filters(query, list(self.filters), model=self.model)
        search = await self._search_query(api, query.filters)
        path = f"/conversations/search/{quote(search, safe='')}" if search else "/conversations"
        page = await one_page(api, path, params=list_params(query), next_url=query.cursor)
        # Front's search is coarser than unified statuses ("is:open is:assigned" also matches
        # conversations in a "waiting" ticket status): keep only the status asked for.
        wanted = query.filters.get("status")
        found = [cnv for cnv in page.results if not wanted or unified_status(cnv) == wanted]
        items = await gather_limited(found, lambda cnv: _with_inboxes(api, cnv))
        return MappedList(items=items, next_cursor=page.next_url)

    async def retrieve(self, api: FrontApi, record_id: str) -> FrontJSON:
        conversation: FrontJSON = await api.request("GET", self._path(record_id))
        return await _with_inboxes(api, conversation)

    async def create(
        self, api: FrontApi, fields: Mapping[str, Any], custom_fields: Mapping[str, Any]
    ) -> FrontJSON:
        missing = [f"fields.{name}" for name in ("title", "description") if not fields.get(name)]
        if missing:
            raise InvalidInputError(
                "ticketIssue: Front opens an issue as a discussion with a subject (title) and "
                "a first comment (description); give both",
                fields=missing,
            )
        if isinstance(fields.get("tags"), dict):
            raise InvalidInputError(
                "ticketIssue::create: tags must be a list of tag names", fields=["fields.tags"]
            )
        body: dict[str, Any] = {
            "type": "discussion",
            "subject": fields["title"],
            "comment": {"body": fields["description"]},
        }
        inbox = ref_id(fields, "project", "ticketProject")
        assignee = ref_id(fields, "assignee", "genericUser")
        if inbox:
            body["inbox_id"] = inbox
        elif assignee:
            body["teammate_ids"] = [assignee]
        else:
            raise InvalidInputError(
                "ticketIssue::create: Front puts a discussion in an inbox or with teammates; "
                "give fields.project (a ticketProject) or fields.assignee (a genericUser)",
                fields=["fields.project", "fields.assignee"],
            )
        if custom_fields:
            body["custom_fields"] = dict(custom_fields)
        created: FrontJSON = await api.request("POST", "/conversations", json=body)
        path = self._path(str(created["id"]))
        later = {k: v for k, v in fields.items() if k not in ("project", "description", "title")}
        patch = await self._patch_body(api, created, later)
        if patch:
            await api.request("PATCH", path, json=patch)
            created = await api.request("GET", path)
        return await _with_inboxes(api, created)

    async def update(
        self,
        api: FrontApi,
        record_id: str,
        fields: Mapping[str, Any],
        custom_fields: Mapping[str, Any],
    ) -> FrontJSON:
        if "title" in fields:
            raise InvalidInputError(
                "ticketIssue: Front's API cannot change a conversation's subject (title)",
                fields=["fields.title"],
            )
        cleared = [name for name in NOT_CLEARABLE if name in fields and fields[name] is None]
        if cleared:
            raise InvalidInputError(
                "ticketIssue: Front cannot clear "
                + ", ".join(f"{name} ({NOT_CLEARABLE[name]})" for name in cleared),
                fields=[f"fields.{name}" for name in cleared],
            )
        path = self._path(record_id)
        current: FrontJSON = await api.request("GET", path)
        if "description" in fields and current.get("type") != "task":
            raise InvalidInputError(
                "ticketIssue: Front keeps a description only on task conversations; add a "
                "ticketComment to this discussion instead",
                fields=["fields.description"],
            )
        patch = await self._patch_body(api, current, fields)
        if custom_fields:
            patch["custom_fields"] = merged_custom_fields(current, custom_fields)
        if "assignee" in fields and fields["assignee"] is None:
            # Unassigning is done by the assignee endpoint with a null id, as Front documents.
            await api.request("PUT", f"{path}/assignee", json={"assignee_id": None})
        if patch:
            await api.request("PATCH", path, json=patch)
        tags = fields.get("tags")
        if isinstance(tags, dict):
            add, remove = tags.get("add") or [], tags.get("remove") or []
            names_used = list(dict.fromkeys([*add, *remove]))  # tag_ids answers in this order
            ids = await tag_ids(api, names_used, field="fields.tags") if names_used else []
            by_name = dict(zip(names_used, ids, strict=True))
            for method, names in (("POST", add), ("DELETE", remove)):
                if names:
                    chosen = list(dict.fromkeys(by_name[name] for name in names))
                    await api.request(method, f"{path}/tags", json={"tag_ids": chosen})
        updated: FrontJSON = await api.request("GET", path)
        return await _with_inboxes(api, updated)

    async def delete(self, api: FrontApi, record_id: str, *, permanent: bool = False) -> None:
        """To the trash; permanently (Front's DELETE, trashed first) only when asked."""
        path = self._path(record_id)
        await api.request("PATCH", path, json={"status": "deleted"})
        if permanent:
            await api.request("DELETE", path)

    async def _patch_body(
        self, api: FrontApi, current: Mapping[str, Any], fields: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The PATCH for status, assignee, project, description and replaced tags."""
        patch: dict[str, Any] = {}
        assignee = ref_id(fields, "assignee", "genericUser")
        if assignee:
            patch["assignee_id"] = assignee
        project = ref_id(fields, "project", "ticketProject")
        if project:
            patch["inbox_id"] = project
        if "description" in fields and current.get("type") == "task":
            patch["description"] = fields["description"]
        status = fields.get("status")
        if status is not None:
            keeps_current = "assignee" not in fields
            has_assignee = bool(assignee) or (keeps_current and bool(current.get("assignee")))
            if status == "inProgress" and not has_assignee:
                raise InvalidInputError(
                    "ticketIssue: inProgress means assigned; give fields.assignee too",
                    fields=["fields.status", "fields.assignee"],
                )
            if status == "open" and has_assignee:
                raise InvalidInputError(
                    "ticketIssue: an assigned Front conversation reads as inProgress; to make it "
                    "open, unassign it too (fields.assignee = null)",
                    fields=["fields.status", "fields.assignee"],
                )
            patch.update(WRITE_STATUS[status] or {"status_id": await _waiting_status(api)})
        tags = fields.get("tags")
        if isinstance(tags, list):
            patch["tag_ids"] = await tag_ids(api, tags, field="fields.tags")
        return patch

    async def _search_query(self, api: FrontApi, filters: Mapping[str, str]) -> str:
        """Front search text for the filters, or "" when a plain listing will do."""
        terms: list[str] = []
        if filters.get("search"):
            terms.append(filters["search"])
        if filters.get("project"):
            terms.append(f"inbox:{filters['project']}")
        if filters.get("assignee"):
            terms.append(f"assignee:{filters['assignee']}")
        if filters.get("tag"):
            (tag,) = await tag_ids(api, [filters["tag"]], field="filters.tag")
            terms.append(f"tag:{tag}")
        if filters.get("status"):
            if filters["status"] not in SEARCH_STATUS:
                raise InvalidInputError(
                    f"filter status={filters['status']!r}: use one of {', '.join(SEARCH_STATUS)}",
                    fields=["filters.status"],
                )
            terms.append(SEARCH_STATUS[filters["status"]])
        after = to_front_seconds(filters.get("updatedAfter"), "updatedAfter")
        if after is not None:
            terms.append(f"after:{int(after)}")
        return " ".join(terms)

    def _path(self, record_id: str) -> str:
        return f"/conversations/{path_id(record_id, model=self.model)}"


async def _with_inboxes(api: FrontApi, conversation: FrontJSON) -> FrontJSON:
    path = f"/conversations/{path_id(str(conversation['id']), model='ticketIssue')}/inboxes"
    return with_related(conversation, inboxes=await all_results(api, path))


async def _waiting_status(api: FrontApi) -> str:
    """The first ticket status in the "waiting" category: what onHold is in Front."""
    for status in await all_results(api, "/company/statuses"):
        if status.get("category") == "waiting":
            return str(status["id"])
    raise UnprocessableError(
        "ticketIssue: onHold needs a ticket status in Front's 'waiting' category, and this "
        "Front account has none (is ticketing enabled?)"
    )
