"""Loads the seed company (`seed.json`, a link to `fixtures/sandbox/seed.json`) into a Database.

The file ships inside the package (the link is followed when a wheel is built),
so an installed sandbox finds it next to this module.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .database import Database
from .records import (
    Account,
    Comment,
    Company,
    Contact,
    Conversation,
    CustomField,
    Event,
    Handle,
    Inbox,
    Message,
    Recipient,
    Status,
    Tag,
    Team,
    Teammate,
)

SEED_PATH = Path(__file__).with_name("seed.json")


def load_seed_json(path: Path = SEED_PATH) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _recipient(raw: dict[str, Any] | None) -> Recipient | None:
    return None if raw is None else Recipient(**raw)


def _contact(raw: dict[str, Any]) -> Contact:
    handles = [Handle(h["source"], h["handle"]) for h in raw["handles"]]
    return Contact(**{**raw, "handles": handles})


def _conversation(raw: dict[str, Any]) -> Conversation:
    return Conversation(**{**raw, "recipient": _recipient(raw.get("recipient"))})


def _message(raw: dict[str, Any]) -> Message:
    recipients = [Recipient(**r) for r in raw.get("recipients", [])]
    return Message(**{**raw, "recipients": recipients})


# section of seed.json -> (table name on Database, record builder)
SECTIONS: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
    "custom_fields": ("custom_fields", lambda raw: CustomField(**raw)),
    "teammates": ("teammates", lambda raw: Teammate(**raw)),
    "teams": ("teams", lambda raw: Team(**raw)),
    "inboxes": ("inboxes", lambda raw: Inbox(**raw)),
    "tags": ("tags", lambda raw: Tag(**raw)),
    "statuses": ("statuses", lambda raw: Status(**raw)),
    "accounts": ("accounts", lambda raw: Account(**raw)),
    "contacts": ("contacts", _contact),
    "conversations": ("conversations", _conversation),
    "messages": ("messages", _message),
    "comments": ("comments", lambda raw: Comment(**raw)),
}


def load_into(db: Database, data: dict[str, Any]) -> None:
    """Fill an empty database from seed data, then derive the seeded activity log."""
    company = data.get("company")
    if company:
        db.company = Company(company["id"], company["name"])
    db.api_author_ids.update(data.get("api_authors", {}))
    for section, (table_name, build) in SECTIONS.items():
        table: dict[str, Any] = getattr(db, table_name)
        for raw in data.get(section, []):
            record = build(raw)
            table[record.id] = record
    for contact in db.contacts.values():
        for name in contact.list_names:
            db.list_id(name)
    for event in sorted(_derived_events(db), key=lambda e: e.emitted_at):
        db.events[event.id] = event


def _derived_events(db: Database) -> Iterable[Event]:
    """Front's activity log for the seeded conversations (messages, comments, assignments...)."""
    counter = 0

    def make(kind: str, at: float, conversation_id: str, **extra: Any) -> Event:
        nonlocal counter
        counter += 1
        source = extra.pop("source_kind", "teammate")
        return Event(f"evt_s{counter:03d}", kind, at, conversation_id, source, **extra)

    for message in db.messages.values():
        kind = "inbound" if message.is_inbound else "out_reply"
        source = "inboxes" if message.is_inbound else "teammate"
        yield make(
            kind,
            message.created_at,
            message.conversation_id,
            source_kind=source,
            source_teammate_id=message.author_id,
            target_kind="message",
            target_id=message.id,
        )
    for comment in db.comments.values():
        yield make(
            "comment",
            comment.posted_at,
            comment.conversation_id,
            source_teammate_id=comment.author_id,
            target_kind="comment",
            target_id=comment.id,
        )
    for conv in db.conversations.values():
        if conv.assignee_id:
            yield make(
                "assign",
                conv.created_at + 120,
                conv.id,
                target_kind="teammate",
                target_id=conv.assignee_id,
            )
        for offset, tag_id in enumerate(conv.tag_ids):
            yield make(
                "tag", conv.created_at + 180 + offset, conv.id, target_kind="tag", target_id=tag_id
            )
        if db.statuses[conv.status_id].category == "resolved":
            yield make("archive", conv.updated_at, conv.id)
        if conv.trashed:
            yield make("trash", conv.updated_at, conv.id)
