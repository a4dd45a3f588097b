"""The sandbox fires signed webhooks like Front: every application webhook type end to end.

A real HTTP receiver on loopback captures each delivery; signatures are
recomputed here from Front's documented recipe, not with the sandbox's code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from connector_front.sandbox import SandboxServer
from connector_front.sandbox.webhook_types import WEBHOOK_TYPES
from tests.limits import loose

SECRET = "whsec-test-4f1c"
REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS = REPO_ROOT.parent / "shared" / "seeds"
Receiver = Any  # conftest.Receiver: a loopback endpoint capturing deliveries
Captured = Any  # conftest.Captured: one delivery it got


@pytest.fixture(scope="module")
def hook_server() -> Iterator[SandboxServer]:
    """A sandbox whose webhook retries wait 10 ms, not seconds."""
    with SandboxServer(loose(webhook_backoff=0.01)) as server:
        yield server


@pytest.fixture
def hooks(hook_server: SandboxServer, receiver: Receiver) -> Iterator[SandboxServer]:
    """The sandbox, reset, sending application webhooks to this test's receiver."""
    hook_server.state.reset()
    answer = hook_server.state.set_webhook({"url": receiver.url, "secret": SECRET})
    assert answer["validated"] is True
    receiver.captured.clear()
    hook_server.state.webhooks.clear_deliveries()
    yield hook_server
    hook_server.state.webhooks.drain(10)


@pytest.fixture
def api(hooks: SandboxServer, client_on: Any) -> httpx.Client:
    """API token client on the hooked sandbox; answers checked against Front's spec."""
    client: httpx.Client = client_on(hooks)
    return client


@pytest.fixture
def control(hooks: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hooks.url + "/_sandbox", timeout=10) as c:
        yield c


