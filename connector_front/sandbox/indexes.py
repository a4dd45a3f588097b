"""The orders the sandbox lists records in: one `IndexSpec` per table, sort key and grouping.

Keys end with the id, so every position is unique and a page token (the key of
a page's last record) says exactly where the next page starts.
"""

from __future__ import annotations

from .records import (
    Account,
    Comment,
    Contact,
    Conversation,
    CustomField,
    Event,
    Inbox,
    Message,
    Tag,
)
from .sortindex import IndexSpec

CONTACTS: dict[str, IndexSpec[Contact]] = {
    "created_at": IndexSpec("contacts", Contact, lambda c: (c.created_at, c.id)),
    "updated_at": IndexSpec("contacts", Contact, lambda c: (c.updated_at, c.id)),
}
CONTACTS_BY_ACCOUNT: IndexSpec[Contact] = IndexSpec(
    "contacts",
    Contact,
    lambda c: (c.created_at, c.id),
    groups=lambda c: (c.account_id,) if c.account_id else (),
)
ACCOUNTS: dict[str, IndexSpec[Account]] = {
    "created_at": IndexSpec("accounts", Account, lambda a: (a.created_at, a.id)),
    "updated_at": IndexSpec("accounts", Account, lambda a: (a.updated_at, a.id)),
}
TAGS: IndexSpec[Tag] = IndexSpec("tags", Tag, lambda t: (t.id,))


def _by_activity(conv: Conversation) -> tuple[float, str]:
    return (conv.updated_at, conv.id)


CONVERSATIONS: IndexSpec[Conversation] = IndexSpec("conversations", Conversation, _by_activity)
CONVERSATIONS_BY_INBOX: IndexSpec[Conversation] = IndexSpec(
    "conversations", Conversation, _by_activity, groups=lambda c: c.inbox_ids
)
CONVERSATIONS_BY_TAG: IndexSpec[Conversation] = IndexSpec(
    "conversations", Conversation, _by_activity, groups=lambda c: c.tag_ids
)
MESSAGES_BY_CONVERSATION: IndexSpec[Message] = IndexSpec(
    "messages", Message, lambda m: (m.created_at, m.id), groups=lambda m: (m.conversation_id,)
)
COMMENTS_BY_CONVERSATION: IndexSpec[Comment] = IndexSpec(
    "comments", Comment, lambda c: (c.posted_at, c.id), groups=lambda c: (c.conversation_id,)
)
EVENTS: IndexSpec[Event] = IndexSpec("events", Event, lambda e: (e.emitted_at, e.id))
# table order (no key), split by owner
INBOXES_BY_TEAM: IndexSpec[Inbox] = IndexSpec("inboxes", Inbox, None, groups=lambda i: (i.team_id,))
CUSTOM_FIELDS_BY_TARGET: IndexSpec[CustomField] = IndexSpec(
    "custom_fields", CustomField, None, groups=lambda f: (f.target,)
)
