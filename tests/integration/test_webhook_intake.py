"""Front webhooks through the reference host: signed deliveries in, unified events out, once.

The host runs over real loopback HTTP on a sandbox Front; deliveries are signed here, by an
independent HMAC computation, the way Front signs them.
"""

from __future__ import annotations

import json
import time
from typing import Any

from tests.integration.webhook_support import (
    APP_SECRET,
    OLD_SECRET,
    OWNER,
    RULE_SECRET,
    EventsHost,
    app_signature,
    events_host,
    rule_signature,
)

__all__ = ["events_host"]  # the fixture


def _seeded(host: EventsHost) -> tuple[str, list[str], str]:
    """An old conversation with two messages and a comment: (conversation, messages, comment)."""
    issue = host.http.get("/resources/ticketIssue", params={"limit": 50}).json()["data"]
    for record in issue:
        items: list[dict[str, Any]] = []
        params = {"issue": record["id"]}
        while True:
            page = host.http.get("/resources/ticketComment", params=params).json()
            items += page["data"]
            if not page["next"]:
                break
            params = {"issue": record["id"], "cursor": page["next"]}
        public = [c["id"] for c in items if not c["fields"]["isInternal"]]
        internal = [c["id"] for c in items if c["fields"]["isInternal"]]
        if len(public) >= 2 and internal:
            return record["id"], public, internal[0]
    raise AssertionError("the sandbox seed has no conversation with messages and a comment")


def _preview(event_id: str, kind: str | None, conversation: str, target: Any = None) -> dict:
    preview: dict[str, Any] = {
        "_links": {"self": f"https://api2.frontapp.com/events/{event_id}"},
        "id": event_id,
        "emitted_at": time.time(),
        "conversation": {
            "id": conversation,
            "_links": {"self": f"https://api2.frontapp.com/conversations/{conversation}"},
        },
        "source": {"_meta": {"type": "teammate"}, "data": {"id": "tea_s001"}},
    }
    if kind is not None:
        preview["type"] = kind
    if target is not None:
        preview["target"] = target
    return preview


def _target(kind: str, record_id: str) -> dict[str, Any]:
    return {"_meta": {"type": kind}, "data": {"id": record_id}}


# webhook type, payload type, target kind ("message" / "comment" / other), expected events;
# expected events name the record by "conversation", "message" or "comment".
CASES: list[tuple[str, str | None, str | None, set[tuple[str, str]]]] = [
    ("inbound_received", "inbound", "message",
     {("ticketIssue::updated", "conversation"), ("ticketComment::created", "message")}),
    ("outbound_sent", "outbound", "message",
     {("ticketIssue::updated", "conversation"), ("ticketComment::created", "message")}),
    ("conversation_archived", "archive", None, {("ticketIssue::updated", "conversation")}),
    ("conversation_reopened", "reopen", None, {("ticketIssue::updated", "conversation")}),
    ("conversation_deleted", "trash", None, {("ticketIssue::deleted", "conversation")}),
    ("conversation_restored", "restore", None, {("ticketIssue::created", "conversation")}),
    ("conversation_snoozed", None, None, {("ticketIssue::updated", "conversation")}),
    ("conversation_snooze_expired", "reminder", None, {("ticketIssue::updated", "conversation")}),
    ("new_comment_added", "comment", "comment",
     {("ticketIssue::updated", "conversation"), ("ticketComment::created", "comment")}),
    ("assignee_changed", "assign", "teammate", {("ticketIssue::updated", "conversation")}),
    ("tag_added", "tag", "tag", {("ticketIssue::updated", "conversation")}),
    ("tag_removed", "untag", "tag", {("ticketIssue::updated", "conversation")}),
    ("link_added", "link_added", "link", {("ticketIssue::updated", "conversation")}),
    ("link_removed", "link_removed", "link", {("ticketIssue::updated", "conversation")}),
    ("message_delivery_failed", "sending_error", "message",
     {("ticketIssue::updated", "conversation"), ("ticketComment::updated", "message")}),
    ("conversation_moved", "move", "inboxes", {("ticketIssue::updated", "conversation")}),
]  # fmt: skip


