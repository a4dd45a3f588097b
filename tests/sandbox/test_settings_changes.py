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
        ("update", {"kind": "teams", "id": "tim_s001", "set": {"id": "z"}}, 400, "cannot set id"),
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


# -- custom fields, as an admin changes them in Front's settings ----------------------------


def _contact_fields(client: httpx.Client) -> dict[str, dict[str, object]]:
    return {f["id"]: f for f in client.get("/contacts/custom_fields").json()["_results"]}


def test_a_custom_field_created_is_listed_and_takes_values(
    client: httpx.Client, admin: httpx.Client
) -> None:
    new = {"target": "contact", "name": "Segment", "type": "enum", "values": ["Retail", "B2B"]}
    created = admin.post("/records/create", json={"kind": "custom_fields", "set": new})
    assert created.status_code == 201, created.text
    field = _contact_fields(client)[created.json()["id"]]
    assert field["name"] == "Segment" and field["type"] == "enum"
    assert field["values"] == [
        {"value": "Retail", "label": "Retail"},
        {"value": "B2B", "label": "B2B"},
    ]
    written = client.post(
        "/contacts",
        json={
            "handles": [{"source": "email", "handle": "s@x.example"}],
            "custom_fields": {"Segment": "B2B"},
        },
    )
    assert written.status_code == 201 and written.json()["custom_fields"] == {"Segment": "B2B"}
    refused = client.patch(
        f"/contacts/{written.json()['id']}", json={"custom_fields": {"Segment": "x"}}
    )
    assert refused.status_code == 400


def test_a_renamed_custom_field_keeps_its_id_and_its_values_move_to_the_new_name(
    client: httpx.Client, admin: httpx.Client
) -> None:
    holder = next(
        c
        for c in client.get("/contacts").json()["_results"]
        if "Loyalty tier" in c["custom_fields"]
    )
    value = holder["custom_fields"]["Loyalty tier"]
    renamed = admin.post(
        "/records/update",
        json={"kind": "custom_fields", "id": "fld_s001", "set": {"name": "Rewards tier"}},
    )
    assert renamed.status_code == 200 and renamed.json() == {
        "kind": "custom_fields",
        "id": "fld_s001",
    }
    assert _contact_fields(client)["fld_s001"]["name"] == "Rewards tier"
    after = client.get(f"/contacts/{holder['id']}").json()["custom_fields"]
    assert after.get("Rewards tier") == value and "Loyalty tier" not in after
    old_name = client.patch(
        f"/contacts/{holder['id']}", json={"custom_fields": {"Loyalty tier": "Gold"}}
    )
    assert old_name.status_code == 400 and "Unknown custom field" in old_name.text


def test_a_deleted_custom_field_is_gone_with_its_values(
    client: httpx.Client, admin: httpx.Client
) -> None:
    holder = next(
        c
        for c in client.get("/conversations").json()["_results"]
        if "Priority" in c["custom_fields"]
    )
    deleted = admin.post("/records/delete", json={"kind": "custom_fields", "id": "fld_s031"})
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True
    listed = client.get("/conversations/custom_fields").json()["_results"]
    assert "fld_s031" not in [f["id"] for f in listed]
    assert "Priority" not in client.get(f"/conversations/{holder['id']}").json()["custom_fields"]


def test_enum_choices_and_descriptions_change(client: httpx.Client, admin: httpx.Client) -> None:
    changed = admin.post(
        "/records/update",
        json={
            "kind": "custom_fields",
            "id": "fld_s011",
            "set": {"values": ["Retail", "Online"], "description": "Sales plan"},
        },
    )
    assert changed.status_code == 200, changed.text
    plan = {f["id"]: f for f in client.get("/accounts/custom_fields").json()["_results"]}[
        "fld_s011"
    ]
    assert [v["value"] for v in plan["values"]] == ["Retail", "Online"] and plan[
        "description"
    ] == "Sales plan"


@pytest.mark.parametrize(
    ("path", "body", "status", "says"),
    [
        ("create", {"target": "robot", "name": "X", "type": "string"}, 400, "target must be"),
        ("create", {"target": "contact", "name": "X", "type": "color"}, 400, "type must be"),
        ("create", {"target": "contact", "name": "VIP", "type": "boolean"}, 409, "exists"),
        ("create", {"target": "contact", "name": "X", "type": "enum"}, 400, "needs values"),
        ("create", {"target": "contact", "name": "X", "type": "string", "values": ["a"]},
         400, "only enum"),
        ("update", {"id": "fld_s002", "set": {"name": "Loyalty tier"}}, 409, "exists"),
        ("update", {"id": "fld_s002", "set": {"type": "string"}}, 400, "cannot set type"),
        ("update", {"id": "fld_nope", "set": {"name": "x"}}, 404, "No custom field"),
        ("delete", {"id": "fld_nope"}, 404, "No custom field"),
    ],
)  # fmt: skip
def test_bad_custom_field_changes_are_refused_with_a_reason(
    admin: httpx.Client, path: str, body: dict[str, object], status: int, says: str
) -> None:
    if path == "create":
        body = {"set": body}
    answer = admin.post(f"/records/{path}", json={"kind": "custom_fields", **body})
    assert answer.status_code == status, answer.text
    assert says in answer.text
