"""Event previews: what application webhooks (and preview rule webhooks) carry.

A preview is the event with ids and `_links` only, never full records: the
conversation's id, subject, status and links; the target's and source's type,
id and link. Its `id` is the event's id in `GET /events`, so a consumer can
match a webhook with the Events API.
"""

from __future__ import annotations

from typing import Any

from ..database import Database
from ..links import Links
from ..records import Event
from ..tickets import legacy_status

# resource kind in `_meta.type` -> the API path of one such resource
RESOURCE_PATHS: dict[str, str] = {
    "teammate": "/teammates/{}",
    "inboxes": "/inboxes/{}",
    "message": "/messages/{}",
    "comment": "/comments/{}",
    "tag": "/tags/{}",
    "link": "/links/{}",
}


def _ref(links: Links, kind: str, ident: str) -> dict[str, Any]:
    return {"_links": {"self": links.url(RESOURCE_PATHS[kind].format(ident))}, "id": ident}


def _conversation(links: Links, db: Database, conversation_id: str) -> dict[str, Any]:
    base = f"/conversations/{conversation_id}"
    related = {
        name: links.url(f"{base}/{name}")
        for name in ("events", "followers", "messages", "comments", "inboxes")
    }
    preview: dict[str, Any] = {
        "_links": {"self": links.url(base), "related": related},
        "id": conversation_id,
    }
    conv = db.conversations.get(conversation_id)
    if conv is not None:
        preview.update(
            subject=conv.subject, status=legacy_status(db, conv), created_at=conv.created_at
        )
    return preview


def _source(links: Links, db: Database, event: Event) -> dict[str, Any]:
    source: dict[str, Any] = {"_meta": {"type": event.source_kind}}
    if event.source_kind == "teammate" and event.source_teammate_id:
        source["data"] = _ref(links, "teammate", event.source_teammate_id)
    elif event.source_kind == "inboxes":
        conv = db.conversations.get(event.conversation_id)
        source["data"] = [_ref(links, "inboxes", i) for i in (conv.inbox_ids if conv else [])]
    return source


def event_preview(links: Links, db: Database, event: Event) -> dict[str, Any]:
    """The preview of one activity event, as of now."""
    preview: dict[str, Any] = {
        "_links": {"self": links.url(f"/events/{event.id}")},
        "id": event.id,
        "type": event.type,
        "emitted_at": event.emitted_at,
        "conversation": _conversation(links, db, event.conversation_id),
        "source": _source(links, db, event),
    }
    if event.target_kind is not None:
        target: dict[str, Any] = {"_meta": {"type": event.target_kind}}
        if event.target_id:
            target["data"] = _ref(links, event.target_kind, event.target_id)
        preview["target"] = target
    return preview
