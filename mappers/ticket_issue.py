"""ticketIssue <-> Front conversation (``cnv_``)."""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import ClassVar
from urllib.parse import quote

from connector_front.errors import InvalidInputError, UnprocessableError
from connector_front.models.ticket_issue import TagChanges, TicketIssueFields
from connector_front.paging import all_results, one_page

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
    items,
    list_params,
    path_id,
    resume_at,
    unknown_filters,
    with_custom,
    with_related,
)
from .event_memory import EventMemory
from .events import EVENTS_ENDPOINT
from .inbox_walk import InboxOrder, conversation_inboxes, walk_inboxes
from .refs import ref, ref_id
from .statuses import SEARCH_STATUS, WRITE_STATUS, unified_status
from .tags import tag_ids
from .timestamps import to_front_seconds

CONVERSATION = "/conversations/{conversation_id}"
INBOXES = "GET /conversations/{conversation_id}/inboxes"
PROJECT = (INBOXES, "GET /inboxes")
"""What a conversation's project is read from (see inbox_walk.py for the rule)."""
NOT_CLEARABLE: Mapping[str, str] = {
    "project": "a conversation is always in an inbox: give another ticketProject to move it",
    "status": "give one of open, inProgress, onHold, closed",
    "tags": "give [] to remove every tag",
}
"""Fields an update may not set to null, and what to send instead."""