def expected_app_signature(secret: str, captured: Captured) -> str:
    stamp = captured.headers["x-front-request-timestamp"]
    mac = hmac.new(secret.encode(), stamp.encode() + b":" + captured.body, hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def drained(server: SandboxServer) -> None:
    assert server.state.webhooks.drain(10), "webhook deliveries still queued after 10 s"


# --- one action per application webhook type ----------------------------------------

Action = Callable[[httpx.Client, httpx.Client], None]


def _snooze_then_expire(api: httpx.Client, control: httpx.Client) -> None:
    control.post("/simulate/snooze", json={"conversation_id": "cnv_s001"})
    control.post("/simulate/snooze_expired", json={"conversation_id": "cnv_s001"})


def _send_then_fail(api: httpx.Client, control: httpx.Client) -> None:
    sent = control.post(
        "/simulate/outbound", json={"inbox_id": "inb_s002", "to": "x@example.com", "body": "Hi"}
    ).json()
    control.post("/simulate/delivery_failed", json={"message_id": sent["message_id"]})


def _link(api: httpx.Client, control: httpx.Client) -> None:
    api.post("/conversations/cnv_s002/links", json={"link_external_urls": ["https://t.example/7"]})


def _unlink(api: httpx.Client, control: httpx.Client) -> None:
    _link(api, control)
    link_id = api.get("/conversations/cnv_s002").json()["links"][0]["id"]
    api.request("DELETE", "/conversations/cnv_s002/links", json={"link_ids": [link_id]})


# webhook type -> (what makes it happen, Events-API type expected, target type or None)
CASES: dict[str, tuple[Action, str, str | None]] = {
    "inbound_received": (
        lambda api, ctl: ctl.post(
            "/simulate/inbound",
            json={"inbox_id": "inb_s001", "from": "buyer@example.com", "body": "Where is it?"},
        ),
        "inbound",
        "message",
    ),
    "outbound_sent": (
        lambda api, ctl: api.post(
            "/conversations/cnv_s003/messages",
            json={"body": "On its way", "options": {"archive": False}},
        ),
        "out_reply",
        "message",
    ),
    "conversation_archived": (
        lambda api, ctl: api.patch("/conversations/cnv_s001", json={"status": "archived"}),
        "archive",
        None,
    ),
    "conversation_reopened": (
        lambda api, ctl: api.patch("/conversations/cnv_s004", json={"status": "open"}),
        "reopen",
        None,
    ),
    "conversation_deleted": (
        lambda api, ctl: api.patch("/conversations/cnv_s001", json={"status": "deleted"}),
        "trash",
        None,
    ),
    "conversation_restored": (
        lambda api, ctl: api.patch("/conversations/cnv_s007", json={"status": "open"}),
        "restore",
        None,
    ),
    "conversation_snoozed": (
        lambda api, ctl: ctl.post("/simulate/snooze", json={"conversation_id": "cnv_s001"}),
        "snooze",
        None,
    ),
    "conversation_snooze_expired": (_snooze_then_expire, "reminder", None),
    "new_comment_added": (
        lambda api, ctl: api.post("/conversations/cnv_s002/comments", json={"body": "Checking"}),
        "comment",
        "comment",
    ),
    "assignee_changed": (
        lambda api, ctl: api.put(
            "/conversations/cnv_s002/assignee", json={"assignee_id": "tea_s003"}
        ),
        "assign",
        "teammate",
    ),
    "tag_added": (
        lambda api, ctl: api.post("/conversations/cnv_s002/tags", json={"tag_ids": ["tag_s003"]}),
        "tag",
        "tag",
    ),
    "tag_removed": (
        lambda api, ctl: api.request(
            "DELETE", "/conversations/cnv_s001/tags", json={"tag_ids": ["tag_s001"]}
        ),
        "untag",
        "tag",
    ),
    "link_added": (_link, "link_added", "link"),
    "link_removed": (_unlink, "link_removed", "link"),
    "message_delivery_failed": (_send_then_fail, "sending_error", "message"),
    "conversation_moved": (
        lambda api, ctl: api.patch("/conversations/cnv_s002", json={"inbox_id": "inb_s003"}),
        "move",
        "inboxes",
    ),
}

TARGET_PATHS = {
    "message": "/messages/",
    "comment": "/comments/",
    "teammate": "/teammates/",
    "tag": "/tags/",
    "link": "/links/",
    "inboxes": "/inboxes/",
}


def test_cases_cover_front_s_sixteen_types() -> None:
    assert set(CASES) == {hook for hook, _ in WEBHOOK_TYPES}
    assert len(CASES) == 16


def test_type_table_matches_front_s_webhook_docs() -> None:
    """The one table agrees with the webhook reference in ../shared/seeds (when present)."""
    docs = sorted(SEEDS.glob("002_*.txt"))
    if not docs:
        reason = f"Front's webhook reference was expected in {SEEDS} and is absent"
        print(reason)
        pytest.skip(reason)
    rows = re.findall(r"^\| `(\w+)` \| (.+?) \|", docs[0].read_text(encoding="utf-8"), re.M)
    documented = {hook: set(re.findall(r"`(\w+)`", api)) for hook, api in rows}
    ours = {hook: set(api) - {"out_reply"} for hook, api in WEBHOOK_TYPES}
    assert ours == documented


@pytest.mark.parametrize("hook_type", list(CASES))
def test_each_type_arrives_signed_with_a_preview(
    hook_type: str,
    hooks: SandboxServer,
    api: httpx.Client,
    control: httpx.Client,
    receiver: Receiver,
) -> None:
    action, event_type, target_type = CASES[hook_type]
    before_ms = int(time.time() * 1000)
    action(api, control)
    drained(hooks)
    (delivery,) = receiver.of_type(hook_type)
    # headers exactly as Front sends them
    assert delivery.headers["content-type"] == "application/json"
    assert delivery.headers["x-front-signature"] == expected_app_signature(SECRET, delivery)
    stamp = int(delivery.headers["x-front-request-timestamp"])
    assert before_ms - 1000 <= stamp <= int(time.time() * 1000) + 1000  # milliseconds
    envelope = delivery.json()
    assert set(envelope) == {"type", "authorization", "payload"}
    assert envelope["authorization"] == {"id": api.get("/me").json()["id"]}
    payload = envelope["payload"]
    assert payload["type"] == event_type
    assert isinstance(payload["emitted_at"], float)
    assert payload["_links"]["self"].endswith(f"/events/{payload['id']}")
    conversation = payload["conversation"]
    assert set(conversation) <= {"_links", "id", "subject", "status", "created_at"}
    full = api.get(f"/conversations/{conversation['id']}").json()
    assert conversation["subject"] == full["subject"]
    assert conversation["_links"]["self"] == full["_links"]["self"]
    assert payload["source"]["_meta"]["type"]
    if target_type is None:
        assert "target" not in payload
    else:
        target = payload["target"]
        assert target["_meta"]["type"] == target_type
        assert set(target["data"]) == {"_links", "id"}  # a preview: no full record
        assert TARGET_PATHS[target_type] + target["data"]["id"] in target["data"]["_links"]["self"]
    # the payload id is the event's id in the Events API (none for a snooze)
    logged = api.get(f"/events/{payload['id']}")
    if hook_type == "conversation_snoozed":
        assert logged.status_code == 404
    else:
        assert logged.status_code == 200
        assert logged.json()["type"] == event_type
    (record,) = [r for r in hooks.state.webhooks.deliveries() if r["type"] == hook_type]
    assert record["event_id"] == payload["id"]
    assert (record["kind"], record["status"], record["attempts"]) == ("application", "delivered", 1)


def test_simulated_outbound_is_outbound_sent(
    hooks: SandboxServer, control: httpx.Client, api: httpx.Client, receiver: Receiver
) -> None:
    sent = control.post(
        "/simulate/outbound", json={"inbox_id": "inb_s001", "to": "a@example.com", "body": "Hi"}
    )
    assert sent.status_code == 201
    drained(hooks)
    (delivery,) = receiver.of_type("outbound_sent")
    payload = delivery.json()["payload"]
    assert payload["type"] == "outbound"
    assert payload["target"]["data"]["id"] == sent.json()["message_id"]
    assert api.get(f"/events/{payload['id']}").json()["type"] == "outbound"


def test_events_without_an_app_type_fire_no_app_webhook(
    hooks: SandboxServer, api: httpx.Client, receiver: Receiver
) -> None:
    api.patch("/conversations/cnv_s002", json={"custom_fields": {"Priority": "Low"}})
    drained(hooks)
    assert receiver.captured == []


# --- retries, failures, and the journal -----------------------------------------------


def test_two_failures_then_success_takes_three_attempts(
    hooks: SandboxServer, api: httpx.Client, receiver: Receiver
) -> None:
    receiver.statuses = [500, 500]
    api.post("/conversations/cnv_s002/comments", json={"body": "Retry me"})
    drained(hooks)
    copies = receiver.of_type("new_comment_added")
    assert len(copies) == 3
    assert len({c.body for c in copies}) == 1  # the same event each time
    assert all(c.headers["x-front-signature"] == expected_app_signature(SECRET, c) for c in copies)
    (record,) = hooks.state.webhooks.deliveries()
    assert record["attempts"] == 3
    assert record["status"] == "delivered"
    assert record["outcomes"] == ["500", "500", "200"]


def test_always_failing_endpoint_gets_four_attempts_then_failed(
    hooks: SandboxServer, control: httpx.Client, api: httpx.Client, receiver: Receiver
) -> None:
    receiver.statuses = [500] * 10
    api.post("/conversations/cnv_s002/comments", json={"body": "Nobody home"})
    assert control.post("/webhooks/drain", json={"timeout": 10}).json() == {"drained": True}
    assert len(receiver.of_type("new_comment_added")) == 4
    (record,) = control.get("/webhooks/deliveries").json()
    assert (record["attempts"], record["status"]) == (4, "failed")
    assert record["outcomes"] == ["500"] * 4


def test_unreachable_endpoint_is_retried_then_failed(
    hooks: SandboxServer, api: httpx.Client
) -> None:
    hooks.state.set_webhook({"url": "http://127.0.0.1:9/nowhere"})
    hooks.state.webhooks.clear_deliveries()
    api.post("/conversations/cnv_s002/comments", json={"body": "Lost"})
    drained(hooks)
    (record,) = hooks.state.webhooks.deliveries()
    assert (record["attempts"], record["status"]) == (4, "failed")
    assert all(o.startswith("connection error") for o in record["outcomes"])


def test_journal_clears_and_never_holds_the_secret(
    hooks: SandboxServer, control: httpx.Client, api: httpx.Client
) -> None:
    api.post("/conversations/cnv_s002/comments", json={"body": "x"})
    drained(hooks)
    journal = control.get("/webhooks/deliveries")
    assert journal.json()
    assert SECRET not in journal.text
    assert SECRET not in control.get("/webhooks").text
    assert SECRET not in repr(hooks.state.webhooks) + repr(hooks.state.config)
    assert control.delete("/webhooks/deliveries").status_code == 204
    assert control.get("/webhooks/deliveries").json() == []


def test_an_api_answer_does_not_wait_for_its_webhook(
    hooks: SandboxServer, api: httpx.Client, receiver: Receiver
) -> None:
    receiver.gate = threading.Event()  # the receiver holds every answer until opened
    answer = api.post("/conversations/cnv_s002/comments", json={"body": "Fast"})
    assert answer.status_code == 201
    (record,) = hooks.state.webhooks.deliveries()
    assert record["status"] == "pending"  # answered while the delivery is still in flight
    assert not hooks.state.webhooks.drain(0.05)
    receiver.gate.set()
    drained(hooks)
    assert hooks.state.webhooks.deliveries()[0]["status"] == "delivered"


def test_stop_ends_the_worker_thread(receiver: Receiver, client_on: Any) -> None:
    with SandboxServer(loose(webhook_url=receiver.url)) as server:
        client_on(server).post("/conversations/cnv_s002/comments", json={"body": "Bye"})
        assert server.state.webhooks.drain(10)
        assert server.state.webhooks.dispatcher.running
    assert not server.state.webhooks.dispatcher.running
    assert len(receiver.of_type("new_comment_added")) == 1


def test_config_url_is_used_unvalidated_with_the_default_secret(
    receiver: Receiver, client_on: Any
) -> None:
    with SandboxServer(loose(webhook_url=receiver.url)) as server:
        assert server.state.webhook_settings()["validated"] is None
        client_on(server).patch("/conversations/cnv_s001", json={"status": "archived"})
        assert server.state.webhooks.drain(10)
    (delivery,) = receiver.of_type("conversation_archived")
    expected = expected_app_signature("sandbox-webhook-secret", delivery)
    assert delivery.headers["x-front-signature"] == expected


# --- the validation handshake ---------------------------------------------------------


@pytest.mark.parametrize("form", ["text", "form", "json"])
def test_registering_a_url_validates_it_with_a_signed_challenge(
    form: str, hooks: SandboxServer, control: httpx.Client, api: httpx.Client, receiver: Receiver
) -> None:
    receiver.challenge = form
    answer = control.post("/webhooks", json={"url": receiver.url, "secret": "second-secret"})
    assert answer.status_code == 200
    assert answer.json()["validated"] is True
    (challenge,) = receiver.captured
    assert challenge.headers["x-front-challenge"]
    company = api.get("/me").json()["id"]  # what a host learns at authorization time
    assert challenge.json() == {"type": "sync", "authorization": {"id": company}}
    expected = expected_app_signature("second-secret", challenge)
    assert challenge.headers["x-front-signature"] == expected
    shown = control.get("/webhooks").json()
    assert (shown["url"], shown["validated"]) == (receiver.url, True)
    assert "second-secret" not in control.get("/webhooks").text


def test_a_url_that_does_not_echo_is_kept_but_reported(
    hooks: SandboxServer, control: httpx.Client, receiver: Receiver
) -> None:
    receiver.challenge = "none"
    answer = control.post("/webhooks", json={"url": receiver.url}).json()
    assert answer["validated"] is False
    assert "challenge" in answer["reason"]
    assert control.get("/webhooks").json()["url"] == receiver.url
    unreachable = control.post("/webhooks", json={"url": "http://127.0.0.1:9/x"}).json()
    assert unreachable["validated"] is False
    assert "could not be reached" in unreachable["reason"]
    journal = control.get("/webhooks/deliveries").json()
    assert [(r["kind"], r["status"]) for r in journal] == [("validation", "failed")] * 2
    assert journal[0]["outcomes"] == ["200"]  # answered, but without the challenge


def test_removing_the_url_stops_application_webhooks(
    hooks: SandboxServer, control: httpx.Client, api: httpx.Client, receiver: Receiver
) -> None:
    assert control.post("/webhooks", json={"url": None}).json()["url"] is None
    api.post("/conversations/cnv_s002/comments", json={"body": "Unheard"})
    drained(hooks)
    assert receiver.captured == []


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"url": "ftp://example.com/x"}, "http"),
        ({"secret": "s"}, "url is required"),
        ({"url": "http://127.0.0.1:1/x", "secret": ""}, "secret"),
        ({"url": "http://127.0.0.1:1/x", "colour": "red"}, "colour"),
        ([1, 2], "JSON object"),
    ],
)
def test_bad_webhook_settings_are_refused_with_a_reason(
    body: Any, fragment: str, control: httpx.Client
) -> None:
    answer = control.post("/webhooks", json=body)
    assert answer.status_code == 400
    assert fragment in answer.json()["_error"]["message"]


