"""Webhook previews are held to Front's id forms, as resource routes' ids are; and deliveries
without a usable Front event id are told apart by their own content, so a second change to a
record is not dropped as a duplicate of the first."""

from __future__ import annotations

import time
from typing import Any

import pytest

from connector_front.mappers.events import content_version, translate
from tests.integration.webhook_support import (
    RULE_SECRET,
    EventsHost,
    events_host,
    rule_signature,
)

__all__ = ["events_host"]

CONVERSATION = "cnv_s001"


def _envelope(host: EventsHost, payload: dict[str, Any], kind: str = "tag_added") -> dict:
    return {"type": kind, "authorization": {"id": host.company}, "payload": payload}


def _preview(**fields: Any) -> dict[str, Any]:
    return {
        "id": "evt_ids1",
        "type": "tag",
        "emitted_at": time.time(),
        "conversation": {"id": CONVERSATION},
        **fields,
    }


FOREIGN = [
    ("payload.conversation.id", _preview(conversation={"id": "cnv_\x00x"})),
    ("payload.conversation.id", _preview(conversation={"id": "../../_sandbox/reset"})),
    ("payload.conversation.id", _preview(conversation={"id": "crd_s001"})),
    ("payload.conversation.id", _preview(conversation={"id": 42})),
    ("payload.id", _preview(id="evt_../x")),
    ("payload.target.data.id", _preview(
        type="inbound", target={"_meta": {"type": "message"}, "data": {"id": "msg_a/b"}})),
    ("payload.target.data[1]", _preview(
        type="conversations_merged",
        target={"_meta": {"type": "conversations"}, "data": ["cnv_s002", "cnv_%2e%2e"]})),
]  # fmt: skip


@pytest.mark.parametrize(("where", "payload"), FOREIGN)
def test_a_preview_naming_an_id_front_never_makes_is_refused(
    events_host: EventsHost, where: str, payload: dict[str, Any]
) -> None:
    answer = events_host.deliver(_envelope(events_host, payload))
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_id" and error["message"].startswith(where + " is not")
    assert "\x00" not in answer.text and "_sandbox" not in error["message"]
    stats = events_host.settle()
    assert sum(stats["deliveries"].values()) == 0 and events_host.events() == []


def test_a_rule_webhook_naming_a_foreign_id_is_refused(events_host: EventsHost) -> None:
    body = b'{"id": "evt_r1", "type": "tag", "conversation": {"id": "../../_sandbox/reset"}}'
    answer = events_host.http.post(
        "/webhooks/front/rules/escalations",
        content=body,
        headers={"x-front-signature": rule_signature(RULE_SECRET, body)},
    )
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_id"


def test_changes_without_an_event_id_are_each_an_event_and_redeliveries_are_not(
    events_host: EventsHost,
) -> None:
    first = _envelope(events_host, _preview(id=None, emitted_at=1_800_000_000.0))
    second = _envelope(events_host, _preview(emitted_at=1_800_000_060.0))
    del second["payload"]["id"]
    for envelope in (first, second, first):  # the last: Front delivering the first again
        assert events_host.deliver(envelope).status_code == 200
    events_host.settle()
    updates = [e for e in events_host.events() if e["event"] == "ticketIssue::updated"]
    assert [e["id"] for e in updates] == [CONVERSATION, CONVERSATION]
    assert len({e["idempotencyKey"] for e in updates}) == 2


def test_the_content_version_is_the_events_own() -> None:
    preview = _preview(id=None)
    assert content_version(preview, "tag_added") == content_version(dict(preview), "tag_added")
    assert content_version(preview, "tag_added") != content_version(preview, "tag_removed")
    moved = {**preview, "emitted_at": preview["emitted_at"] + 1}
    assert content_version(moved, "tag_added") != content_version(preview, "tag_added")
    [change] = translate(preview, "tag_added")
    assert change.version == content_version(preview, "tag_added")
    [with_id] = translate(_preview(), "tag_added")
    assert with_id.version == "evt_ids1"  # Front's id when it gives one
