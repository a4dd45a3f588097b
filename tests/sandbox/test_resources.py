"""Accounts, teammates, teams, inboxes, tags, ticket statuses and custom field lists."""

from __future__ import annotations

import httpx
import pytest


def test_accounts_list_sort_and_pages(client: httpx.Client) -> None:
    body = client.get(
        "/accounts", params={"sort_by": "updated_at", "sort_order": "desc", "limit": 3}
    ).json()
    assert [a["id"] for a in body["_results"]] == ["acc_s003", "acc_s001", "acc_s002"]
    rest = client.get(body["_pagination"]["next"]).json()
    assert [a["id"] for a in rest["_results"]] == ["acc_s004"]
    assert rest["_pagination"]["next"] is None


@pytest.mark.parametrize(
    "alias",
    [
        "acc_s003",
        "alt:domain:summit-coop.example",
        "alt:domain:SummitTrail.example",
        "alt:ext_id:CRM-1003",
    ],
)
def test_account_aliases(client: httpx.Client, alias: str) -> None:
    assert client.get(f"/accounts/{alias}").json()["id"] == "acc_s003"


def test_account_crud(client: httpx.Client) -> None:
    created = client.post(
        "/accounts",
        json={
            "name": "Granite Peak Rentals",
            "domains": ["granitepeak.example"],
            "external_id": "CRM-2001",
            "custom_fields": {"Plan": "Retail", "Region": "Sierra"},
        },
    )
    assert created.status_code == 201
    account = created.json()
    patched = client.patch(
        f"/accounts/{account['id']}", json={"custom_fields": {"Plan": "Wholesale"}}
    )
    assert patched.status_code == 200
    assert patched.json()["custom_fields"] == {"Plan": "Wholesale"}
    assert patched.json()["name"] == "Granite Peak Rentals"
    assert client.get("/accounts/alt:ext_id:CRM-2001").json()["id"] == account["id"]
    assert client.delete(f"/accounts/{account['id']}").status_code == 204
    assert client.get(f"/accounts/{account['id']}").status_code == 404


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"domains": ["x.example"]}, 400),
        ({"name": "Dup", "domains": ["CEDARRIDGE.example"]}, 409),
        ({"name": "Dup", "external_id": "CRM-1001"}, 409),
        ({"name": "Bad", "custom_fields": {"Plan": "Free"}}, 400),
    ],
)
def test_account_refusals(client: httpx.Client, body: dict[str, object], status: int) -> None:
    assert client.post("/accounts", json=body).status_code == status


def test_account_contacts(client: httpx.Client) -> None:
    ids = {c["id"] for c in client.get("/accounts/acc_s001/contacts").json()["_results"]}
    assert ids == {"crd_s001", "crd_s008"}


def test_teammates(client: httpx.Client) -> None:
    people = client.get("/teammates").json()["_results"]
    assert [t["id"] for t in people] == [f"tea_s00{n}" for n in range(1, 7)]
    maya = client.get("/teammates/alt:email:MAYA.OKAFOR@larkspur.example").json()
    assert (maya["id"], maya["is_admin"], maya["custom_fields"]["Location"]) == (
        "tea_s001",
        True,
        "Portland",
    )
    assert (
        client.patch(
            "/teammates/tea_s005",
            json={"is_available": True, "custom_fields": {"Location": "Lyon"}},
        ).status_code
        == 204
    )
    elise = client.get("/teammates/tea_s005").json()
    assert (elise["is_available"], elise["custom_fields"]) == (True, {"Location": "Lyon"})
    assert (
        client.patch("/teammates/tea_s005", json={"custom_fields": {"Shoe size": 9}}).status_code
        == 400
    )


def test_teams(client: httpx.Client) -> None:
    teams = client.get("/teams").json()["_results"]
    assert [(t["id"], t["name"]) for t in teams] == [
        ("tim_s001", "Customer Care"),
        ("tim_s002", "Wholesale"),
    ]
    team = client.get("/teams/tim_s002").json()
    assert [i["id"] for i in team["inboxes"]] == ["inb_s003", "inb_s004"]
    assert [m["id"] for m in team["members"]] == ["tea_s001", "tea_s004", "tea_s006"]
    assert client.get("/teams/tim_nope").status_code == 404


def test_inboxes(client: httpx.Client) -> None:
    assert [i["name"] for i in client.get("/inboxes").json()["_results"]] == [
        "Support",
        "Returns",
        "Wholesale Orders",
        "Billing",
    ]
    members = client.get("/inboxes/inb_s002/teammates").json()["_results"]
    assert [m["id"] for m in members] == ["tea_s002", "tea_s003"]
    created = client.post("/inboxes", json={"name": "Warranty", "teammate_ids": ["tea_s003"]})
    assert created.status_code == 201
    inbox = created.json()
    assert inbox["_links"]["related"]["owner"].endswith("/teams/tim_s001")
    team_inbox = client.post(
        "/teams/tim_s002/inboxes", json={"name": "Partners", "is_public": False}
    ).json()
    assert team_inbox["is_public"] is False
    assert team_inbox["id"] in [
        i["id"] for i in client.get("/teams/tim_s002/inboxes").json()["_results"]
    ]
    assert client.post("/inboxes", json={"name": "Support"}).status_code == 409
    assert client.post("/inboxes", json={}).status_code == 400


def test_tags(client: httpx.Client) -> None:
    listed = client.get("/tags").json()["_results"]
    assert [t["name"] for t in listed][:3] == ["urgent", "refund", "vip"]
    created = client.post("/tags", json={"name": "warranty", "highlight": "yellow"})
    assert created.status_code == 201
    tag = created.json()
    assert client.post("/tags", json={"name": "warranty"}).status_code == 409
    assert client.post("/tags", json={"name": "x", "highlight": "neon"}).status_code == 400
    assert client.patch(f"/tags/{tag['id']}", json={"name": "warranty-claim"}).status_code == 204
    assert client.get(f"/tags/{tag['id']}").json()["name"] == "warranty-claim"
    assert client.delete("/tags/tag_s002").status_code == 204
    assert "tag_s002" not in [t["id"] for t in client.get("/conversations/cnv_s004").json()["tags"]]


def test_ticket_statuses(client: httpx.Client) -> None:
    statuses = client.get("/company/statuses").json()["_results"]
    assert [(s["name"], s["category"]) for s in statuses] == [
        ("Open", "open"),
        ("In progress", "open"),
        ("Waiting on customer", "waiting"),
        ("On hold", "waiting"),
        ("Resolved", "resolved"),
    ]
    assert client.get("/company/statuses/sts_s005").json()["category"] == "resolved"


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("/accounts/custom_fields", ["Plan", "Annual spend", "Region"]),
        ("/teammates/custom_fields", ["Location", "Languages"]),
        ("/conversations/custom_fields", ["Priority", "Order number", "Escalated"]),
        ("/inboxes/custom_fields", ["Queue owner", "SLA hours"]),
    ],
)
def test_custom_field_lists(client: httpx.Client, path: str, names: list[str]) -> None:
    assert [f["name"] for f in client.get(path).json()["_results"]] == names


def test_contact_conversations(client: httpx.Client) -> None:
    ids = [
        c["id"]
        for c in client.get("/contacts/alt:email:dana@cedarridge.example/conversations").json()[
            "_results"
        ]
    ]
    assert ids == ["cnv_s001"]
