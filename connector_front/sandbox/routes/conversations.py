"""Conversations: list, search, create (discussion/task), get, update, assign, tag, delete.

PATCH `status: deleted` moves a conversation to the trash; DELETE then removes
it for good (Front's spec: DELETE answers 400 unless the conversation is trashed).
A merged conversation answers 301 to the one it was merged into.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ..activity import author_for, emit, live_conversation
from ..body import (
    as_object,
    opt_number,
    opt_object,
    opt_str,
    opt_str_list,
    req_str,
    req_str_list,
)
from ..convlist import conversation_page
from ..customfields import validate_custom_fields
from ..endpoint import Ctx, Row, json_response, no_content
from ..errors import FrontError
from ..indexes import CONVERSATIONS, CONVERSATIONS_BY_TAG
from ..pagination import index_page, list_body, parse_limit
from ..records import Comment, Conversation
from ..search import Search
from ..shapes.conversations import conversation_json
from ..shapes.people import inbox_json
from ..tickets import first_status, transition_for_status, transition_for_status_id

CREATE_TYPES = ("discussion", "task")


def list_conversations(ctx: Ctx) -> Response:
    return conversation_page(ctx)


def search_conversations(ctx: Ctx) -> Response:
    limit = parse_limit(ctx)
    found = Search(ctx.db, ctx.param("query"))
    page, token = index_page(
        ctx.db.index(CONVERSATIONS).whole, limit, ctx.query.get("page_token"), True, found.keeps
    )
    body = list_body(ctx, [conversation_json(ctx.links, ctx.db, c) for c in page], token)
    body["_total"] = found.total()
    return json_response(body)


def _task_fields(data: dict[str, Any], conv_type: str) -> tuple[str | None, float | None]:
    description, due_at = opt_str(data, "description"), opt_number(data, "due_at")
    if conv_type != "task" and (description is not None or due_at is not None):
        raise FrontError(400, "description and due_at are only allowed on tasks")
    return description, due_at


def create_conversation(ctx: Ctx) -> Response:
    data = as_object(ctx.body)
    conv_type = req_str(data, "type")
    if conv_type not in CREATE_TYPES:
        raise FrontError(400, "type must be discussion or task")
    subject = req_str(data, "subject")
    inbox_id, teammate_ids = opt_str(data, "inbox_id"), opt_str_list(data, "teammate_ids")
    if (inbox_id is None) == (teammate_ids is None):
        raise FrontError(400, "Provide either inbox_id or teammate_ids (not both)")
    inbox_ids = [ctx.db.inbox(inbox_id).id] if inbox_id else []
    for teammate_id in teammate_ids or []:
        ctx.db.teammate(teammate_id)
    comment = opt_object(data, "comment")
    if conv_type == "discussion" and comment is None:
        raise FrontError(400, "comment is required for discussions")
    description, due_at = _task_fields(data, conv_type)
    custom = validate_custom_fields(ctx.db, "conversation", opt_object(data, "custom_fields") or {})
    now = ctx.db.now()
    conv = Conversation(
        id=ctx.db.new_id("cnv"),
        type=conv_type,
        subject=subject,
        status_id=first_status(ctx.db, "open"),
        created_at=now,
        updated_at=now,
        inbox_ids=inbox_ids,
        custom_fields=custom,
        description=description,
        due_at=due_at,
    )
    body = req_str(comment, "body") if comment is not None else None
    author = author_for(ctx, opt_str(comment, "author_id")) if comment is not None else None
    ctx.db.conversations[conv.id] = conv
    if body is not None and author is not None:
        first = Comment(ctx.db.new_id("com"), conv.id, author.id, body, now)
        ctx.db.comments[first.id] = first
        emit(ctx, "comment", conv, target_kind="comment", target_id=first.id)
    return json_response(conversation_json(ctx.links, ctx.db, conv), 201)


def get_conversation(ctx: Ctx) -> Response:
    conv = live_conversation(ctx, ctx.param("conversation_id"))
    return json_response(conversation_json(ctx.links, ctx.db, conv))


def _assignee_id(ctx: Ctx, data: dict[str, Any]) -> str | None:
    """The teammate id an `assignee_id` field names (null unassigns)."""
    assignee = data["assignee_id"]
    if assignee is None:
        return None
    if not isinstance(assignee, str):
        raise FrontError(400, "assignee_id must be a teammate id or null")
    return ctx.db.teammate(assignee).id


def _assign(ctx: Ctx, conv: Conversation, new_id: str | None) -> None:
    if new_id == conv.assignee_id:
        return
    conv.assignee_id = new_id
    if new_id:
        emit(ctx, "assign", conv, target_kind="teammate", target_id=new_id)
    else:
        emit(ctx, "unassign", conv)


def _set_tags(ctx: Ctx, conv: Conversation, tag_ids: list[str]) -> None:
    wanted = list(dict.fromkeys(tag_ids))
    for tag_id in [t for t in conv.tag_ids if t not in wanted]:
        emit(ctx, "untag", conv, target_kind="tag", target_id=tag_id)
    for tag_id in [t for t in wanted if t not in conv.tag_ids]:
        emit(ctx, "tag", conv, target_kind="tag", target_id=tag_id)
    conv.tag_ids = wanted


def _tag_ids(ctx: Ctx, names: list[str]) -> list[str]:
    return [ctx.db.tag(t).id for t in names]


def update_conversation(ctx: Ctx) -> Response:
    conv = live_conversation(ctx, ctx.param("conversation_id"))
    data = as_object(ctx.body)
    # check everything first, so a refused PATCH changes nothing
    if "status" in data and "status_id" in data:
        raise FrontError(400, "Provide only one of status and status_id")
    if conv.type != "task" and ("description" in data or "due_at" in data):
        raise FrontError(400, "description and due_at are only allowed on tasks")
    custom = opt_object(data, "custom_fields")
    custom = None if custom is None else validate_custom_fields(ctx.db, "conversation", custom)
    inbox_id = opt_str(data, "inbox_id")
    inbox = ctx.db.inbox(inbox_id) if inbox_id else None
    tag_names = opt_str_list(data, "tag_ids")
    tag_ids = None if tag_names is None else _tag_ids(ctx, tag_names)
    assignee_id = _assignee_id(ctx, data) if "assignee_id" in data else conv.assignee_id
    status, status_id = opt_str(data, "status"), opt_str(data, "status_id")
    due_at = opt_number(data, "due_at") if data.get("due_at") is not None else None
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        raise FrontError(400, "description must be a string or null")
    # then apply, recording Front's activity events
    _assign(ctx, conv, assignee_id)
    if inbox is not None and conv.inbox_ids != [inbox.id]:
        conv.inbox_ids = [inbox.id]
        emit(ctx, "move", conv, target_kind="inboxes", target_id=inbox.id)
    changes: list[str] = []
    if status is not None:
        changes = transition_for_status(ctx.db, conv, status)
    elif status_id is not None:
        changes = transition_for_status_id(ctx.db, conv, status_id)
    for kind in changes:
        emit(ctx, kind, conv)
    if tag_ids is not None:
        _set_tags(ctx, conv, tag_ids)
    if custom is not None:
        conv.custom_fields = custom
        emit(ctx, "custom_field_updated", conv)
    if "description" in data:
        conv.description = description
    if "due_at" in data:
        conv.due_at = due_at
    conv.updated_at = ctx.db.now()
    return no_content()


def delete_conversation(ctx: Ctx) -> Response:
    conv = ctx.db.conversation(ctx.param("conversation_id"))
    if not conv.trashed:
        raise FrontError(
            400, 'Conversation must have status "trashed" before it can be permanently deleted'
        )
    db = ctx.db
    del db.conversations[conv.id]
    for table in (db.comments, db.messages, db.events):
        for key in [k for k, v in table.items() if v.conversation_id == conv.id]:
            del table[key]
    return no_content()


def put_assignee(ctx: Ctx) -> Response:
    conv = live_conversation(ctx, ctx.param("conversation_id"))
    data = as_object(ctx.body)
    if "assignee_id" not in data:
        raise FrontError(400, "assignee_id is required (null to unassign)")
    _assign(ctx, conv, _assignee_id(ctx, data))
    conv.updated_at = ctx.db.now()
    return no_content()


def add_tags(ctx: Ctx) -> Response:
    conv = live_conversation(ctx, ctx.param("conversation_id"))
    added = _tag_ids(ctx, req_str_list(as_object(ctx.body), "tag_ids"))
    _set_tags(ctx, conv, [*conv.tag_ids, *added])
    conv.updated_at = ctx.db.now()
    return no_content()


def remove_tags(ctx: Ctx) -> Response:
    conv = live_conversation(ctx, ctx.param("conversation_id"))
    removed = set(_tag_ids(ctx, req_str_list(as_object(ctx.body), "tag_ids")))
    _set_tags(ctx, conv, [t for t in conv.tag_ids if t not in removed])
    conv.updated_at = ctx.db.now()
    return no_content()


def conversation_inboxes(ctx: Ctx) -> Response:
    conv = live_conversation(ctx, ctx.param("conversation_id"))
    inboxes = [inbox_json(ctx.links, ctx.db.inboxes[i]) for i in conv.inbox_ids]
    return json_response(list_body(ctx, inboxes, paginated=False))


def contact_conversations(ctx: Ctx) -> Response:
    contact = ctx.db.contact(ctx.param("contact_id"))
    handles = {h.handle.lower() for h in contact.handles}

    def involves(conv: Conversation) -> bool:
        recipient = conv.recipient
        if recipient is None:
            return False
        return recipient.contact_id == contact.id or recipient.handle.lower() in handles

    return conversation_page(ctx, match=involves)


def tag_conversations(ctx: Ctx) -> Response:
    tag = ctx.db.tag(ctx.param("tag_id"))
    return conversation_page(ctx, ctx.db.index(CONVERSATIONS_BY_TAG).group(tag.id))


ROUTES: list[Row] = [
    ("GET", "/conversations", list_conversations),
    ("POST", "/conversations", create_conversation),
    ("GET", "/conversations/search/{query}", search_conversations),
    ("GET", "/conversations/{conversation_id}", get_conversation),
    ("PATCH", "/conversations/{conversation_id}", update_conversation),
    ("DELETE", "/conversations/{conversation_id}", delete_conversation),
    ("PUT", "/conversations/{conversation_id}/assignee", put_assignee),
    ("POST", "/conversations/{conversation_id}/tags", add_tags),
    ("DELETE", "/conversations/{conversation_id}/tags", remove_tags),
    ("GET", "/conversations/{conversation_id}/inboxes", conversation_inboxes),
    ("GET", "/contacts/{contact_id}/conversations", contact_conversations),
    ("GET", "/tags/{tag_id}/conversations", tag_conversations),
]
