"""The Front event -> unified change table, and keys that make every change one event."""

from __future__ import annotations

from typing import Any

import pytest

from connector_front.mappers.events import EVENT_TYPES, WEBHOOK_TYPES, translate
from connector_front.models.event import idempotency_key

SPEC_EVENT_TYPES = {
    "assign", "unassign", "archive", "reopen", "trash", "restore", "reminder", "comment",
    "mention", "inbound", "outbound", "out_reply", "move", "forward", "tag", "untag",
    "sending_error", "message_bounce_error", "conversations_merged", "link_added",
    "link_removed", "custom_field_updated", "macro_triggered", "topic_identified",
    "ticket_status_update", "call_started", "call_abandoned", "call_queued", "call_on_hold",
    "call_parked", "call_resumed", "call_connected", "call_missed", "call_hangup",
    "call_transferred", "call_transcript_added", "call_voicemail_transcript_added",
}  # fmt: skip
"""The 37 types of EventResponse.type in Front's spec."""

SEED_WEBHOOK_TYPES = {
    "inbound_received", "outbound_sent", "conversation_archived", "conversation_reopened",
    "conversation_deleted", "conversation_restored", "conversation_snoozed",
    "conversation_snooze_expired", "new_comment_added", "assignee_changed", "tag_added",
    "tag_removed", "link_added", "link_removed", "message_delivery_failed", "conversation_moved",
}  # fmt: skip


def event(
    kind: str | None, *, created: float | None = 0.0, at: float = 100.0, **extra: Any
) -> dict[str, Any]:
    conversation: dict[str, Any] = {"id": "cnv_1"}
    if created is not None:
        conversation["created_at"] = created
    body: dict[str, Any] = {"id": "evt_9", "emitted_at": at, "conversation": conversation, **extra}
    if kind is not None:
        body["type"] = kind
    return body


def test_every_front_type_has_a_documented_translation() -> None:
    assert set(EVENT_TYPES) - {"snooze"} == SPEC_EVENT_TYPES
    assert set(WEBHOOK_TYPES) == SEED_WEBHOOK_TYPES
    assert all(translation.note for translation in EVENT_TYPES.values())
    assert set(WEBHOOK_TYPES.values()) <= set(EVENT_TYPES)


def test_an_old_conversations_message_updates_it_and_creates_a_comment() -> None:
    target = {"_meta": {"type": "message"}, "data": {"id": "msg_1"}}
    changes = translate(event("inbound", target=target))
    assert [(c.model, c.trigger, c.record_id) for c in changes] == [
        ("ticketIssue", "updated", "cnv_1"),
        ("ticketComment", "created", "msg_1"),
    ]
    assert changes[1].version == "" and changes[0].version == "evt_9"
    assert changes[1].references[0].id == "cnv_1"


def test_the_first_message_creates_the_issue() -> None:
    target = {"_meta": {"type": "message"}, "data": {"id": "msg_1"}}
    (issue, _) = translate(event("inbound", created=99.5, target=target))
    assert (issue.trigger, issue.version) == ("created", "")


def test_without_a_creation_time_the_issue_may_still_be_new() -> None:
    (issue,) = translate(event("comment", created=None))
    assert issue.trigger == "updated" and issue.maybe_new
    assert issue.as_created().trigger == "created" and issue.as_created().version == ""


@pytest.mark.parametrize(
    ("webhook_type", "kind", "expected"),
    [
        ("conversation_deleted", "trash", [("ticketIssue", "deleted")]),
        ("conversation_restored", "restore", [("ticketIssue", "created")]),
        ("conversation_snoozed", None, [("ticketIssue", "updated")]),
        ("assignee_changed", "unassign", [("ticketIssue", "updated")]),
    ],
)
def test_webhook_types(webhook_type: str, kind: str | None, expected: list) -> None:
    changes = translate(event(kind), webhook_type)
    assert [(c.model, c.trigger) for c in changes] == expected


def test_a_restore_is_a_new_creation_each_time() -> None:
    (restored,) = translate(event("restore"))
    assert restored.version == "evt_9"


def test_merges_delete_the_merged_away_issues() -> None:
    target = {"_meta": {"type": "deleted_conversation_ids"}, "data": ["cnv_2", "cnv_3"]}
    changes = translate(event("conversations_merged", target=target))
    assert [(c.trigger, c.record_id) for c in changes] == [
        ("updated", "cnv_1"),
        ("deleted", "cnv_2"),
        ("deleted", "cnv_3"),
    ]


@pytest.mark.parametrize("kind", ["call_started", "macro_triggered", "not_a_front_type"])
def test_types_without_a_unified_change(kind: str) -> None:
    assert translate(event(kind)) == []


def test_an_event_without_a_conversation_changes_nothing() -> None:
    assert translate({"id": "evt_1", "type": "tag"}) == []


def test_keys() -> None:
    assert idempotency_key("genericContact", "crd_1", "created") == "genericContact:crd_1:created"
    assert idempotency_key("ticketIssue", "cnv_1", "updated", "evt_2") == (
        "ticketIssue:cnv_1:updated:evt_2"
    )
