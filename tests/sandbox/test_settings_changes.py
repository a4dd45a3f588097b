"""Changes a person makes in Front's settings, made through the sandbox's control routes."""

from __future__ import annotations

import httpx
import pytest


def test_an_inbox_renamed_then_deleted(client: httpx.Client, admin: httpx.Client) -> None:
    inbox = client.get("/inboxes").json()["_results"][0]["id"]
    renamed = admin.post(
        "/records/update", json={"kind": "inboxes", "id": inbox, "set": {"name": "New"}}
    )
    assert renamed.status_code == 200 and renamed.json() == {"kind": "inboxes", "id": inbox}
    assert client.get(f"/inboxes/{inbox}").json()["name"] == "New"
    deleted = admin.post("/records/delete", json={"kind": "inboxes", "id": inbox})
    assert deleted.status_code == 200
    assert client.get(f"/inboxes/{inbox}").status_code == 404
    assert inbox not in [i["id"] for i in client.get("/inboxes").json()["_results"]]


def test_teams_and_teammates_created(client: httpx.Client, admin: httpx.Client) -> None:
    team = admin.post("/records/create", json={"kind": "teams", "set": {"name": "Ops"}})
    assert team.status_code == 201
    assert team.json()["id"] in [t["id"] for t in client.get("/teams").json()["_results"]]
    person = {"email": "new@x.example", "username": "new", "first_name": "N", "last_name": "W"}
    mate = admin.post("/records/create", json={"kind": "teammates", "set": person})
    assert mate.status_code == 201
    assert client.get(f"/teammates/{mate.json()['id']}").json()["email"] == "new@x.example"


@pytest.mark.parametrize(
    ("path", "body", "status", "says"),
    [
        ("update", {"kind": "tags", "id": "x", "set": {"name": "y"}}, 400, "kind must be"),
        ("update", {"kind": "inboxes", "id": "inb_nope", "set": {"name": "y"}}, 404, "No inboxes"),
        ("update", {"kind": "teams", "id": "tim_s001", "set": {"id": "z"}}, 400, "cannot change"),
        ("update", {"kind": "teams", "id": "tim_s001", "set": {"name": ""}}, 400, "non-empty"),
        ("create", {"kind": "teammates", "set": {"username": "x"}}, 400, "needs"),
        ("delete", {"kind": "teams"}, 404, "No teams"),
    ],
)
def test_bad_changes_are_refused_with_a_reason(
    admin: httpx.Client, path: str, body: dict[str, object], status: int, says: str
) -> None:
    answer = admin.post(f"/records/{path}", json=body)
    assert answer.status_code == status, answer.text
    assert says in answer.text
