"""ticketComment <-> Front comment (``com_``, internal) and message (``msg_``, public)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from functools import partial
from typing import Any, ClassVar

from connector_front.errors import InvalidCursorError, InvalidInputError, NotFoundError
from connector_front.models.ticket_comment import TicketCommentFields
from connector_front.paging import all_results, one_page, with_limit

from .base import (
    FRONT_ID_PREFIXES,
    CustomFields,
    FrontApi,
    FrontItem,
    FrontJSON,
    ListQuery,
    MappedList,
    Mapper,
    Unified,
    list_params,
    path_id,
    resume_at,
    sliced,
    unknown_filters,
)
from .events import EVENTS_ENDPOINT
from .refs import linked_id, ref, ref_id

KINDS: Mapping[str, str] = {"com_": "comments", "msg_": "messages"}
"""Id prefix -> the Front collection it lives in (and the order a listing walks them)."""

PHASES = ("comments", "messages")
MESSAGE_POLL_DELAYS = (0.1, 0.2, 0.4, 0.8, 1.6)
"""Front accepts a reply (202) before the message exists: how long to wait for it."""


class CommentMapper(Mapper):
    model = "ticketComment"
    front_object = "comment / message"
    label = "comments and messages"
    id_prefixes = (FRONT_ID_PREFIXES["comment"], FRONT_ID_PREFIXES["message"])
    fields_model = TicketCommentFields
    endpoints: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "list": (
            "GET /conversations/{conversation_id}/comments",
            "GET /conversations/{conversation_id}/messages",
        ),
        "retrieve": ("GET /comments/{comment_id}", "GET /messages/{message_id}"),
        "create": (
            "POST /conversations/{conversation_id}/comments",
            "POST /conversations/{conversation_id}/messages",
            "GET /messages/{message_id}",
        ),
        "update": ("GET /comments/{comment_id}", "PATCH /comments/{comment_id}/"),
        "events": (EVENTS_ENDPOINT, "GET /comments/{comment_id}", "GET /messages/{message_id}"),
    }
    changes = "events_api"
    not_supported: ClassVar[Mapping[str, str]] = {
        "delete": "Front's API has no endpoint to delete comments or messages",
    }
    filters: ClassVar[Mapping[str, str]] = {"issue": "ticketIssue id (required)"}

    def to_unified(self, item: FrontItem) -> Unified:
        front = item.front
        internal = str(front["id"]).startswith("com_")
        author = front.get("author") or {}
        author_ref = ref("genericUser", author.get("id")) or _sender_contact(front)
        content = front.get("body") if internal else (front.get("text") or front.get("body"))
        return Unified(
            id=str(front["id"]),
            fields={
                "issue": ref("ticketIssue", linked_id(front, "conversation") or _issue_of(item)),
                "author": author_ref,
                "content": content or None,
                "isInternal": internal,
            },
            created_at=front.get("posted_at") if internal else front.get("created_at"),
        )

    async def list(self, api: FrontApi, query: ListQuery) -> MappedList:
        unknown_filters(query, list(self.filters), model=self.model)
        issue = query.filters.get("issue")
        if not issue:
            raise InvalidInputError(
                "ticketComment::list needs the issue filter: list the comments of one "
                "ticketIssue, e.g. ?issue=cnv_123",
                fields=["filters.issue"],
            )
        phase, _, at = (query.cursor or f"{PHASES[0]}|").partition("|")
        if phase not in PHASES:
            raise InvalidCursorError(
                "cursor is not a ticketComment cursor; pass the 'next' value of the previous "
                "page unchanged"
            )
        conversation = f"/conversations/{path_id(issue, model=self.model)}"
        if phase == "messages":
            return await _messages(api, query, conversation, issue, resume_at(query, at or None))
        return await _comments(api, query, conversation, issue, at or None)

    async def retrieve(self, api: FrontApi, record_id: str) -> FrontItem:
        return FrontItem(await api.request_json("GET", _path(record_id)))

    async def create(
        self, api: FrontApi, fields: TicketCommentFields, custom_fields: CustomFields
    ) -> FrontItem:
        issue = ref_id(fields.issue, "ticketIssue", field="fields.issue")
        given = {"issue": issue, "content": fields.content}
        missing = [f"fields.{name}" for name, value in given.items() if not value]
        if missing or issue is None:
            raise InvalidInputError(
                "ticketComment::create needs the issue it belongs to and its content",
                fields=missing,
            )
        body: FrontJSON = {"body": fields.content}
        author = ref_id(fields.author, "genericUser", field="fields.author")
        if author:
            body["author_id"] = author
        conversation = f"/conversations/{path_id(issue, model=self.model)}"
        if fields.isInternal or "isInternal" not in fields.model_fields_set:
            comment = await api.request_json("POST", f"{conversation}/comments", json=body)
            return with_issue(comment, issue)
        # A public reply. Front archives the conversation on reply unless told not to.
        body["options"] = {"archive": False}
        accepted = await api.request("POST", f"{conversation}/messages", json=body)
        uid = (accepted or {}).get("message_uid")
        if not uid:
            raise NotFoundError("Front accepted the reply but returned no message uid to fetch")
        return with_issue(await _accepted_message(api, str(uid)), issue)

    async def update(
        self,
        api: FrontApi,
        record_id: str,
        fields: TicketCommentFields,
        custom_fields: CustomFields,
    ) -> FrontItem:
        if not record_id.startswith("com_"):
            raise InvalidInputError(
                "ticketComment: only internal comments (com_) can be edited; Front cannot "
                "change a message once sent",
                fields=["id"],
            )
        unchangeable = sorted(fields.model_fields_set - {"content"})
        if unchangeable:
            raise InvalidInputError(
                "ticketComment::update can change content only",
                fields=[f"fields.{name}" for name in unchangeable],
            )
        if "content" not in fields.model_fields_set:
            return await self.retrieve(api, record_id)
        body = {"body": fields.content or ""}
        return FrontItem(await api.request_json("PATCH", f"{_path(record_id)}/", json=body))


async def _comments(
    api: FrontApi, query: ListQuery, conversation: str, issue: str, at: str | None
) -> MappedList:
    """A page of the conversation's comments (Front answers them whole: paged here) and, on the
    page where they end, the first messages in the room left."""
    whole = partial(all_results, api, f"{conversation}/comments")
    part = await sliced(query, whole, at)
    listed = [with_issue(comment, issue) for comment in part.items]
    if part.next is not None:
        return MappedList(items=listed, next_cursor=f"comments|{part.next_cursor}")
    messages, room = f"{conversation}/messages", part.size - len(listed)
    if room == 0:  # no message fits: ask for one, to tell whether a next page has any
        ahead = await one_page(api, messages, params={"limit": 1})
        more = f"messages|{messages}?limit={part.size}" if ahead.results else None
        return MappedList(items=listed, next_cursor=more)
    rest = await _messages(api, query, conversation, issue, f"{messages}?limit={room}", part.size)
    return MappedList(items=[*listed, *rest.items], next_cursor=rest.next_cursor)


async def _messages(
    api: FrontApi,
    query: ListQuery,
    conversation: str,
    issue: str,
    link: str | None,
    size: int | None = None,
) -> MappedList:
    """A page of the conversation's messages (at ``link``; None: the first). ``size``: the page
    size later pages ask for, when not ``link``'s own."""
    path = f"{conversation}/messages"
    page = await one_page(api, path, params=list_params(query), next_url=link)
    following = page.next_url
    if following is not None and size is not None:
        following = with_limit(following, size)
    listed = [with_issue(message, issue) for message in page.results]
    return MappedList(items=listed, next_cursor=f"messages|{following}" if following else None)


def _path(record_id: str) -> str:
    for prefix, collection in KINDS.items():
        if record_id.startswith(prefix):
            return f"/{collection}/{path_id(record_id, model='ticketComment')}"
    raise InvalidInputError(
        f"ticketComment id {record_id!r} is neither a comment (com_…) nor a message (msg_…)",
        fields=["id"],
    )


def with_issue(front: FrontJSON, issue: str) -> FrontItem:
    """Front's items may lack the conversation link; the caller knows the issue."""
    return FrontItem(front, {"conversation": [{"id": issue}]})


def _issue_of(item: FrontItem) -> str | None:
    return next((c.get("id") for c in item.related.get("conversation", [])), None)


def _sender_contact(front: Mapping[str, Any]) -> dict[str, str] | None:
    for recipient in front.get("recipients") or []:
        if recipient.get("role") == "from":
            return ref("genericContact", linked_id(recipient, "contact"))
    return None


async def _accepted_message(api: FrontApi, uid: str) -> FrontJSON:
    path = f"/messages/{path_id('alt:uid:' + uid, model='ticketComment')}"
    for delay in (*MESSAGE_POLL_DELAYS, None):
        try:
            return await api.request_json("GET", path)
        except NotFoundError:
            if delay is None:
                raise
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")