def test_non_json_webhook_settings_are_refused(control: httpx.Client) -> None:
    answer = control.post("/webhooks", content=b"url=x")
    assert answer.status_code == 400
    assert "not valid JSON" in answer.json()["_error"]["message"]


# --- rule webhooks --------------------------------------------------------------------


def test_rule_webhook_sends_the_full_event_signed_with_sha1_once(
    hooks: SandboxServer,
    control: httpx.Client,
    api: httpx.Client,
    receiver: Receiver,
    spec_check: Any,
) -> None:
    control.post("/webhooks", json={"url": None})
    rule = {"name": "escalations", "url": receiver.url + "/rule", "secret": "rule-secret"}
    created = control.post("/rules", json=rule)
    assert created.status_code == 201
    assert created.json() == {"name": "escalations", "url": rule["url"], "preview": False}
    assert "rule-secret" not in control.get("/rules").text
    receiver.captured.clear()
    receiver.statuses = [500]
    api.patch("/conversations/cnv_s002", json={"assignee_id": "tea_s003"})
    drained(hooks)
    (delivery,) = receiver.captured  # a 500, and never retried
    mac = hmac.new(b"rule-secret", delivery.body, hashlib.sha1).digest()
    assert delivery.headers["x-front-signature"] == base64.b64encode(mac).decode()
    assert "x-front-request-timestamp" not in delivery.headers
    event = delivery.json()
    assert event["type"] == "assign"
    assert event["target"]["data"]["email"]  # the full teammate, not a preview
    logged = api.get(f"/events/{event['id']}").json()
    # the event as of when it fired; only the conversation's later updates may differ
    assert {**logged, "conversation": None} == {**event, "conversation": None}
    assert logged["conversation"]["id"] == event["conversation"]["id"]
    if spec_check is not None:
        ref = "urn:front-core-api#/components/schemas/EventResponse"
        assert spec_check.validate(ref, event) == []
    (record,) = [r for r in control.get("/webhooks/deliveries").json() if r["kind"] == "rule"]
    assert (record["rule"], record["attempts"], record["status"]) == ("escalations", 1, "failed")


