"""Comments and messages of a conversation, and `/comments/{id}`, `/messages/{id}`.

Replying (`POST .../messages`) archives the conversation unless
`options.archive` is false: Front's default for that option is true.
"""

from __future__ import annotations

import secrets

from starlette.responses import Response

from ..activity import author_for, emit, live_conversation
from ..body import as_object, opt_bool, opt_object, opt_str, opt_str_list, req_str
from ..endpoint import Ctx, Row, json_response
from ..errors import FrontError
from ..indexes import COMMENTS_BY_CONVERSATION, MESSAGES_BY_CONVERSATION
from ..pagination import index_page, list_body, parse_limit, parse_sort_by, parse_sort_order
from ..records import Comment, Conversation, Message, Recipient
from ..shapes.threads import blurb, comment_json, message_json
from ..tickets import transition_for_status


def list_comments(ctx: Ctx) -> Response:
    conv = live_conversation(ctx, ctx.param("conversation_id"))
    comments = ctx.db.index(COMMENTS_BY_CONVERSATION).group(conv.id).items
    results = [comment_json(ctx.links, ctx.db, c) for c in reversed(comments)]
    return json_response(list_body(ctx, results, paginated=False))


def create_comment(ctx: Ctx) -> Response:
    conv = live_conversation(ctx, ctx.param("conversation_id"))
    data = as_object(ctx.body)
    body = req_str(data, "body")
    author = author_for(ctx, opt_str(data, "author_id"))
    now = ctx.db.now()
    comment = Comment(
        ctx.db.new_id("com"), conv.id, author.id, body, now, bool(opt_bool(data, "is_pinned"))
    )
    ctx.db.comments[comment.id] = comment
    conv.updated_at = now
    teammate = author.id if author.type == "user" else None
    emit(ctx, "comment", conv, target_kind="comment", target_id=comment.id, teammate_id=teammate)
    return json_response(comment_json(ctx.links, ctx.db, comment), 201)


def get_comment(ctx: Ctx) -> Response:
    return json_response(comment_json(ctx.links, ctx.db, ctx.db.comment(ctx.param("comment_id"))))


def update_comment(ctx: Ctx) -> Response:
    comment = ctx.db.comment(ctx.param("comment_id"))
    data = as_object(ctx.body)
    body, pinned = opt_str(data, "body"), opt_bool(data, "is_pinned")
    if body is not None:
        comment.body = body
    if pinned is not None:
        comment.is_pinned = pinned
    return json_response(comment_json(ctx.links, ctx.db, comment))


def list_messages(ctx: Ctx) -> Response:
    conv = live_conversation(ctx, ctx.param("conversation_id"))
    limit = parse_limit(ctx)
    parse_sort_by(ctx, ("created_at",), "created_at")
    descending = parse_sort_order(ctx)
    messages = ctx.db.index(MESSAGES_BY_CONVERSATION).group(conv.id)
    page, token = index_page(messages, limit, ctx.query.get("page_token"), descending)
    results = [message_json(ctx.links, ctx.db, m) for m in page]
    return json_response(list_body(ctx, results, token))


def _reply_recipients(ctx: Ctx, conv: Conversation, to: list[str] | None) -> list[Recipient]:
    inbox = ctx.db.inboxes.get(conv.inbox_ids[0]) if conv.inbox_ids else None
    sender = Recipient(inbox.address if inbox else "", "from", inbox.name if inbox else None)
    if to:
        targets = []
        for handle in to:
            contact = ctx.db.contact_by_handle("email", handle)
            name, contact_id = (contact.name, contact.id) if contact else (None, None)
            targets.append(Recipient(handle, "to", name, contact_id))
    elif conv.recipient is not None:
        original = conv.recipient
        targets = [Recipient(original.handle, "to", original.name, original.contact_id)]
    else:
        raise FrontError(400, "to is required: the conversation has no recipient to reply to")
    return [sender, *targets]


def reply(ctx: Ctx) -> Response:
    conv = live_conversation(ctx, ctx.param("conversation_id"))
    if conv.type != "conversation":
        raise FrontError(400, f"A {conv.type} only supports comments; messages cannot be sent")
    data = as_object(ctx.body)
    body = req_str(data, "body")
    options = opt_object(data, "options") or {}
    tag_ids = [ctx.db.tag(t).id for t in opt_str_list(options, "tag_ids") or []]
    archive = opt_bool(options, "archive")
    author_id = opt_str(data, "author_id")
    author = ctx.db.teammate(author_id) if author_id else None
    recipients = _reply_recipients(ctx, conv, opt_str_list(data, "to"))
    for role in ("cc", "bcc"):
        recipients += [Recipient(h, role) for h in opt_str_list(data, role) or []]
    now = ctx.db.now()
    message = Message(
        id=ctx.db.new_id("msg"),
        conversation_id=conv.id,
        message_uid=secrets.token_hex(8),
        type="email",
        is_inbound=False,
        created_at=now,
        subject=opt_str(data, "subject") or f"Re: {conv.subject}",
        body=body,
        recipients=recipients,
        author_id=author.id if author else None,
        text=opt_str(data, "text") or blurb(body),
    )
    ctx.db.messages[message.id] = message
    teammate = author.id if author else None
    emit(ctx, "out_reply", conv, target_kind="message", target_id=message.id, teammate_id=teammate)
    for tag_id in [t for t in tag_ids if t not in conv.tag_ids]:
        conv.tag_ids.append(tag_id)
        emit(ctx, "tag", conv, target_kind="tag", target_id=tag_id)
    if archive is not False:
        for kind in transition_for_status(ctx.db, conv, "archived"):
            emit(ctx, kind, conv)
    conv.waiting_since = None
    conv.updated_at = now
    return json_response({"status": "accepted", "message_uid": message.message_uid}, 202)


def get_message(ctx: Ctx) -> Response:
    return json_response(message_json(ctx.links, ctx.db, ctx.db.message(ctx.param("message_id"))))


ROUTES: list[Row] = [
    ("GET", "/conversations/{conversation_id}/comments", list_comments),
    ("POST", "/conversations/{conversation_id}/comments", create_comment),
    ("GET", "/conversations/{conversation_id}/messages", list_messages),
    ("POST", "/conversations/{conversation_id}/messages", reply),
    ("GET", "/comments/{comment_id}", get_comment),
    ("PATCH", "/comments/{comment_id}/", update_comment),
    ("GET", "/messages/{message_id}", get_message),
]
