"""A subset of Front's conversation search syntax (`GET /conversations/search/{query}`).

Understood: free text (words or "quoted phrases", matched in subject, message
and comment bodies, recipient handle and name), `inbox:`, `tag:`, `assignee:`,
`recipient:`, `is:` (open, archived, assigned, unassigned, trashed, waiting,
resolved, unreplied, snoozed), `after:` / `before:` (Unix seconds, last activity).
Several `inbox:` filters match any of them; every other term must match.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

from .database import Database
from .errors import FrontError
from .indexes import COMMENTS_BY_CONVERSATION, MESSAGES_BY_CONVERSATION
from .qparams import seconds
from .records import Conversation, Message
from .tickets import category, legacy_status

Predicate = Callable[[Database, Conversation], bool]


def _is_open(db: Database, c: Conversation) -> bool:
    return not c.trashed and category(db, c) != "resolved"


def _messages(db: Database, c: Conversation) -> list[Message]:
    """The conversation's messages, oldest first (from the index: no scan of every message)."""
    return db.index(MESSAGES_BY_CONVERSATION).group(c.id).items


def _unreplied(db: Database, c: Conversation) -> bool:
    messages = _messages(db, c)
    return bool(messages) and messages[-1].is_inbound


IS_FILTERS: dict[str, Predicate] = {
    "open": _is_open,
    "archived": lambda db, c: legacy_status(db, c) == "archived",
    "assigned": lambda db, c: legacy_status(db, c) == "assigned",
    "unassigned": lambda db, c: legacy_status(db, c) == "unassigned",
    "trashed": lambda db, c: c.trashed,
    "waiting": lambda db, c: not c.trashed and category(db, c) == "waiting",
    "resolved": lambda db, c: not c.trashed and category(db, c) == "resolved",
    "unreplied": _unreplied,
    "snoozed": lambda db, c: False,
}


def _text_of(db: Database, c: Conversation) -> str:
    parts = [c.subject]
    if c.recipient is not None:
        parts += [c.recipient.handle, c.recipient.name or ""]
    parts += [m.body + " " + m.text for m in _messages(db, c)]
    parts += [k.body for k in db.index(COMMENTS_BY_CONVERSATION).group(c.id).items]
    return " ".join(parts).lower()


def _timestamp(value: str, key: str) -> float:
    found = seconds(value)
    if found is None:
        raise FrontError(400, f"{key}: expects a Unix timestamp in seconds")
    return found


def _inbox(db: Database, value: str) -> Predicate:
    wanted = {
        i.id
        for i in db.inboxes.values()
        if value in (i.id, i.name) or i.name.lower() == value.lower()
    }
    return lambda db, c: bool(wanted & set(c.inbox_ids))


def _tag(db: Database, value: str) -> Predicate:
    wanted = {t.id for t in db.tags.values() if value in (t.id, t.name)}
    return lambda db, c: bool(wanted & set(c.tag_ids))


def _assignee(db: Database, value: str) -> Predicate:
    wanted = {t.id for t in db.teammates.values() if value in (t.id, t.email, t.username)}
    return lambda db, c: c.assignee_id in wanted


def _recipient(db: Database, value: str) -> Predicate:
    wanted = value.lower()

    def match(db: Database, c: Conversation) -> bool:
        handles = [r.handle for m in _messages(db, c) for r in m.recipients]
        if c.recipient is not None:
            handles.append(c.recipient.handle)
        return wanted in (h.lower() for h in handles)

    return match


def _is(db: Database, value: str) -> Predicate:
    check = IS_FILTERS.get(value.lower())
    if check is None:
        raise FrontError(400, f"is:{value} is not a known search filter")
    return check


def _after(db: Database, value: str) -> Predicate:
    moment = _timestamp(value, "after")
    return lambda db, c: c.updated_at > moment


def _before(db: Database, value: str) -> Predicate:
    moment = _timestamp(value, "before")
    return lambda db, c: c.updated_at < moment


# filter key -> builder of the predicate for its value
FILTERS: dict[str, Callable[[Database, str], Predicate]] = {
    "inbox": _inbox,
    "tag": _tag,
    "assignee": _assignee,
    "recipient": _recipient,
    "is": _is,
    "after": _after,
    "before": _before,
}


@dataclass
class SearchQuery:
    """A parsed query: `any_of` groups (one must match), `all_of` filters, free-text terms."""

    any_of: dict[str, list[Predicate]] = field(default_factory=dict)
    all_of: list[Predicate] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    include_trash: bool = False

    def matches(self, db: Database, conv: Conversation) -> bool:
        if not all(any(p(db, conv) for p in group) for group in self.any_of.values()):
            return False
        if not all(p(db, conv) for p in self.all_of):
            return False
        if self.words:
            text = _text_of(db, conv)
            return all(word in text for word in self.words)
        return True


def parse(db: Database, query: str) -> SearchQuery:
    try:
        terms = shlex.split(query)
    except ValueError:
        terms = query.split()
    parsed = SearchQuery()
    for term in terms:
        key, sep, value = term.partition(":")
        builder = FILTERS.get(key.lower()) if sep and value else None
        if builder is None:
            parsed.words.append(term.lower())
            continue
        predicate = builder(db, value)
        if key.lower() == "inbox":
            parsed.any_of.setdefault("inbox", []).append(predicate)
        else:
            parsed.all_of.append(predicate)
        if key.lower() == "is" and value.lower() == "trashed":
            parsed.include_trash = True
    return parsed


class Search:
    """One search request: which conversations match, and how many in all (`_total`)."""

    def __init__(self, db: Database, query: str) -> None:
        self.db = db
        self.query = query
        self.parsed = parse(db, query)

    def keeps(self, conv: Conversation) -> bool:
        """Does the conversation match? Trashed ones only with `is:trashed`."""
        return (
            conv.merged_into is None
            and (self.parsed.include_trash or not conv.trashed)
            and self.parsed.matches(self.db, conv)
        )

    def total(self) -> int:
        """How many match; counted once while nothing changes, not on every page."""
        db = self.db
        return db.indexes.remember(
            ("search", self.query),
            db.stamp(),
            lambda: sum(1 for conv in db.conversations.values() if self.keeps(conv)),
        )
