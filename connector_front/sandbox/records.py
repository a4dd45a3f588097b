"""The sandbox's stored records: plain dataclasses, one per Front object.

They hold what Front keeps (including timestamps its JSON may not show); the
`shapes` package turns them into Front's JSON. Stored records are `Tracked`, so
the sorted indexes see every change to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .tracking import Tracked

JSON = Any


@dataclass(frozen=True)
class Handle:
    """One way to reach a contact (`{"handle", "source"}` in Front's JSON)."""

    source: str
    handle: str

    def matches(self, source: str, handle: str) -> bool:
        if self.source != source:
            return False
        if source == "email":
            return self.handle.lower() == handle.lower()
        return self.handle == handle


@dataclass
class CustomField(Tracked):
    id: str
    target: str  # contact | account | teammate | conversation | inbox | link
    name: str
    description: str
    type: str  # string | boolean | datetime | number | teammate | inbox | enum
    values: list[dict[str, str]] | None = None


@dataclass
class Contact(Tracked):
    id: str
    name: str
    handles: list[Handle]
    created_at: float
    updated_at: float
    description: str = ""
    links: list[str] = field(default_factory=list)
    list_names: list[str] = field(default_factory=list)
    custom_fields: dict[str, JSON] = field(default_factory=dict)
    is_private: bool = False
    account_id: str | None = None
    avatar_url: str | None = None


@dataclass
class Account(Tracked):
    id: str
    name: str
    created_at: float
    updated_at: float
    description: str = ""
    domains: list[str] = field(default_factory=list)
    external_id: str | None = None
    custom_fields: dict[str, JSON] = field(default_factory=dict)
    logo_url: str | None = None


@dataclass
class Teammate(Tracked):
    id: str
    email: str
    username: str
    first_name: str
    last_name: str
    is_admin: bool = False
    is_available: bool = True
    is_blocked: bool = False
    type: str = "user"
    license_type: str = "regular"
    custom_fields: dict[str, JSON] = field(default_factory=dict)


@dataclass
class Team(Tracked):
    id: str
    name: str
    member_ids: list[str] = field(default_factory=list)


@dataclass
class Inbox(Tracked):
    id: str
    name: str
    team_id: str
    address: str = ""
    is_private: bool = False
    is_public: bool = True
    teammate_ids: list[str] = field(default_factory=list)
    custom_fields: dict[str, JSON] = field(default_factory=dict)


@dataclass
class Tag(Tracked):
    id: str
    name: str
    created_at: float
    updated_at: float
    description: str = ""
    highlight: str | None = None
    is_private: bool = False
    is_visible_in_conversation_lists: bool = False
    parent_id: str | None = None


@dataclass
class Status(Tracked):
    """A ticket status (Front ticketing): a named status in one of three categories."""

    id: str
    name: str
    category: str  # open | waiting | resolved
    created_at: float
    updated_at: float
    description: str = ""


@dataclass
class Recipient:
    handle: str
    role: str
    name: str | None = None
    contact_id: str | None = None


@dataclass
class Link(Tracked):
    """A link from conversations to an external resource (Front's `LinkResponse`)."""

    id: str
    name: str
    type: str
    external_url: str
    custom_fields: dict[str, JSON] = field(default_factory=dict)


@dataclass
class Reminder:
    """A scheduled reminder: a snoozed conversation comes back at `scheduled_at`."""

    owner_id: str | None
    created_at: float
    scheduled_at: float
    updated_at: float


@dataclass
class Conversation(Tracked):
    id: str
    type: str  # conversation | discussion | task
    subject: str
    status_id: str
    created_at: float
    updated_at: float
    inbox_ids: list[str] = field(default_factory=list)
    assignee_id: str | None = None
    trashed: bool = False
    tag_ids: list[str] = field(default_factory=list)
    custom_fields: dict[str, JSON] = field(default_factory=dict)
    recipient: Recipient | None = None
    is_private: bool = False
    waiting_since: float | None = None
    ticket_ids: list[str] = field(default_factory=list)
    description: str | None = None
    due_at: float | None = None
    merged_into: str | None = None
    link_ids: list[str] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)


@dataclass
class Comment(Tracked):
    id: str
    conversation_id: str
    author_id: str
    body: str
    posted_at: float
    is_pinned: bool = False


@dataclass
class Message(Tracked):
    id: str
    conversation_id: str
    message_uid: str
    type: str
    is_inbound: bool
    created_at: float
    subject: str
    body: str
    recipients: list[Recipient] = field(default_factory=list)
    author_id: str | None = None
    text: str = ""


@dataclass
class Event(Tracked):
    """One entry of Front's activity log (`GET /events`)."""

    id: str
    type: str
    emitted_at: float
    conversation_id: str
    source_kind: str  # api | oauth_client | teammate | rule ...
    source_teammate_id: str | None = None
    target_kind: str | None = None  # teammate | inboxes | message | comment | tag ...
    target_id: str | None = None


@dataclass
class Company:
    id: str
    name: str
