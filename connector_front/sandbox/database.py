"""The sandbox's in-memory tables, new ids, and resource-alias lookups.

One `Database` holds every Front object; routes read and change it under the
state's lock. Lookups accept Front's resource aliases (`alt:email:...`). Tables
are `Table`s, so the sorted indexes (`db.index(spec)`) see every change.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .errors import FrontError, not_found
from .indexes import CUSTOM_FIELDS_BY_TARGET
from .records import (
    Account,
    Comment,
    Company,
    Contact,
    Conversation,
    CustomField,
    Event,
    Inbox,
    Link,
    Message,
    Status,
    Tag,
    Team,
    Teammate,
)
from .sortindex import Indexes, IndexSpec, Snapshot
from .tracking import Table, Tracked

T = TypeVar("T")
R = TypeVar("R")

_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def base36(number: int) -> str:
    """Lower-case base-36 digits of a non-negative integer (Front-like id bodies)."""
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _BASE36[rest] + digits
        if number == 0:
            return digits


# table on Database -> the kind of record it holds
RECORD_TABLES: dict[str, type[Tracked]] = {
    "contacts": Contact,
    "accounts": Account,
    "teammates": Teammate,
    "teams": Team,
    "inboxes": Inbox,
    "tags": Tag,
    "statuses": Status,
    "conversations": Conversation,
    "comments": Comment,
    "messages": Message,
    "events": Event,
    "links": Link,
    "custom_fields": CustomField,
}


@dataclass
class Database:
    """Every Front object the sandbox knows, keyed by id, in insertion order."""

    company: Company = field(default_factory=lambda: Company("cmp_sandbox", "Sandbox Company"))
    contacts: Table[str, Contact] = field(default_factory=Table)
    accounts: Table[str, Account] = field(default_factory=Table)
    teammates: Table[str, Teammate] = field(default_factory=Table)
    teams: Table[str, Team] = field(default_factory=Table)
    inboxes: Table[str, Inbox] = field(default_factory=Table)
    tags: Table[str, Tag] = field(default_factory=Table)
    statuses: Table[str, Status] = field(default_factory=Table)
    conversations: Table[str, Conversation] = field(default_factory=Table)
    comments: Table[str, Comment] = field(default_factory=Table)
    messages: Table[str, Message] = field(default_factory=Table)
    events: Table[str, Event] = field(default_factory=Table)
    links: Table[str, Link] = field(default_factory=Table)
    custom_fields: Table[str, CustomField] = field(default_factory=Table)
    contact_lists: dict[str, str] = field(default_factory=dict)  # name -> id
    api_author_ids: dict[str, str] = field(default_factory=dict)  # principal kind -> teammate
    clock: Callable[[], float] = time.time
    generated: dict[str, int] = field(default_factory=dict)  # kind -> how many seeded so far
    indexes: Indexes = field(default_factory=Indexes, repr=False, compare=False)
    _counter: int = 0

    # ids -----------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        """A fresh id such as `crd_n1k`; never collides with seeded ones (`_s...`/`_g...`)."""
        self._counter += 1
        return f"{prefix}_n{base36(self._counter)}"

    def now(self) -> float:
        """Current time as Front writes it: float seconds, millisecond precision."""
        return round(self.clock(), 3)

    # sorted indexes ----------------------------------------------------

    def index(self, spec: IndexSpec[R]) -> Snapshot[R]:
        """The table of `spec` in its order (and groups), brought up to date with any change."""
        table: Table[Any, R] = getattr(self, spec.table)
        return self.indexes.snapshot(spec, table)

    def stamp(self) -> tuple[int, ...]:
        """One value that differs after any change to any stored record."""
        tables: list[Table[Any, Any]] = [getattr(self, name) for name in RECORD_TABLES]
        return (
            *(table.changes.noted for table in tables),
            *(kind.changes.noted for kind in RECORD_TABLES.values()),
        )

    def counts(self) -> dict[str, int]:
        """How many records each collection holds (trashed conversations included)."""
        return {name: len(getattr(self, name)) for name in RECORD_TABLES}

    # lookups -----------------------------------------------------------

    def contact(self, ident: str) -> Contact:
        """A contact by id or `alt:<source>:<handle>` alias (`alt:email:`, `alt:phone:`...)."""
        if ident.startswith("alt:"):
            source, _, handle = ident[4:].partition(":")
            found = self.contact_by_handle(source, handle)
            if found is None:
                raise not_found("Contact", ident)
            return found
        return _get(self.contacts, ident, "Contact")

    def contact_by_handle(self, source: str, handle: str) -> Contact | None:
        for contact in self.contacts.values():
            if any(h.matches(source, handle) for h in contact.handles):
                return contact
        return None

    def account(self, ident: str) -> Account:
        """An account by id or `alt:domain:` / `alt:ext_id:` alias."""
        finders: dict[str, Callable[[Account, str], bool]] = {
            "domain": lambda a, v: v.lower() in (d.lower() for d in a.domains),
            "ext_id": lambda a, v: a.external_id == v,
        }
        if ident.startswith("alt:"):
            kind, _, value = ident[4:].partition(":")
            match = finders.get(kind)
            if match is None:
                raise FrontError(400, f"Unsupported account alias type {kind!r}")
            for account in self.accounts.values():
                if match(account, value):
                    return account
            raise not_found("Account", ident)
        return _get(self.accounts, ident, "Account")

    def teammate(self, ident: str) -> Teammate:
        """A teammate by id or `alt:email:` alias."""
        if ident.startswith("alt:email:"):
            email = ident[len("alt:email:") :].lower()
            for teammate in self.teammates.values():
                if teammate.email.lower() == email:
                    return teammate
            raise not_found("Teammate", ident)
        return _get(self.teammates, ident, "Teammate")

    def team(self, ident: str) -> Team:
        return _get(self.teams, ident, "Team")

    def inbox(self, ident: str) -> Inbox:
        return _get(self.inboxes, ident, "Inbox")

    def tag(self, ident: str) -> Tag:
        return _get(self.tags, ident, "Tag")

    def status(self, ident: str) -> Status:
        return _get(self.statuses, ident, "Status")

    def conversation(self, ident: str) -> Conversation:
        return _get(self.conversations, ident, "Conversation")

    def comment(self, ident: str) -> Comment:
        return _get(self.comments, ident, "Comment")

    def message(self, ident: str) -> Message:
        """A message by id or `alt:uid:<message_uid>` alias."""
        if ident.startswith("alt:uid:"):
            uid = ident[len("alt:uid:") :]
            for message in self.messages.values():
                if message.message_uid == uid:
                    return message
            raise not_found("Message", ident)
        return _get(self.messages, ident, "Message")

    def link(self, ident: str) -> Link:
        return _get(self.links, ident, "Link")

    def event(self, ident: str) -> Event:
        return _get(self.events, ident, "Event")

    def fields_for(self, target: str) -> list[CustomField]:
        """Custom field definitions that apply to one kind of object."""
        return list(self.index(CUSTOM_FIELDS_BY_TARGET).group(target).items)

    def list_id(self, name: str) -> str:
        """The id of a contact list by name, creating the list on first use (as Front does)."""
        if name not in self.contact_lists:
            self.contact_lists[name] = self.new_id("grp")
        return self.contact_lists[name]

    def oldest_team(self) -> Team:
        if not self.teams:
            raise FrontError(400, "The company has no team to hold the new resource")
        return next(iter(self.teams.values()))


def _get(table: dict[str, T], ident: str, kind: str) -> T:
    try:
        return table[ident]
    except KeyError:
        raise not_found(kind, ident) from None