def test_each_application_webhook_type_yields_its_events_once(events_host: EventsHost) -> None:
    conversation, messages, comment = _seeded(events_host)
    names = {"conversation": conversation, "comment": comment}
    targets = {"comment": comment}
    for index, (webhook_type, kind, target_kind, expected) in enumerate(CASES):
        _, after = events_host.read()
        # each message is created once: a new one per case that names a message
        names["message"] = targets["message"] = messages[index % len(messages)]
        target = None
        if target_kind is not None:
            target = _target(target_kind, targets.get(target_kind, f"x_{index}"))
        envelope = {
            "type": webhook_type,
            "authorization": {"id": events_host.company},
            "payload": _preview(f"evt_case{index}", kind, conversation, target),
        }
        first = events_host.deliver(envelope)
        assert first.status_code == 200, first.text
        again = events_host.deliver(envelope)  # Front retries: the same event twice
        assert again.status_code == 200
        events_host.settle()
        new = events_host.events(after)
        got = {(e["event"], e["id"]) for e in new}
        want = {(event, names[subject]) for event, subject in expected}
        assert got == want, webhook_type
        assert len(new) == len(want), f"{webhook_type}: an event was emitted twice"
        for event in new:
            assert event["source"] == "webhook" and event["ownerId"] == OWNER
            if event["event"].endswith("::deleted"):
                assert "data" not in event
            else:
                assert event["data"]["id"] == event["id"], f"{webhook_type}: not enriched"


def test_first_message_of_a_new_conversation_creates_the_issue(events_host: EventsHost) -> None:
    project = events_host.http.get("/resources/ticketProject").json()["data"][0]["id"]
    issue = events_host.http.post(
        "/resources/ticketIssue",
        json={"fields": {"title": "New", "description": "first words", "project": {
            "object": "resourceRef", "model": "ticketProject", "id": project}}},
    ).json()["id"]
    envelope = {
        "type": "inbound_received",
        "authorization": {"id": events_host.company},
        "payload": _preview("evt_first", "inbound", issue, _target("message", "msg_unknown")),
    }
    assert events_host.deliver(envelope).status_code == 200
    events_host.settle()
    got = {(e["event"], e["id"]) for e in events_host.events()}
    assert ("ticketIssue::created", issue) in got
    assert ("ticketComment::created", "msg_unknown") in got
    unread = next(e for e in events_host.events() if e["id"] == "msg_unknown")
    assert "data" not in unread  # Front could not give it: emitted from the preview
    assert unread["references"] == [{"object": "resourceRef", "model": "ticketIssue", "id": issue}]


def test_rule_webhook_full_event_is_translated_and_deduplicated(events_host: EventsHost) -> None:
    conversation, _, comment = _seeded(events_host)
    event = _preview("evt_rule1", "comment", conversation, _target("comment", comment))
    body = json.dumps(event).encode()
    headers = {"x-front-signature": rule_signature(RULE_SECRET, body)}
    for _ in range(2):
        answer = events_host.http.post(
            "/webhooks/front/rules/escalations", content=body, headers=headers
        )
        assert answer.status_code == 200, answer.text
    events_host.settle()
    got = sorted((e["event"], e["id"]) for e in events_host.events())
    assert got == [("ticketComment::created", comment), ("ticketIssue::updated", conversation)]

    wrong = events_host.http.post(
        "/webhooks/front/rules/escalations",
        content=body,
        headers={"x-front-signature": rule_signature("not-the-secret", body)},
    )
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_signature"
    unknown = events_host.http.post("/webhooks/front/rules/nope", content=body, headers=headers)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_rule"


def test_challenge_is_echoed_only_when_signed(events_host: EventsHost) -> None:
    body = json.dumps({"type": "sync", "authorization": {"id": events_host.company}}).encode()
    ok = events_host.deliver({}, body=body, headers={"x-front-challenge": "abc123"})
    assert ok.status_code == 200 and ok.json() == {"challenge": "abc123"}
    forged = events_host.deliver(
        {}, body=body, secret="guess", headers={"x-front-challenge": "abc123"}
    )
    assert forged.status_code == 401 and "abc123" not in forged.text