class IssueMapper(CollectionMapper):
    model = "ticketIssue"
    collection = "/conversations"
    front_object = "conversation"
    label = "conversations"
    id_prefixes = (FRONT_ID_PREFIXES["conversation"],)
    fields_model = TicketIssueFields
    endpoints: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "list": (
            "GET /conversations",
            "GET /conversations/search/{query}",
            "GET /inboxes/{inbox_id}/conversations",
            "GET /tags",
            *PROJECT,
        ),
        "retrieve": (f"GET {CONVERSATION}", *PROJECT),
        "create": (
            "POST /conversations",
            f"PATCH {CONVERSATION}",
            f"GET {CONVERSATION}",
            "GET /tags",
            "GET /company/statuses",
            *PROJECT,
        ),
        "update": (
            f"GET {CONVERSATION}",
            f"PATCH {CONVERSATION}",
            "PUT /conversations/{conversation_id}/assignee",
            "POST /conversations/{conversation_id}/tags",
            "DELETE /conversations/{conversation_id}/tags",
            "GET /tags",
            "GET /company/statuses",
            *PROJECT,
        ),
        "delete": (f"PATCH {CONVERSATION}", f"DELETE {CONVERSATION}"),
        "events": (EVENTS_ENDPOINT, f"GET {CONVERSATION}", *PROJECT),
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

    simple_fields: ClassVar[Mapping[str, FrontField]] = {
        "title": FrontField("subject"),  # written by create only: Front cannot change it
        "description": FrontField("description"),  # written on task conversations only
    }
    reads_before_update = True  # the conversation's type and assignee
    unchangeable: ClassVar[Mapping[str, str]] = {
        "title": "Front's API cannot change a conversation's subject (title)"
    }

    def to_unified(self, item: FrontItem) -> Unified:
        inboxes = item.related.get("inboxes") or []
        front = item.front
        return self.unified(
            item,
            project=ref("ticketProject", inboxes[0].get("id")) if inboxes else None,
            status=unified_status(front),
            priority=None,  # Front has none; a field mapping may supply it
            assignee=ref("genericUser", (front.get("assignee") or {}).get("id")),
            tags=[str(t["name"]) for t in front.get("tags") or [] if t.get("name")],
        )

    async def list(self, api: FrontApi, query: ListQuery) -> MappedList:
        """Filters other than ``project`` go through Front's search; ``project`` alone is that
        inbox's listing; no filter walks every inbox (inbox_walk.py), or lists
        ``/conversations`` when the project is omitted."""
        unknown_filters(query, list(self.filters), model=self.model)
        project = query.filters.get("project")
        if any(value for name, value in query.filters.items() if name != "project"):
            return await self._search(api, query)
        if project:
            path = f"/inboxes/{path_id(project, model=self.model)}/conversations"
        elif "project" in query.omit:
            path = self.collection
        else:
            return await walk_inboxes(api, query)
        link = resume_at(query, query.cursor)
        page = await one_page(api, path, params=list_params(query), next_url=link)
        return MappedList(
            items=await _projects(api, page.results, query), next_cursor=page.next_url
        )

    async def _search(self, api: FrontApi, query: ListQuery) -> MappedList:
        """A page of Front's conversation search; the query is built on the first page only
        (later pages follow Front's link, which carries it)."""
        search = "" if query.cursor else await self._search_query(api, query.filters)
        path = f"/conversations/search/{quote(search, safe='')}"
        link = resume_at(query, query.cursor)
        page = await one_page(api, path, params=list_params(query), next_url=link)
        # Front's search is coarser than unified statuses ("is:open is:assigned" also matches
        # conversations in a "waiting" ticket status): keep only the status asked for.
        wanted = query.filters.get("status")
        found = [cnv for cnv in page.results if not wanted or unified_status(cnv) == wanted]
        return MappedList(items=await _projects(api, found, query), next_cursor=page.next_url)

    async def retrieve(self, api: FrontApi, record_id: str) -> FrontItem:
        return await _with_inboxes(api, (await super().retrieve(api, record_id)).front)

    async def event_item(self, api: FrontApi, front: FrontJSON, memory: EventMemory) -> FrontItem:
        """The conversation an event carried, with its inboxes (its project first) as events
        last named them, else read once and remembered."""
        inboxes = await memory.inboxes(str(front["id"]), lambda: conversation_inboxes(api, front))
        if len(inboxes) > 1:
            order = await memory.inbox_order(lambda: InboxOrder(api).ids())
            inboxes = await InboxOrder(api, order).first(inboxes)
        return FrontItem(front, {"inboxes": inboxes})

    async def create(
        self, api: FrontApi, fields: TicketIssueFields, custom_fields: CustomFields
    ) -> FrontItem:
        missing = [
            f"fields.{name}" for name in ("title", "description") if not getattr(fields, name)
        ]
        if missing:
            raise InvalidInputError(
                "ticketIssue: Front opens an issue as a discussion with a subject (title) and "
                "a first comment (description); give both",
                fields=missing,
            )
        if isinstance(fields.tags, TagChanges):
            raise InvalidInputError(
                "ticketIssue::create: tags must be a list of tag names", fields=["fields.tags"]
            )
        body: FrontJSON = {
            "type": "discussion",
            "subject": fields.title,
            "comment": {"body": fields.description},
        }
        inbox = ref_id(fields.project, "ticketProject", field="fields.project")
        assignee = ref_id(fields.assignee, "genericUser", field="fields.assignee")
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
        created = await api.request_json(
            "POST", "/conversations", json=with_custom(body, custom_fields)
        )
        later = fields.model_fields_set - {"project", "description", "title"}  # by a PATCH
        patch = await self._patch_body(api, created, fields, later)
        if patch:
            path = self.path(str(created["id"]))
            await api.request("PATCH", path, json=patch)
            created = await api.request_json("GET", path)
        return await _with_inboxes(api, created)

    def refuse_update(self, fields: TicketIssueFields) -> None:
        super().refuse_update(fields)
        written = fields.model_fields_set
        cleared = [
            name for name in NOT_CLEARABLE if name in written and getattr(fields, name) is None
        ]
        if cleared:
            raise InvalidInputError(
                "ticketIssue: Front cannot clear "
                + ", ".join(f"{name} ({NOT_CLEARABLE[name]})" for name in cleared),
                fields=[f"fields.{name}" for name in cleared],
            )

    async def update_body(
        self, api: FrontApi, path: str, current: FrontJSON, fields: TicketIssueFields
    ) -> FrontJSON:
        if "description" in fields.model_fields_set and current.get("type") != "task":
            raise InvalidInputError(
                "ticketIssue: Front keeps a description only on task conversations; add a "
                "ticketComment to this discussion instead",
                fields=["fields.description"],
            )
        patch = await self._patch_body(api, current, fields, fields.model_fields_set)
        if "assignee" in fields.model_fields_set and fields.assignee is None:
            # Unassigning is done by the assignee endpoint with a null id, as Front documents.
            await api.request("PUT", f"{path}/assignee", json={"assignee_id": None})
        return patch

    async def after_update(
        self, api: FrontApi, path: str, current: FrontJSON, fields: TicketIssueFields
    ) -> None:
        """Tag changes ({add, remove}) go through Front's tag endpoints."""
        if not isinstance(fields.tags, TagChanges):
            return
        add, remove = fields.tags.add, fields.tags.remove
        names_used = list(dict.fromkeys([*add, *remove]))  # tag_ids answers in this order
        ids = await tag_ids(api, names_used, field="fields.tags") if names_used else []
        by_name = dict(zip(names_used, ids, strict=True))
        for method, names in (("POST", add), ("DELETE", remove)):
            if names:
                chosen = list(dict.fromkeys(by_name[name] for name in names))
                await api.request(method, f"{path}/tags", json={"tag_ids": chosen})

    async def delete(self, api: FrontApi, record_id: str, *, permanent: bool = False) -> None:
        """To the trash; permanently (Front's DELETE, trashed first) only when asked."""
        path = self.path(record_id)
        await api.request("PATCH", path, json={"status": "deleted"})
        if permanent:
            await api.request("DELETE", path)

    async def _patch_body(
        self, api: FrontApi, current: FrontJSON, fields: TicketIssueFields, written: Set[str]
    ) -> FrontJSON:
        """The PATCH for the ``written`` status, assignee, project, description, tag list."""
        patch: FrontJSON = {}
        assignee = ref_id(fields.assignee, "genericUser", field="fields.assignee")
        if assignee:
            patch["assignee_id"] = assignee
        project = ref_id(fields.project, "ticketProject", field="fields.project")
        if project and "project" in written:
            patch["inbox_id"] = project
        if "description" in written and current.get("type") == "task":
            patch["description"] = fields.description
        status = fields.status
        if status is not None:
            keeps_current = "assignee" not in written
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
        if isinstance(fields.tags, list):
            patch["tag_ids"] = await tag_ids(api, fields.tags, field="fields.tags")
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


