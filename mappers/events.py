"""Front activity -> unified changes: one table for every Events-API and webhook event type.

Front records activity only for conversations (``GET /events``, application and rule
webhooks); each Front event becomes zero or more unified changes on ticketIssue and
ticketComment. The same Front event reaches us by webhook and by the Events API with the
same id, so the change's key version is that id and the two deliveries collapse into one
unified event; an event without a usable id is versioned by its own content instead (a
redelivery collapses, another change does not). A record's creation carries no version at
all: it happens once.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import AsyncIterator, Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from connector_front.models.event import Trigger
from connector_front.models.record import ResourceRef
from connector_front.paging import PageSource, pages

Subject = Literal["conversation", "target", "merged"]

NEW_CONVERSATION_WINDOW = 10.0
"""Seconds between a conversation's creation and an event that still counts as its first."""


@dataclass(frozen=True)
class Rule:
    """One unified change a Front event type causes, and where its record id comes from."""

    model: str
    trigger: Trigger
    subject: Subject
    first_only: bool = False
    """created only when the event is the conversation's first activity, updated otherwise."""
    versioned: bool = False
    """a creation that can happen again (a restore from the trash): keyed by the event id."""


ISSUE_UPDATED = Rule("ticketIssue", "updated", "conversation")
ISSUE_NEW = Rule("ticketIssue", "created", "conversation", first_only=True)
ISSUE_DELETED = Rule("ticketIssue", "deleted", "conversation")
ISSUE_RESTORED = Rule("ticketIssue", "created", "conversation", versioned=True)
MERGED_AWAY = Rule("ticketIssue", "deleted", "merged")
COMMENT_CREATED = Rule("ticketComment", "created", "target")
COMMENT_UPDATED = Rule("ticketComment", "updated", "target")

_CALL = ((), "calls are not a unified model")


@dataclass(frozen=True)
class Translation:
    rules: tuple[Rule, ...]
    note: str


def _t(*rules: Rule, note: str) -> Translation:
    return Translation(rules, note)


EVENT_TYPES: Mapping[str, Translation] = {
    "inbound": _t(ISSUE_NEW, COMMENT_CREATED, note="a customer message (first one: a new issue)"),
    "outbound": _t(ISSUE_NEW, COMMENT_CREATED, note="a message sent (first one: a new issue)"),
    "out_reply": _t(ISSUE_NEW, COMMENT_CREATED, note="a reply sent"),
    "forward": _t(ISSUE_UPDATED, COMMENT_CREATED, note="a message forwarded"),
    "comment": _t(ISSUE_NEW, COMMENT_CREATED, note="an internal comment (first: a discussion)"),
    "mention": _t(ISSUE_UPDATED, COMMENT_CREATED, note="a comment mentioning a teammate"),
    "archive": _t(ISSUE_UPDATED, note="archived: status closed"),
    "reopen": _t(ISSUE_UPDATED, note="unarchived: status open / inProgress"),
    "trash": _t(ISSUE_DELETED, note="moved to the trash"),
    "restore": _t(ISSUE_RESTORED, note="restored from the trash: it exists again"),
    "snooze": _t(ISSUE_UPDATED, note="snoozed (webhook only; the Events API has no type)"),
    "reminder": _t(ISSUE_UPDATED, note="a snooze expired"),
    "assign": _t(ISSUE_UPDATED, note="assignee set: status inProgress"),
    "unassign": _t(ISSUE_UPDATED, note="assignee removed"),
    "tag": _t(ISSUE_UPDATED, note="tag added"),
    "untag": _t(ISSUE_UPDATED, note="tag removed"),
    "link_added": _t(ISSUE_UPDATED, note="an external link added"),
    "link_removed": _t(ISSUE_UPDATED, note="an external link removed"),
    "move": _t(ISSUE_UPDATED, note="moved to another inbox: project changed"),
    "custom_field_updated": _t(ISSUE_UPDATED, note="a custom field changed"),
    "ticket_status_update": _t(ISSUE_UPDATED, note="ticket status changed"),
    "sending_error": _t(ISSUE_UPDATED, COMMENT_UPDATED, note="a message could not be sent"),
    "message_bounce_error": _t(ISSUE_UPDATED, COMMENT_UPDATED, note="a message bounced"),
    "conversations_merged": _t(
        ISSUE_UPDATED, MERGED_AWAY, note="merged: the merged-away issues are deleted"
    ),
    "macro_triggered": _t(note="the macro's own actions arrive as their own events"),
    "topic_identified": _t(note="topics are not a unified field"),
    **{
        name: _t(note=_CALL[1])
        for name in (
            "call_started",
            "call_abandoned",
            "call_queued",
            "call_on_hold",
            "call_parked",
            "call_resumed",
            "call_connected",
            "call_missed",
            "call_hangup",
            "call_transferred",
            "call_transcript_added",
            "call_voicemail_transcript_added",
        )
    },
}
"""Events-API event type -> the unified changes it causes (README: the translation table)."""

