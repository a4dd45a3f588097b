"""Conversations: listing filters, status views, updates, trash vs delete, merges, search."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connector_front.sandbox import SandboxServer


def _ids(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [c["id"] for c in answer.json()["_results"]]


def test_list_is_newest_first_without_trash(client: httpx.Client) -> None:
    body = client.get("/conversations").json()
    ids = [c["id"] for c in body["_results"]]
    assert "cnv_s007" not in ids  # trashed
    assert len(ids) == 7
    stamps = [c["updated_at"] for c in body["_results"]]
    assert stamps == sorted(stamps, reverse=True)
    oldest_first = _ids(client.get("/conversations", params={"sort_order": "asc"}))
    assert oldest_first == list(reversed(ids))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q[statuses][]": "trashed"}, {"cnv_s007"}),
        ({"q[statuses][]": "archived"}, {"cnv_s004"}),
        (
            {"q[statuses][]": ["assigned", "archived"]},
            {"cnv_s001", "cnv_s003", "cnv_s004", "cnv_s005", "cnv_s008"},
        ),
        ({"q[statuses][]": "unassigned"}, {"cnv_s002", "cnv_s006"}),
        ({"q[status_categories][]": "waiting"}, {"cnv_s003", "cnv_s005"}),
        ({"q[status_ids][]": "sts_s002"}, {"cnv_s001"}),
    ],
)
def test_status_filters(client: httpx.Client, params: dict[str, Any], expected: set[str]) -> None:
    assert set(_ids(client.get("/conversations", params=params))) == expected


def test_bad_status_filter_is_400(client: httpx.Client) -> None:
    assert client.get("/conversations", params={"q[statuses][]": "snoozing"}).status_code == 400
    assert client.get("/conversations", params={"sort_by": "subject"}).status_code == 400


def test_pages_cover_everything_once(client: httpx.Client) -> None:
    seen: list[str] = []
    answer = client.get("/conversations", params={"limit": 3})
    while True:
        seen += _ids(answer)
        next_url = answer.json()["_pagination"]["next"]
        if not next_url:
            break
        answer = client.get(next_url)
    assert len(seen) == len(set(seen)) == 7


@pytest.mark.parametrize(
    ("conv_id", "status", "category", "assignee"),
    [
        ("cnv_s001", "assigned", "open", "tea_s002"),
        ("cnv_s002", "unassigned", "open", None),
        ("cnv_s003", "assigned", "waiting", "tea_s004"),
        ("cnv_s004", "archived", "resolved", "tea_s003"),
        ("cnv_s007", "deleted", "open", None),
    ],
)
def test_legacy_and_ticket_status_agree(
    client: httpx.Client, conv_id: str, status: str, category: str, assignee: str | None
) -> None:
    conv = client.get(f"/conversations/{conv_id}").json()
    assert conv["status"] == status
    assert conv["status_category"] == category
    assert (conv["assignee"] or {}).get("id") == assignee


def test_assign_move_and_custom_fields(client: httpx.Client) -> None:
    patched = client.patch(
        "/conversations/cnv_s002",
        json={"assignee_id": "alt:email:priya.natarajan@larkspur.example", "inbox_id": "inb_s001"},
    )
    assert patched.status_code == 204
    assert patched.content == b""
    conv = client.get("/conversations/cnv_s002").json()
    assert conv["assignee"]["id"] == "tea_s003"
    assert conv["status"] == "assigned"
    inboxes = client.get("/conversations/cnv_s002/inboxes").json()["_results"]
    assert [i["id"] for i in inboxes] == ["inb_s001"]
    assert "cnv_s002" in _ids(client.get("/inboxes/inb_s001/conversations"))
    assert "cnv_s002" not in _ids(client.get("/inboxes/inb_s002/conversations"))

    client.patch("/conversations/cnv_s002", json={"custom_fields": {"Priority": "Urgent"}})
    assert client.get("/conversations/cnv_s002").json()["custom_fields"] == {"Priority": "Urgent"}

    assert (
        client.put("/conversations/cnv_s002/assignee", json={"assignee_id": None}).status_code
        == 204
    )
    assert client.get("/conversations/cnv_s002").json()["assignee"] is None


def test_refused_patch_changes_nothing(client: httpx.Client) -> None:
    before = client.get("/conversations/cnv_s001").json()
    refused = client.patch(
        "/conversations/cnv_s001",
        json={"assignee_id": "tea_s005", "custom_fields": {"Priority": "Whenever"}},
    )
    assert refused.status_code == 400
    after = client.get("/conversations/cnv_s001").json()
    assert after == before
    both = client.patch(
        "/conversations/cnv_s001", json={"status": "archived", "status_id": "sts_s005"}
    )
    assert both.status_code == 400
    assert client.patch("/conversations/cnv_s001", json={"description": "x"}).status_code == 400
    assert client.patch("/conversations/cnv_s001", json={"status": "frozen"}).status_code == 400
    assert (
        client.patch("/conversations/cnv_s001", json={"status_id": "sts_nope"}).status_code == 400
    )


def test_status_and_status_id(client: httpx.Client) -> None:
    client.patch("/conversations/cnv_s001", json={"status": "archived"})
    conv = client.get("/conversations/cnv_s001").json()
    assert (conv["status"], conv["status_category"]) == ("archived", "resolved")
    client.patch("/conversations/cnv_s001", json={"status": "open"})
    conv = client.get("/conversations/cnv_s001").json()
    assert (conv["status"], conv["status_category"]) == ("assigned", "open")
    client.patch("/conversations/cnv_s001", json={"status_id": "sts_s004"})
    conv = client.get("/conversations/cnv_s001").json()
    assert (conv["status_id"], conv["status_category"], conv["status"]) == (
        "sts_s004",
        "waiting",
        "assigned",
    )
    client.patch("/conversations/cnv_s001", json={"status_id": "sts_s005"})
    assert client.get("/conversations/cnv_s001").json()["status"] == "archived"


def test_tags_add_and_remove(client: httpx.Client) -> None:
    added = client.post("/conversations/cnv_s005/tags", json={"tag_ids": ["tag_s003", "tag_s005"]})
    assert added.status_code == 204
    tags = [t["id"] for t in client.get("/conversations/cnv_s005").json()["tags"]]
    assert tags == ["tag_s003", "tag_s005"]
    assert "cnv_s005" in _ids(client.get("/tags/tag_s003/conversations"))
    removed = client.request(
        "DELETE", "/conversations/cnv_s005/tags", json={"tag_ids": ["tag_s003"]}
    )
    assert removed.status_code == 204
    assert [t["id"] for t in client.get("/conversations/cnv_s005").json()["tags"]] == ["tag_s005"]
    client.patch("/conversations/cnv_s005", json={"tag_ids": ["tag_s001"]})
    assert [t["id"] for t in client.get("/conversations/cnv_s005").json()["tags"]] == ["tag_s001"]
    assert (
        client.post("/conversations/cnv_s005/tags", json={"tag_ids": ["tag_zz"]}).status_code == 404
    )
    assert client.post("/conversations/cnv_s005/tags", json={}).status_code == 400


def test_trash_then_permanent_delete(client: httpx.Client) -> None:
    refused = client.delete("/conversations/cnv_s002")
    assert refused.status_code == 400
    assert "trashed" in refused.json()["_error"]["message"]
    assert client.patch("/conversations/cnv_s002", json={"status": "deleted"}).status_code == 204
    assert client.get("/conversations/cnv_s002").json()["status"] == "deleted"
    assert "cnv_s002" not in _ids(client.get("/conversations"))
    assert "cnv_s002" in _ids(client.get("/conversations", params={"q[statuses][]": "trashed"}))
    client.patch("/conversations/cnv_s002", json={"status": "open"})
    assert client.get("/conversations/cnv_s002").json()["status"] == "unassigned"
    client.patch("/conversations/cnv_s002", json={"status": "deleted"})
    assert client.delete("/conversations/cnv_s002").status_code == 204
    assert client.get("/conversations/cnv_s002").status_code == 404
    assert client.get("/messages/msg_s003").status_code == 404


def test_create_discussion_with_first_comment(client: httpx.Client) -> None:
    created = client.post(
        "/conversations",
        json={
            "type": "discussion",
            "subject": "Inventory count",
            "inbox_id": "inb_s003",
            "comment": {"body": "Counting on Friday", "author_id": "tea_s004"},
            "custom_fields": {"Priority": "Low"},
        },
    )
    assert created.status_code == 201
    conv = created.json()
    assert (conv["type"], conv["status"], conv["subject"]) == (
        "discussion",
        "unassigned",
        "Inventory count",
    )
    comments = client.get(f"/conversations/{conv['id']}/comments").json()["_results"]
    assert [(c["body"], c["author"]["id"]) for c in comments] == [
        ("Counting on Friday", "tea_s004")
    ]
    assert conv["id"] in _ids(client.get("/inboxes/inb_s003/conversations"))


def test_create_task(client: httpx.Client) -> None:
    created = client.post(
        "/conversations",
        json={
            "type": "task",
            "subject": "Restock",
            "teammate_ids": ["tea_s006"],
            "description": "Ropes",
            "due_at": 4102444800,
        },
    )
    assert created.status_code == 201
    assert created.json()["description"] == "Ropes"
    assert created.json()["due_at"] == 4102444800


@pytest.mark.parametrize(
    "body",
    [
        {"type": "discussion", "subject": "x", "inbox_id": "inb_s001"},
        {"type": "discussion", "subject": "x", "comment": {"body": "y"}},
        {
            "type": "discussion",
            "subject": "x",
            "inbox_id": "inb_s001",
            "teammate_ids": [],
            "comment": {"body": "y"},
        },
        {"type": "conversation", "subject": "x", "inbox_id": "inb_s001", "comment": {"body": "y"}},
        {"type": "discussion", "inbox_id": "inb_s001", "comment": {"body": "y"}},
        {
            "type": "discussion",
            "subject": "x",
            "inbox_id": "inb_s001",
            "comment": {"body": "y"},
            "due_at": 5,
        },
    ],
)
def test_create_refusals(client: httpx.Client, body: dict[str, Any]) -> None:
    assert client.post("/conversations", json=body).status_code == 400


def test_merged_conversation_answers_301(
    client: httpx.Client, admin: httpx.Client, server: SandboxServer
) -> None:
    merged = admin.post("/conversations/merge", json={"from": "cnv_s002", "into": "cnv_s006"})
    assert merged.status_code == 200
    moved = client.get("/conversations/cnv_s002")
    assert moved.status_code == 301
    assert moved.headers["location"] == f"{server.url}/conversations/cnv_s006"
    sub = client.get("/conversations/cnv_s002/messages", params={"limit": 5})
    assert sub.status_code == 301
    assert sub.headers["location"] == f"{server.url}/conversations/cnv_s006/messages?limit=5"
    followed = client.get("/conversations/cnv_s002/messages", follow_redirects=True).json()
    assert "msg_s003" in [m["id"] for m in followed["_results"]]
    assert "cnv_s002" not in _ids(client.get("/conversations"))
    assert (
        admin.post(
            "/conversations/merge", json={"from": "cnv_s006", "into": "cnv_s006"}
        ).status_code
        == 400
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("harness", {"cnv_s001"}),
        ('"replacement pole"', {"cnv_s004"}),
        ("tag:tag_s002", {"cnv_s002", "cnv_s004"}),
        ("tag:refund is:open", {"cnv_s002"}),
        ("inbox:inb_s003 inbox:inb_s004", {"cnv_s003", "cnv_s005"}),
        ("assignee:tea_s004", {"cnv_s003"}),
        ("assignee:tomas.reyes@larkspur.example", {"cnv_s001"}),
        ("is:unassigned", {"cnv_s002", "cnv_s006"}),
        ("is:archived", {"cnv_s004"}),
        ("is:waiting", {"cnv_s003", "cnv_s005"}),
        ("is:trashed", {"cnv_s007"}),
        ("recipient:luis@blueheron.example", {"cnv_s005"}),
        ("after:1708560000 is:unreplied", {"cnv_s005", "cnv_s006"}),
        ("is:unreplied", {"cnv_s002", "cnv_s005", "cnv_s006"}),
        ("nothing-matches-this", set()),
    ],
)
def test_search(client: httpx.Client, query: str, expected: set[str]) -> None:
    answer = client.get(f"/conversations/search/{query}")
    assert set(_ids(answer)) == expected
    assert answer.json()["_total"] == len(expected)


def test_search_pages_and_refuses_unknown_is(client: httpx.Client) -> None:
    first = client.get("/conversations/search/is:open", params={"limit": 2}).json()
    assert first["_total"] == 6
    assert len(first["_results"]) == 2
    assert first["_pagination"]["next"]
    assert client.get("/conversations/search/is:frozen").status_code == 400
