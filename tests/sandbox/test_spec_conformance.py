"""Every endpoint the sandbox serves, called once and checked against Front's spec.

The `client` fixture validates each answer (declared status, response schema,
`_error` body); these rows make sure every served operation is exercised.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connector_front.sandbox.app import api_rows
from connector_front.sandbox.simulate import simulate

EMAIL = {"source": "email", "handle": "spec.check@example.com"}

# (method, spec path, request path, JSON body or None, expected status)
CALLS: list[tuple[str, str, str, Any, int]] = [
    ("GET", "/me", "/me", None, 200),
    ("GET", "/contacts", "/contacts?limit=5&sort_by=updated_at", None, 200),
    ("POST", "/contacts", "/contacts", {"name": "Spec", "handles": [EMAIL]}, 201),
    ("GET", "/contacts/{contact_id}", "/contacts/crd_s001", None, 200),
    ("PATCH", "/contacts/{contact_id}", "/contacts/crd_s002", {"name": "Luis O."}, 204),
    ("DELETE", "/contacts/{contact_id}", "/contacts/crd_s007", None, 204),
    ("POST", "/contacts/{contact_id}/handles", "/contacts/crd_s004/handles", EMAIL, 204),
    (
        "DELETE",
        "/contacts/{contact_id}/handles",
        "/contacts/crd_s004/handles",
        {"source": "phone", "handle": "+13035550177"},
        204,
    ),
    ("GET", "/contacts/custom_fields", "/contacts/custom_fields", None, 200),
    ("GET", "/custom_fields", "/custom_fields", None, 200),
    ("GET", "/accounts/custom_fields", "/accounts/custom_fields", None, 200),
    ("GET", "/teammates/custom_fields", "/teammates/custom_fields", None, 200),
    ("GET", "/conversations/custom_fields", "/conversations/custom_fields", None, 200),
    ("GET", "/inboxes/custom_fields", "/inboxes/custom_fields", None, 200),
    ("GET", "/contacts/{contact_id}/conversations", "/contacts/crd_s001/conversations", None, 200),
    # accounts
    ("GET", "/accounts", "/accounts?limit=2&sort_by=updated_at", None, 200),
    ("POST", "/accounts", "/accounts", {"name": "Spec Co", "domains": ["spec.example"]}, 201),
    ("GET", "/accounts/{account_id}", "/accounts/alt:domain:cedarridge.example", None, 200),
    ("PATCH", "/accounts/{account_id}", "/accounts/acc_s002", {"name": "Blue Heron"}, 200),
    ("DELETE", "/accounts/{account_id}", "/accounts/acc_s004", None, 204),
    ("GET", "/accounts/{account_id}/contacts", "/accounts/acc_s003/contacts", None, 200),
    # teammates and teams
    ("GET", "/teammates", "/teammates", None, 200),
    ("GET", "/teammates/{teammate_id}", "/teammates/tea_s003", None, 200),
    ("PATCH", "/teammates/{teammate_id}", "/teammates/tea_s003", {"last_name": "N."}, 204),
    ("GET", "/teams", "/teams", None, 200),
    ("GET", "/teams/{team_id}", "/teams/tim_s001", None, 200),
    ("GET", "/teams/{team_id}/inboxes", "/teams/tim_s001/inboxes", None, 200),
    ("POST", "/teams/{team_id}/inboxes", "/teams/tim_s001/inboxes", {"name": "Spec"}, 201),
    # inboxes
    ("GET", "/inboxes", "/inboxes", None, 200),
    ("POST", "/inboxes", "/inboxes", {"name": "Spec inbox"}, 201),
    ("GET", "/inboxes/{inbox_id}", "/inboxes/inb_s001", None, 200),
    ("GET", "/inboxes/{inbox_id}/teammates", "/inboxes/inb_s001/teammates", None, 200),
    ("GET", "/inboxes/{inbox_id}/conversations", "/inboxes/inb_s001/conversations", None, 200),
    # conversations
    ("GET", "/conversations", "/conversations?q[statuses][]=assigned", None, 200),
    (
        "POST",
        "/conversations",
        "/conversations",
        {"type": "discussion", "subject": "S", "inbox_id": "inb_s001", "comment": {"body": "b"}},
        201,
    ),
    ("GET", "/conversations/search/{query}", "/conversations/search/is:open tag:urgent", None, 200),
    ("GET", "/conversations/{conversation_id}", "/conversations/cnv_s004", None, 200),
    (
        "PATCH",
        "/conversations/{conversation_id}",
        "/conversations/cnv_s003",
        {"status": "open"},
        204,
    ),
    ("DELETE", "/conversations/{conversation_id}", "/conversations/cnv_s007", None, 204),
    (
        "PUT",
        "/conversations/{conversation_id}/assignee",
        "/conversations/cnv_s002/assignee",
        {"assignee_id": "tea_s002"},
        204,
    ),
    (
        "POST",
        "/conversations/{conversation_id}/tags",
        "/conversations/cnv_s002/tags",
        {"tag_ids": ["tag_s003"]},
        204,
    ),
    (
        "DELETE",
        "/conversations/{conversation_id}/tags",
        "/conversations/cnv_s001/tags",
        {"tag_ids": ["tag_s001"]},
        204,
    ),
    (
        "GET",
        "/conversations/{conversation_id}/inboxes",
        "/conversations/cnv_s001/inboxes",
        None,
        200,
    ),
    (
        "GET",
        "/conversations/{conversation_id}/comments",
        "/conversations/cnv_s008/comments",
        None,
        200,
    ),
    (
        "POST",
        "/conversations/{conversation_id}/comments",
        "/conversations/cnv_s001/comments",
        {"body": "c"},
        201,
    ),
    (
        "GET",
        "/conversations/{conversation_id}/messages",
        "/conversations/cnv_s003/messages",
        None,
        200,
    ),
    (
        "POST",
        "/conversations/{conversation_id}/messages",
        "/conversations/cnv_s003/messages",
        {"body": "r"},
        202,
    ),
    # comments, messages, tags, statuses, events
    ("GET", "/comments/{comment_id}", "/comments/com_s002", None, 200),
    ("PATCH", "/comments/{comment_id}/", "/comments/com_s002/", {"is_pinned": False}, 200),
    ("GET", "/messages/{message_id}", "/messages/msg_s005", None, 200),
    ("GET", "/tags", "/tags?limit=3", None, 200),
    ("POST", "/tags", "/tags", {"name": "spec-tag", "highlight": "blue"}, 201),
    ("GET", "/tags/{tag_id}", "/tags/tag_s004", None, 200),
    ("PATCH", "/tags/{tag_id}", "/tags/tag_s004", {"highlight": "red"}, 204),
    ("DELETE", "/tags/{tag_id}", "/tags/tag_s006", None, 204),
    ("GET", "/tags/{tag_id}/conversations", "/tags/tag_s002/conversations", None, 200),
    ("GET", "/company/statuses", "/company/statuses", None, 200),
    ("GET", "/company/statuses/{status_id}", "/company/statuses/sts_s003", None, 200),
    ("GET", "/events", "/events?limit=15", None, 200),
    ("GET", "/events/{event_id}", "/events/evt_s003", None, 200),
]


@pytest.mark.parametrize(
    ("method", "spec_path", "url", "body", "status"), CALLS, ids=[f"{c[0]} {c[2]}" for c in CALLS]
)
def test_served_endpoint_answers_per_spec(
    spec: Any, client: httpx.Client, method: str, spec_path: str, url: str, body: Any, status: int
) -> None:
    answer = client.request(method, url, json=body)
    assert answer.status_code == status, answer.text
    assert (method, spec_path, status) in spec.seen


# endpoints that need a record made first: exercised by test_link_lifecycle_answers_per_spec
LINK_LIFECYCLE = {
    ("POST", "/conversations/{conversation_id}/links"),
    ("GET", "/links/{link_id}"),
    ("DELETE", "/conversations/{conversation_id}/links"),
}


def test_link_lifecycle_answers_per_spec(spec: Any, client: httpx.Client) -> None:
    url = "https://tracker.example/issues/42"
    added = client.post("/conversations/cnv_s001/links", json={"link_external_urls": [url]})
    assert added.status_code == 204, added.text
    (link,) = client.get("/conversations/cnv_s001").json()["links"]
    assert link["external_url"] == url
    assert client.get(f"/links/{link['id']}").json()["id"] == link["id"]
    removed = client.request(
        "DELETE", "/conversations/cnv_s001/links", json={"link_ids": [link["id"]]}
    )
    assert removed.status_code == 204, removed.text
    assert client.get("/conversations/cnv_s001").json()["links"] == []
    assert {(m, p, 204) for m, p in LINK_LIFECYCLE if m != "GET"} <= spec.seen
    assert ("GET", "/links/{link_id}", 200) in spec.seen


def test_every_event_kind_validates(spec: Any, client: httpx.Client, server: Any) -> None:
    """Each kind of event the sandbox records, read back from /events and /events/{id}."""
    state = server.state
    new = simulate(
        state,
        "inbound", {"inbox_id": "inb_s001", "from": "new@example.com", "body": "Hi"}
    )
    simulate(
        state,
        "inbound",
        {"conversation_id": new["conversation_id"], "from": "new@example.com", "body": "Again"},
    )
    sent = simulate(
        state,
        "outbound", {"inbox_id": "inb_s002", "to": "x@example.com", "body": "Hello"}
    )
    simulate(state, "delivery_failed", {"message_id": sent["message_id"]})
    simulate(state, "snooze", {"conversation_id": "cnv_s002", "teammate_id": "tea_s002"})
    simulate(state, "snooze_expired", {"conversation_id": "cnv_s002"})
    client.post(
        "/conversations/cnv_s003/links", json={"link_external_urls": ["https://t.example/1"]}
    )
    link_id = client.get("/conversations/cnv_s003").json()["links"][0]["id"]
    client.request("DELETE", "/conversations/cnv_s003/links", json={"link_ids": [link_id]})
    client.patch("/conversations/cnv_s004", json={"inbox_id": "inb_s003", "assignee_id": None})
    client.patch("/conversations/cnv_s004", json={"status": "deleted"})
    client.patch("/conversations/cnv_s004", json={"status": "open"})
    client.post("/conversations/cnv_s003/messages", json={"body": "Done"})
    state.merge_conversations("cnv_s006", "cnv_s005")
    kinds: set[str] = set()
    page = client.get("/events", params={"limit": 15})
    while True:
        for event in page.json()["_results"]:
            kinds.add(event["type"])
            assert client.get(f"/events/{event['id']}").status_code == 200
        if not page.json()["_pagination"]["next"]:
            break
        page = client.get(page.json()["_pagination"]["next"])
    expected = {
        "inbound",
        "outbound",
        "out_reply",
        "sending_error",
        "reminder",
        "link_added",
        "link_removed",
        "move",
        "unassign",
        "trash",
        "restore",
        "archive",
        "conversations_merged",
    }
    assert expected <= kinds, sorted(expected - kinds)
    assert ("GET", "/events/{event_id}", 200) in spec.seen


def test_every_served_endpoint_is_exercised_here() -> None:
    called = {(method, path) for method, path, *_ in CALLS} | LINK_LIFECYCLE
    served = {(method, path) for method, path, _ in api_rows()}
    assert served <= called, sorted(served - called)


def test_every_seeded_record_validates(spec: Any, client: httpx.Client) -> None:
    """Fetch each seeded object one by one, so every one is checked against its schema."""
    listings = {
        "/contacts": "/contacts/{}",
        "/accounts": "/accounts/{}",
        "/teammates": "/teammates/{}",
        "/inboxes": "/inboxes/{}",
        "/tags": "/tags/{}",
        "/conversations?q[statuses][]=trashed": "/conversations/{}",
        "/conversations": "/conversations/{}",
    }
    for listing, item in listings.items():
        for record in client.get(listing, params={"limit": 100}).json()["_results"]:
            assert client.get(item.format(record["id"])).status_code == 200
    for message_id in [f"msg_s{n:03d}" for n in range(1, 11)]:
        assert client.get(f"/messages/{message_id}").status_code == 200
    for comment_id in [f"com_s{n:03d}" for n in range(1, 6)]:
        assert client.get(f"/comments/{comment_id}").status_code == 200
    page = client.get("/events", params={"limit": 15})
    while page.json()["_pagination"]["next"]:
        page = client.get(page.json()["_pagination"]["next"])
    assert ("GET", "/events", 200) in spec.seen


def test_error_answers_validate(spec: Any, client: httpx.Client, anon: httpx.Client) -> None:
    assert client.get("/contacts/crd_nobody").status_code == 404
    assert client.get("/contacts?limit=500").status_code == 400
    assert (
        client.post(
            "/contacts",
            json={"handles": [{"source": "email", "handle": "dana@cedarridge.example"}]},
        ).status_code
        == 409
    )
    assert anon.get("/contacts").status_code == 401
    assert client.get("/no/such/route").status_code == 404
    assert client.put("/contacts").status_code == 405
    assert client.get("/conversations/cnv_nope").status_code == 404
    assert client.delete("/conversations/cnv_s001").status_code == 400
    assert client.get("/events?limit=50").status_code == 400


def test_redirect_for_merged_conversation_is_declared(
    spec: Any, client: httpx.Client, server: Any
) -> None:
    server.state.merge_conversations("cnv_s002", "cnv_s001")
    for method, url in [
        ("GET", "/conversations/cnv_s002"),
        ("GET", "/conversations/cnv_s002/comments"),
        ("PATCH", "/conversations/cnv_s002"),
    ]:
        answer = client.request(method, url, json={} if method == "PATCH" else None)
        assert answer.status_code == 301
        path = spec.template(method, url)
        assert "301" in spec.paths[path][method.lower()]["responses"]