WEBHOOK_TYPES: Mapping[str, str] = {
    "inbound_received": "inbound",
    "outbound_sent": "outbound",
    "conversation_archived": "archive",
    "conversation_reopened": "reopen",
    "conversation_deleted": "trash",
    "conversation_restored": "restore",
    "conversation_snoozed": "snooze",
    "conversation_snooze_expired": "reminder",
    "new_comment_added": "comment",
    "assignee_changed": "assign",
    "tag_added": "tag",
    "tag_removed": "untag",
    "link_added": "link_added",
    "link_removed": "link_removed",
    "message_delivery_failed": "sending_error",
    "conversation_moved": "move",
}
"""Application webhook type -> Events-API type. The payload's own ``type`` wins when known
(``assignee_changed`` carries ``assign`` or ``unassign``; ``outbound_sent``, ``out_reply``)."""

ARRIVES_AS: Mapping[str, str] = {"unassign": "assignee_changed", "out_reply": "outbound_sent"}
"""Events-API types that come by application webhook under another type's name."""

EVENTS_ENDPOINT = "GET /events"
EVENTS_PAGE = 15
"""Front's Events API serves at most 15 events a page."""

WEBHOOK_ONLY: frozenset[str] = frozenset({"snooze"})
"""Types that reach us by webhook only: the Events API never lists them."""

ANNOUNCED: frozenset[str] = frozenset({*WEBHOOK_TYPES.values(), *ARRIVES_AS})
"""Events-API types an application webhook announces: a delivery says when one happened."""

UNANNOUNCED: tuple[str, ...] = tuple(
    sorted(kind for kind, t in EVENT_TYPES.items() if t.rules and kind not in ANNOUNCED)
)
"""Events-API types with unified changes that no application webhook announces (a forward, a
mention, a merge...): only reading the Events API finds them."""

CARRIED_KEYS: Mapping[str, tuple[str, ...]] = {
    "conversation": ("type", "tags", "is_private"),
    "message": ("body", "recipients"),
    "comment": ("body", "author"),
}
"""Keys a full Front object of each kind has and an event preview's lacks (Front's
ConversationResponse, MessageResponse and CommentResponse): an event carries the object in
full when it has all of them."""


@dataclass(frozen=True)
class Change:
    """One unified change read out of a Front event, before an owner and a record are added."""

    model: str
    trigger: Trigger
    record_id: str
    version: str
    occurred_at: float
    references: tuple[ResourceRef, ...] = ()
    maybe_new: bool = False
    """an update that is really the creation if the conversation turns out to be that new
    (the event did not say when the conversation was created; a webhook preview may not)."""
    front: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    """the record's Front object as the event carried it in full (a full event's conversation
    or target); None when the event only names it (a webhook preview) or it is deleted."""

    def as_created(self) -> Change:
        """This change as the record's creation (one per record, so no version)."""
        return replace(self, trigger="created", version="", maybe_new=False)


def event_type(front_event: Mapping[str, Any], webhook_type: str | None = None) -> str | None:
    """The Events-API type of a Front event (or preview), given its webhook type if any."""
    own = front_event.get("type")
    if isinstance(own, str) and own in EVENT_TYPES:
        return own
    if webhook_type is not None:
        return WEBHOOK_TYPES.get(webhook_type)
    return None


def translate(front_event: Mapping[str, Any], webhook_type: str | None = None) -> list[Change]:
    """The unified changes of one Front event (full event or webhook preview)."""
    kind = event_type(front_event, webhook_type)
    translation = EVENT_TYPES.get(kind or "")
    conversation = _object(front_event.get("conversation"))
    conversation_id = _str(conversation.get("id"))
    if translation is None or conversation_id is None:
        return []
    event_id = _str(front_event.get("id")) or content_version(front_event, webhook_type)
    emitted = _number(front_event.get("emitted_at"))
    occurred = emitted if emitted is not None else 0.0
    issue_ref = ResourceRef(model="ticketIssue", id=conversation_id)
    changes: list[Change] = []
    for rule in translation.rules:
        front = _carried(rule, front_event, conversation)
        for record_id in _subjects(rule.subject, front_event, conversation_id):
            refs = (issue_ref,) if rule.model == "ticketComment" else ()
            change = Change(rule.model, rule.trigger, record_id, event_id, occurred, refs)
            change = replace(change, front=front)
            changes.append(_settle_creation(rule, change, conversation))
    return changes