async def _projects(
    api: FrontApi, conversations: list[FrontJSON], query: ListQuery
) -> list[FrontItem]:
    """The listed conversations with what their project is read from: the ``project``
    filter's inbox, nothing when the project is omitted, else each one's inboxes."""
    project = query.filters.get("project")
    if project:
        return in_inbox(conversations, project)
    if "project" in query.omit:
        return items(conversations)
    order = InboxOrder(api)
    return await with_related(conversations, lambda cnv: _with_inboxes(api, cnv, order))


def in_inbox(conversations: list[FrontJSON], inbox: str) -> list[FrontItem]:
    """Conversations listed from one inbox, which is their project."""
    return [FrontItem(conversation, {"inboxes": [{"id": inbox}]}) for conversation in conversations]


async def _with_inboxes(
    api: FrontApi, conversation: FrontJSON, order: InboxOrder | None = None
) -> FrontItem:
    """The conversation and its inboxes, its project (the first in ``GET /inboxes`` order)
    first: ``GET /inboxes`` is asked only for a conversation in several inboxes."""
    inboxes = await conversation_inboxes(api, conversation)
    ranked = await (order or InboxOrder(api)).first(inboxes)
    return FrontItem(conversation, {"inboxes": ranked})


async def _waiting_status(api: FrontApi) -> str:
    """The first ticket status in the "waiting" category: what onHold is in Front."""
    for status in await all_results(api, "/company/statuses"):
        if status.get("category") == "waiting":
            return str(status["id"])
    raise UnprocessableError(
        "ticketIssue: onHold needs a ticket status in Front's 'waiting' category, and this "
        "Front account has none (is ticketing enabled?)"
    )
