"""The activity log: what changes produce, filters, pages of at most 15."""

from __future__ import annotations

import time

import httpx


def test_seeded_log_is_newest_first(client: httpx.Client) -> None:
    body = client.get("/events").json()
    stamps = [e["emitted_at"] for e in body["_results"]]
    assert len(stamps) == 15
    assert stamps == sorted(stamps, reverse=True)
    assert body["_pagination"]["next"]
    assert client.get("/events", params={"limit": 16}).status_code == 400


def test_changes_are_logged_with_their_targets(client: httpx.Client) -> None:
    started = time.time() - 1
    client.patch(
        "/conversations/cnv_s002", json={"assignee_id": "tea_s002", "tag_ids": ["tag_s001"]}
    )
    client.post(
        "/conversations/cnv_s002/comments", json={"body": "Checking stock", "author_id": "tea_s002"}
    )
    client.patch("/conversations/cnv_s002", json={"status": "archived"})
    events = client.get("/events", params={"q[after]": started, "sort_order": "asc"}).json()[
        "_results"
    ]
    assert [e["type"] for e in events] == ["assign", "untag", "tag", "comment", "archive"]
    assign, untag, tag, comment, archive = events
    assert assign["target"]["data"]["id"] == "tea_s002"
    assert assign["source"]["_meta"]["type"] == "api"
    assert (untag["target"]["data"]["id"], tag["target"]["data"]["id"]) == ("tag_s002", "tag_s001")
    assert comment["source"]["data"]["id"] == "tea_s002"
    assert comment["target"]["_meta"]["type"] == "comment"
    assert archive["conversation"]["id"] == "cnv_s002"
    assert archive["conversation"]["status"] == "archived"


def test_type_inbox_and_time_filters(client: httpx.Client) -> None:
    inbound = client.get("/events", params={"q[types][]": "inbound"}).json()["_results"]
    assert {e["type"] for e in inbound} == {"inbound"}
    assert len(inbound) == 7  # the seeded inbound messages
    billing = client.get("/events", params={"q[inboxes][]": "inb_s004"}).json()["_results"]
    assert {e["conversation"]["id"] for e in billing} == {"cnv_s005"}
    cut = inbound[3]["emitted_at"]
    before = client.get("/events", params={"q[types][]": "inbound", "q[before]": cut}).json()[
        "_results"
    ]
    assert all(e["emitted_at"] < cut for e in before)
    assert client.get(f"/events/{inbound[0]['id']}").json()["id"] == inbound[0]["id"]


def test_pages_walk_the_whole_log_once(client: httpx.Client) -> None:
    seen: list[str] = []
    answer = client.get("/events", params={"limit": 10})
    while True:
        body = answer.json()
        seen += [e["id"] for e in body["_results"]]
        if not body["_pagination"]["next"]:
            break
        answer = client.get(body["_pagination"]["next"])
    assert len(seen) == len(set(seen)) > 15


def test_deleted_conversations_leave_the_log(client: httpx.Client) -> None:
    client.delete("/conversations/cnv_s007")
    ids = {
        e["conversation"]["id"]
        for e in client.get("/events", params={"q[types][]": ["inbound", "trash"]}).json()[
            "_results"
        ]
    }
    assert "cnv_s007" not in ids
