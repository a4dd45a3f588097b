"""Conversation JSON (`ConversationResponse`) with its assignee, recipient and tags."""

from __future__ import annotations

from typing import Any

from ..database import Database
from ..indexes import MESSAGES_BY_CONVERSATION
from ..links import Links
from ..records import Conversation, Link, Recipient, Reminder
from ..tickets import category, legacy_status
from .people import teammate_json
from .tags import tag_json


def recipient_json(links: Links, recipient: Recipient) -> dict[str, Any]:
    contact = links.url(f"/contacts/{recipient.contact_id}") if recipient.contact_id else None
    return {
        "_links": {"related": {"contact": contact}},
        "name": recipient.name,
        "handle": recipient.handle,
        "role": recipient.role,
    }


def link_json(links: Links, link: Link) -> dict[str, Any]:
    return {
        "_links": {"self": links.url(f"/links/{link.id}")},
        "id": link.id,
        "name": link.name,
        "type": link.type,
        "external_url": link.external_url,
        "custom_fields": dict(link.custom_fields),
    }


def reminder_json(links: Links, reminder: Reminder) -> dict[str, Any]:
    owner = links.url(f"/teammates/{reminder.owner_id}") if reminder.owner_id else None
    return {
        "_links": {"related": {"owner": owner}} if owner else {"related": {}},
        "created_at": reminder.created_at,
        "scheduled_at": reminder.scheduled_at,
        "updated_at": reminder.updated_at,
    }


def _last_message_id(db: Database, conv: Conversation) -> str | None:
    messages = db.index(MESSAGES_BY_CONVERSATION).group(conv.id).items
    return messages[-1].id if messages else None


def conversation_json(links: Links, db: Database, conv: Conversation) -> dict[str, Any]:
    base = f"/conversations/{conv.id}"
    related = {
        "events": links.url(f"{base}/events"),
        "followers": links.url(f"{base}/followers"),
        "messages": links.url(f"{base}/messages"),
        "comments": links.url(f"{base}/comments"),
        "inboxes": links.url(f"{base}/inboxes"),
    }
    last = _last_message_id(db, conv)
    if last:
        related["last_message"] = links.url(f"/messages/{last}")
    assignee = db.teammates.get(conv.assignee_id) if conv.assignee_id else None
    data: dict[str, Any] = {
        "_links": {"self": links.url(base), "related": related},
        "id": conv.id,
        "type": conv.type,
        "subject": conv.subject,
        "status": legacy_status(db, conv),
        "status_id": conv.status_id,
        "status_category": category(db, conv),
        "ticket_ids": list(conv.ticket_ids),
        "assignee": teammate_json(links, assignee) if assignee else None,
        "recipient": recipient_json(links, conv.recipient) if conv.recipient else None,
        "tags": [tag_json(links, db.tags[t]) for t in conv.tag_ids if t in db.tags],
        "links": [link_json(links, db.links[i]) for i in conv.link_ids if i in db.links],
        "custom_fields": dict(conv.custom_fields),
        "created_at": conv.created_at,
        "updated_at": conv.updated_at,
        "is_private": conv.is_private,
        "scheduled_reminders": [reminder_json(links, r) for r in conv.reminders],
        "metadata": {},
    }
    if conv.waiting_since is not None:
        data["waiting_since"] = conv.waiting_since
    if conv.type == "task":
        data["description"] = conv.description
        data["due_at"] = conv.due_at
    return data