def test_refused_deliveries_yield_nothing(events_host: EventsHost) -> None:
    conversation, _, _ = _seeded(events_host)
    envelope = {
        "type": "tag_added",
        "authorization": {"id": events_host.company},
        "payload": _preview("evt_refused", "tag", conversation),
    }
    raw = json.dumps(envelope).encode()
    now = str(int(time.time() * 1000))
    cases = {
        "tampered": events_host.http.post(
            "/webhooks/front",
            content=raw.replace(b"tag", b"tog"),
            headers={
                "x-front-signature": app_signature(APP_SECRET, now, raw),
                "x-front-request-timestamp": now,
            },
        ),
        "unsigned": events_host.http.post(
            "/webhooks/front", content=raw, headers={"x-front-request-timestamp": now}
        ),
        "stale": events_host.deliver(envelope, at=time.time() - 3600),
        "future": events_host.deliver(envelope, at=time.time() + 3600),
        "wrong secret": events_host.deliver(envelope, secret="not-the-secret"),
        "not json": events_host.deliver({}, body=b"type=tag_added"),
        "unknown shape": events_host.deliver({"type": "tag_added", "payload": {}}),
        "too large": events_host.deliver({}, body=b"{" + b" " * 6_000_000 + b"}"),
    }
    expected = {
        "tampered": (401, "invalid_signature"),
        "unsigned": (401, "missing_signature"),
        "stale": (401, "stale_timestamp"),
        "future": (401, "stale_timestamp"),
        "wrong secret": (401, "invalid_signature"),
        "not json": (400, "invalid_json"),
        "unknown shape": (422, "unknown_shape"),
        "too large": (413, "body_too_large"),
    }
    for name, answer in cases.items():
        status, code = expected[name]
        assert answer.status_code == status, (name, answer.text)
        assert answer.json()["error"]["code"] == code, name
        assert APP_SECRET not in answer.text
    stats = events_host.settle()
    assert sum(stats["deliveries"].values()) == 0
    assert events_host.events() == []


def test_rotated_secret_still_accepted(events_host: EventsHost) -> None:
    conversation, _, _ = _seeded(events_host)
    envelope = {
        "type": "conversation_archived",
        "authorization": {"id": events_host.company},
        "payload": _preview("evt_rotated", "archive", conversation),
    }
    assert events_host.deliver(envelope, secret=OLD_SECRET).status_code == 200
    events_host.settle()
    assert [e["event"] for e in events_host.events()] == ["ticketIssue::updated"]


def test_unknown_company_is_acknowledged_and_kept_aside(events_host: EventsHost) -> None:
    envelope = {
        "type": "tag_added",
        "authorization": {"id": "cmp_somebody_else"},
        "payload": _preview("evt_other", "tag", "cnv_elsewhere"),
    }
    assert events_host.deliver(envelope).status_code == 200
    stats = events_host.settle()
    assert stats["deliveries"]["unrouted"] == 1
    assert events_host.events() == []


def test_burst_of_deliveries_each_valid_event_once(events_host: EventsHost) -> None:
    conversation, _, _ = _seeded(events_host)
    unique = 300
    sent_valid = 0
    for n in range(1000):
        event_id = f"evt_burst{n % unique}"
        envelope = {
            "type": "tag_added",
            "authorization": {"id": events_host.company},
            "payload": _preview(event_id, "tag", conversation),
        }
        if n % 7 == 3:  # invalid ones mixed in
            answer = events_host.deliver(envelope, secret="wrong")
            assert answer.status_code == 401
            continue
        answer = events_host.deliver(envelope)
        assert answer.status_code == 200
        sent_valid += 1
    stats = events_host.settle()
    assert stats["deliveries"]["done"] == sent_valid
    keys = [e["idempotencyKey"] for e in events_host.events()]
    assert len(keys) == len(set(keys)) == unique
