"""Comment and message JSON (`CommentResponse`, `MessageResponse`)."""

from __future__ import annotations

import re
from typing import Any

from ..database import Database
from ..links import Links
from ..records import Comment, Message
from .conversations import recipient_json
from .people import teammate_json

_TAGS = re.compile(r"<[^>]+>")


def blurb(body: str) -> str:
    """Front's short plain-text preview of a body."""
    return " ".join(_TAGS.sub(" ", body).split())[:200]


def comment_json(links: Links, db: Database, comment: Comment) -> dict[str, Any]:
    return {
        "_links": {
            "self": links.url(f"/comments/{comment.id}"),
            "related": {
                "conversation": links.url(f"/conversations/{comment.conversation_id}"),
                "mentions": links.url(f"/comments/{comment.id}/mentions"),
                "comment_replied_to": None,
            },
        },
        "id": comment.id,
        "author": teammate_json(links, db.teammates[comment.author_id]),
        "body": comment.body,
        "posted_at": comment.posted_at,
        "attachments": [],
        "is_pinned": comment.is_pinned,
    }


def message_json(links: Links, db: Database, message: Message) -> dict[str, Any]:
    data: dict[str, Any] = {
        "_links": {
            "self": links.url(f"/messages/{message.id}"),
            "related": {
                "conversation": links.url(f"/conversations/{message.conversation_id}"),
                "message_seen": links.url(f"/messages/{message.id}/seen"),
            },
        },
        "id": message.id,
        "message_uid": message.message_uid,
        "type": message.type,
        "is_inbound": message.is_inbound,
        "created_at": message.created_at,
        "subject": message.subject,
        "blurb": blurb(message.body),
        "recipients": [recipient_json(links, r) for r in message.recipients],
        "body": message.body,
        "text": message.text or blurb(message.body),
        "attachments": [],
        "metadata": {},
    }
    author = db.teammates.get(message.author_id) if message.author_id else None
    if author is not None:
        data["author"] = teammate_json(links, author)
    return data
