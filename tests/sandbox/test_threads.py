"""Comments and messages: lists, posting, editing, replies (archive by default)."""

from __future__ import annotations

from typing import Any

import httpx


def test_comments_newest_first_and_new_comment_shows(client: httpx.Client) -> None:
    before = client.get("/conversations/cnv_s008/comments").json()["_results"]
    assert [c["id"] for c in before] == ["com_s005", "com_s004"]
    created = client.post(
        "/conversations/cnv_s008/comments", json={"body": "Agreed.", "is_pinned": True}
    )
    assert created.status_code == 201
    comment = created.json()
    assert comment["author"]["type"] == "api"  # posted as the API token
    assert comment["is_pinned"] is True
    after = client.get("/conversations/cnv_s008/comments").json()["_results"]
    assert after[0]["id"] == comment["id"]
    assert client.get(f"/comments/{comment['id']}").json()["body"] == "Agreed."
    assert client.get("/conversations/cnv_s008").json()["updated_at"] == comment["posted_at"]


def test_comment_author_alias_and_oauth_author(client: httpx.Client, oauth: Any, api: Any) -> None:
    by_alias = client.post(
        "/conversations/cnv_s001/comments",
        json={"body": "On it", "author_id": "alt:email:elise.moreau@larkspur.example"},
    ).json()
    assert by_alias["author"]["id"] == "tea_s005"
    as_app = api(oauth.tokens()["access_token"]).post(
        "/conversations/cnv_s001/comments", json={"body": "bot"}
    )
    assert as_app.json()["author"]["type"] == "application"
    assert client.post("/conversations/cnv_s001/comments", json={}).status_code == 400


def test_edit_comment_with_and_without_trailing_slash(client: httpx.Client) -> None:
    edited = client.patch("/comments/com_s001/", json={"body": "Vendor list is in the drive"})
    assert edited.status_code == 200
    assert edited.json()["body"] == "Vendor list is in the drive"
    again = client.patch("/comments/com_s001", json={"is_pinned": True})
    assert again.status_code == 200
    assert again.json()["is_pinned"] is True
    assert client.get("/comments/com_nope").status_code == 404


def test_messages_list_and_lookup(client: httpx.Client) -> None:
    messages = client.get("/conversations/cnv_s001/messages").json()["_results"]
    assert [m["id"] for m in messages] == ["msg_s002", "msg_s001"]
    assert messages[1]["is_inbound"] is True
    assert "author" not in messages[1]
    assert messages[0]["author"]["id"] == "tea_s002"
    asc = client.get(
        "/conversations/cnv_s001/messages", params={"sort_order": "asc", "limit": 1}
    ).json()
    assert [m["id"] for m in asc["_results"]] == ["msg_s001"]
    assert asc["_pagination"]["next"]
    assert client.get("/messages/alt:uid:lark0002uid").json()["id"] == "msg_s002"


def test_reply_archives_by_default(client: httpx.Client) -> None:
    answer = client.post(
        "/conversations/cnv_s002/messages",
        json={
            "body": "<p>Refund issued.</p>",
            "author_id": "tea_s003",
            "options": {"tag_ids": ["tag_s006"]},
        },
    )
    assert answer.status_code == 202
    accepted = answer.json()
    assert accepted["status"] == "accepted"
    message = client.get(f"/messages/alt:uid:{accepted['message_uid']}").json()
    assert message["is_inbound"] is False
    assert message["subject"] == "Re: Refund for order LO-20877"
    assert [(r["role"], r["handle"]) for r in message["recipients"]] == [
        ("from", "returns@larkspur.example"),
        ("to", "ingrid.sorensen@mailbox.example"),
    ]
    conv = client.get("/conversations/cnv_s002").json()
    assert conv["status"] == "archived"
    assert "tag_s006" in [t["id"] for t in conv["tags"]]
    assert conv["_links"]["related"]["last_message"].endswith(f"/messages/{message['id']}")


def test_reply_can_keep_the_conversation_open(client: httpx.Client) -> None:
    client.post(
        "/conversations/cnv_s006/messages",
        json={
            "body": "Looking into it",
            "to": ["aiko.tanaka@mailbox.example"],
            "options": {"archive": False},
        },
    )
    assert client.get("/conversations/cnv_s006").json()["status"] == "unassigned"


def test_discussions_take_no_messages(client: httpx.Client) -> None:
    assert client.post("/conversations/cnv_s008/messages", json={"body": "x"}).status_code == 400
    assert client.post("/conversations/cnv_s001/messages", json={}).status_code == 400
