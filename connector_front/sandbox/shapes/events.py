"""Activity event JSON (`EventResponse`): source, target and the conversation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..database import Database
from ..links import Links
from ..records import Event
from .conversations import conversation_json, link_json
from .people import inbox_json, teammate_json
from .tags import tag_json
from .threads import comment_json, message_json

# target kind -> JSON of the target record (None when it no longer exists)
TARGETS: dict[str, Callable[[Links, Database, str], Any]] = {
    "teammate": lambda links, db, i: (
        teammate_json(links, db.teammates[i]) if i in db.teammates else None
    ),
    "inboxes": lambda links, db, i: inbox_json(links, db.inboxes[i]) if i in db.inboxes else None,
    "tag": lambda links, db, i: tag_json(links, db.tags[i]) if i in db.tags else None,
    "comment": lambda links, db, i: (
        comment_json(links, db, db.comments[i]) if i in db.comments else None
    ),
    "message": lambda links, db, i: (
        message_json(links, db, db.messages[i]) if i in db.messages else None
    ),
    "link": lambda links, db, i: link_json(links, db.links[i]) if i in db.links else None,
}


def _source(links: Links, db: Database, event: Event) -> dict[str, Any]:
    source: dict[str, Any] = {"_meta": {"type": event.source_kind}}
    teammate = db.teammates.get(event.source_teammate_id or "")
    if event.source_kind == "teammate" and teammate is not None:
        source["data"] = teammate_json(links, teammate)
    elif event.source_kind == "inboxes":
        conv = db.conversations.get(event.conversation_id)
        inboxes = [db.inboxes[i] for i in (conv.inbox_ids if conv else []) if i in db.inboxes]
        source["data"] = [inbox_json(links, inbox) for inbox in inboxes]
    return source


def event_json(links: Links, db: Database, event: Event) -> dict[str, Any]:
    data: dict[str, Any] = {
        "_links": {"self": links.url(f"/events/{event.id}")},
        "id": event.id,
        "type": event.type,
        "emitted_at": event.emitted_at,
        "source": _source(links, db, event),
        "conversation": conversation_json(links, db, db.conversations[event.conversation_id]),
    }
    if event.target_kind is not None:
        target: dict[str, Any] = {"_meta": {"type": event.target_kind}}
        found = TARGETS[event.target_kind](links, db, event.target_id or "")
        if found is not None:
            target["data"] = found
        data["target"] = target
    return data
