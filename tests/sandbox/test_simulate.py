"""`/_sandbox/simulate/...`: what happens in Front outside its API, and what it leaves behind."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connector_front.sandbox.simulate import simulate


def test_inbound_to_an_inbox_opens_a_new_conversation(
    admin: httpx.Client, client: httpx.Client
) -> None:
    answer = admin.post(
        "/simulate/inbound",
        json={
            "inbox_id": "inb_s002",
            "from": "Newbie@Example.com",
            "name": "Nell Newbie",
            "subject": "Broken zip",
            "body": "<p>The zip broke</p>",
        },
    )
    assert answer.status_code == 201
    made = answer.json()
    assert made["created_conversation"] is True
    conv = client.get(f"/conversations/{made['conversation_id']}").json()
    assert (conv["subject"], conv["status"]) == ("Broken zip", "unassigned")
    assert conv["recipient"]["handle"] == "Newbie@Example.com"
    message = client.get(f"/messages/{made['message_id']}").json()
    assert message["is_inbound"] is True
    assert message["body"] == "<p>The zip broke</p>"
    # Front makes a contact for a sender it does not know
    contact = client.get("/contacts/alt:email:newbie@example.com").json()
    assert contact["name"] == "Nell Newbie"
    inboxes = client.get(f"/conversations/{made['conversation_id']}/inboxes").json()
    assert [i["id"] for i in inboxes["_results"]] == ["inb_s002"]
    event = client.get(f"/events/{made['event_id']}").json()
    assert event["type"] == "inbound"
    assert event["source"]["_meta"]["type"] == "inboxes"
    assert event["target"]["data"]["id"] == made["message_id"]


def test_inbound_into_an_archived_conversation_brings_it_back(
    admin: httpx.Client, client: httpx.Client
) -> None:
    assert client.get("/conversations/cnv_s004").json()["status"] == "archived"
    contacts_before = len(client.get("/contacts", params={"limit": 100}).json()["_results"])
    made = admin.post(
        "/simulate/inbound",
        json={"conversation_id": "cnv_s004", "from": "dana@cedarridge.example", "body": "And?"},
    ).json()
    assert made["created_conversation"] is False
    assert client.get("/conversations/cnv_s004").json()["status"] == "assigned"
    messages = client.get("/conversations/cnv_s004/messages").json()["_results"]
    assert made["message_id"] in [m["id"] for m in messages]
    contacts_after = len(client.get("/contacts", params={"limit": 100}).json()["_results"])
    assert contacts_after == contacts_before  # a known sender makes no new contact


def test_snooze_archives_with_a_reminder_and_expiry_reopens(
    admin: httpx.Client, client: httpx.Client, server: Any
) -> None:
    until = server.state.now() + 7200
    snoozed = admin.post(
        "/simulate/snooze",
        json={"conversation_id": "cnv_s002", "until": until, "teammate_id": "tea_s002"},
    )
    assert snoozed.status_code == 201
    conv = client.get("/conversations/cnv_s002").json()
    assert conv["status"] == "archived"
    (reminder,) = conv["scheduled_reminders"]
    assert reminder["scheduled_at"] == until
    assert reminder["_links"]["related"]["owner"].endswith("/teammates/tea_s002")
    logged = client.get("/events", params={"q[after]": until - 7300}).json()["_results"]
    assert logged == []  # Front's Events API has no snooze event
    expired = admin.post("/simulate/snooze_expired", json={"conversation_id": "cnv_s002"})
    assert expired.status_code == 201
    conv = client.get("/conversations/cnv_s002").json()
    assert (conv["status"], conv["scheduled_reminders"]) == ("unassigned", [])
    event = client.get(f"/events/{expired.json()['event_id']}").json()
    assert (event["type"], event["source"]["_meta"]["type"]) == ("reminder", "reminder")
    assert "target" not in event


def test_delivery_failure_targets_the_sent_message(
    admin: httpx.Client, client: httpx.Client
) -> None:
    failed = admin.post("/simulate/delivery_failed", json={"message_id": "msg_s002"}).json()
    event = client.get(f"/events/{failed['event_id']}").json()
    assert event["type"] == "sending_error"
    assert event["source"]["_meta"]["type"] == "recipient"
    assert event["target"]["data"]["id"] == "msg_s002"


@pytest.mark.parametrize(
    ("what", "body", "fragment"),
    [
        ("inbound", {"inbox_id": "inb_s001", "body": "x"}, "from is required"),
        ("inbound", {"inbox_id": "inb_s001", "from": "a@b.co"}, "body is required"),
        (
            "inbound",
            {"inbox_id": "inb_s001", "conversation_id": "cnv_s001", "from": "a@b.co", "body": "x"},
            "either conversation_id or inbox_id",
        ),
        ("inbound", {"from": "a@b.co", "body": "x"}, "either conversation_id or inbox_id"),
        ("inbound", {"conversation_id": "cnv_s008", "from": "a@b.co", "body": "x"}, "discussion"),
        ("inbound", {"inbox_id": "inb_nope", "from": "a@b.co", "body": "x"}, "inb_nope"),
        ("outbound", {"inbox_id": "inb_s001", "body": "x"}, "to is required"),
        ("snooze", {}, "conversation_id is required"),
        ("snooze", {"conversation_id": "cnv_s001", "until": 1}, "future"),
        ("snooze", {"conversation_id": "cnv_s007"}, "trash"),
        ("snooze_expired", {"conversation_id": "cnv_s001"}, "not snoozed"),
        ("delivery_failed", {"message_id": "msg_s001"}, "inbound"),
        ("delivery_failed", {"message_id": 5}, "message_id must be a string"),
    ],
)
def test_bad_simulations_are_refused_with_a_reason(
    admin: httpx.Client, what: str, body: dict[str, Any], fragment: str
) -> None:
    answer = admin.post(f"/simulate/{what}", json=body)
    assert 400 <= answer.status_code < 500
    assert fragment in answer.json()["_error"]["message"]


def test_refused_simulation_changes_nothing(admin: httpx.Client, client: httpx.Client) -> None:
    before = client.get("/conversations", params={"limit": 100}).json()["_results"]
    admin.post("/simulate/inbound", json={"inbox_id": "inb_s001", "from": "a@b.co"})
    after = client.get("/conversations", params={"limit": 100}).json()["_results"]
    assert [c["id"] for c in after] == [c["id"] for c in before]


def test_unknown_simulation_is_a_404(admin: httpx.Client) -> None:
    answer = admin.post("/simulate/earthquake", json={})
    assert answer.status_code == 404


def test_simulate_runs_in_process(server: Any, client: httpx.Client) -> None:
    made = simulate(
        server.state,
        "outbound",
        {"inbox_id": "inb_s001", "to": "dana@cedarridge.example", "body": "Hello Dana"},
    )
    conv = client.get(f"/conversations/{made['conversation_id']}").json()
    assert conv["recipient"]["_links"]["related"]["contact"].endswith("/contacts/crd_s001")
    assert client.get(f"/events/{made['event_id']}").json()["type"] == "outbound"