def content_version(front_event: Mapping[str, Any], webhook_type: str | None = None) -> str:
    """A version for an event Front gave no id: a digest of the event itself (and its
    webhook type), the same for each redelivery of it, another for any other event."""
    canonical = json.dumps([webhook_type, front_event], sort_keys=True, separators=(",", ":"))
    return "content-" + hashlib.sha256(canonical.encode()).hexdigest()[:32]


def named_ids(front_event: Mapping[str, Any]) -> Iterator[tuple[str, Any, str]]:
    """The ids an event (or preview) names that translation reads, as ``(where, value, Front
    object)``: its own id, its conversation's, the message or comment it targets, the
    conversations merged away (absent or null ones left out). Each must be of that object's
    id form."""
    found: list[tuple[str, Any, str]] = [
        ("id", front_event.get("id"), "event"),
        ("conversation.id", _object(front_event.get("conversation")).get("id"), "conversation"),
    ]
    target = _object(front_event.get("target"))
    kind, data = _object(target.get("_meta")).get("type"), target.get("data")
    if kind in ("message", "comment"):
        found.append(("target.data.id", _object(data).get("id"), str(kind)))
    if isinstance(data, list) and front_event.get("type") == "conversations_merged":
        for n, item in enumerate(data):
            value = _object(item).get("id") if isinstance(item, Mapping) else item
            found.append((f"target.data[{n}]", value, "conversation"))
    yield from ((where, value, kind) for where, value, kind in found if value is not None)


def listed(front_event: Mapping[str, Any], webhook_type: str | None = None) -> bool:
    """Whether the Events API lists this event (by its id): a typed event with an id, not one
    of the webhook-only types."""
    kind = event_type(front_event, webhook_type)
    return kind is not None and kind not in WEBHOOK_ONLY and bool(_str(front_event.get("id")))


def emitted_at(front_event: Mapping[str, Any]) -> float | None:
    """When Front emitted the event (seconds), if it says."""
    return _number(front_event.get("emitted_at"))


def _carried(
    rule: Rule, front_event: Mapping[str, Any], conversation: Mapping[str, Any]
) -> Mapping[str, Any] | None:
    """The Front object that is the rule's record, when the event carries it in full."""
    if rule.trigger == "deleted":
        return None
    if rule.subject == "conversation":
        return conversation if _full("conversation", conversation) else None
    target = _object(front_event.get("target"))
    kind = _object(target.get("_meta")).get("type")
    data = _object(target.get("data"))
    return data if rule.subject == "target" and _full(kind, data) else None


def _full(kind: Any, front: Mapping[str, Any]) -> bool:
    keys = CARRIED_KEYS.get(kind) if isinstance(kind, str) else None
    return keys is not None and bool(front) and all(key in front for key in keys)


def _settle_creation(rule: Rule, change: Change, conversation: Mapping[str, Any]) -> Change:
    """A creation has no version unless it can recur; a first-only one may be an update."""
    if rule.trigger != "created" or rule.versioned:
        return change
    if not rule.first_only:
        return change.as_created()
    created = _number(conversation.get("created_at"))
    if created is None:
        return replace(change, trigger="updated", maybe_new=True)
    if is_new(created, change.occurred_at):
        return change.as_created()
    return replace(change, trigger="updated")


def is_new(created_at: float, occurred_at: float) -> bool:
    """True when an event happened as its conversation was created (its first activity)."""
    return occurred_at - created_at <= NEW_CONVERSATION_WINDOW


def _subjects(subject: Subject, event: Mapping[str, Any], conversation_id: str) -> list[str]:
    if subject == "conversation":
        return [conversation_id]
    target = _object(event.get("target"))
    data = target.get("data")
    if subject == "merged":
        items = data if isinstance(data, list) else []
        ids = [item if isinstance(item, str) else _object(item).get("id") for item in items]
        return [i for i in ids if isinstance(i, str) and i and i != conversation_id]
    record_id = _str(_object(data).get("id"))
    kind = _object(target.get("_meta")).get("type")
    return [record_id] if record_id and kind in ("message", "comment") else []


def _object(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


async def front_event_pages(
    api: PageSource,
    *,
    after: float | None,
    types: Collection[str] = (),
    page_size: int = EVENTS_PAGE,
) -> AsyncIterator[list[dict[str, Any]]]:
    """Front's activity log oldest first, page by page, from ``after`` (seconds, exclusive;
    sent to the millisecond, rounded down so nothing after it is skipped), of ``types`` only
    when given."""
    params: dict[str, Any] = {"sort_order": "asc", "limit": page_size}
    if after is not None:
        params["q[after]"] = f"{math.floor(after * 1000) / 1000:.3f}"
    if types:
        params["q[types][]"] = list(types)
    async for page in pages(api, "/events", params=params):
        yield page.results