def test_preview_rule_sends_the_preview(
    hooks: SandboxServer, control: httpx.Client, api: httpx.Client, receiver: Receiver
) -> None:
    control.post("/webhooks", json={"url": None})
    rule = {"name": "light", "url": receiver.url, "secret": "s2", "preview": True}
    control.post("/rules", json=rule)
    receiver.captured.clear()
    api.post("/conversations/cnv_s002/tags", json={"tag_ids": ["tag_s003"]})
    drained(hooks)
    (delivery,) = receiver.captured
    assert set(delivery.json()["target"]["data"]) == {"_links", "id"}
    assert control.delete("/rules").status_code == 204
    assert control.get("/rules").json() == []


@pytest.mark.parametrize(
    "rule",
    [
        {"name": "bad name!", "url": "http://127.0.0.1:1/", "secret": "s"},
        {"name": "ok", "url": "not a url", "secret": "s"},
        {"name": "ok", "url": "http://127.0.0.1:1/"},
        {"name": "ok", "url": "http://127.0.0.1:1/", "secret": "s", "preview": "yes"},
    ],
)
def test_bad_rules_are_refused(rule: dict[str, Any], control: httpx.Client) -> None:
    answer = control.post("/rules", json=rule)
    assert answer.status_code == 400
    assert answer.json()["_error"]["message"]
