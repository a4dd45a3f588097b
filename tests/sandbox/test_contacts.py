"""Contacts as Front serves them: pages, sorting, filters, aliases, writes, handles."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connector_front.sandbox import SandboxServer
from tests.limits import loose

SEEDED = 12


def _all_pages(client: httpx.Client, url: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    answer = client.get(url, params=params)
    while True:
        assert answer.status_code == 200, answer.text
        body = answer.json()
        results.extend(body["_results"])
        next_url = body["_pagination"]["next"]
        if next_url is None:
            return results
        answer = client.get(next_url)


def test_list_defaults_and_shape(client: httpx.Client, server: SandboxServer) -> None:
    body = client.get("/contacts").json()
    assert len(body["_results"]) == SEEDED
    assert body["_pagination"]["next"] is None
    assert body["_links"]["self"] == f"{server.url}/contacts"
    dana = next(c for c in body["_results"] if c["id"] == "crd_s001")
    assert dana["custom_fields"]["Loyalty tier"] == "Gold"
    assert {"handle": "dana@cedarridge.example", "source": "email"} in dana["handles"]
    assert dana["_links"]["self"] == f"{server.url}/contacts/crd_s001"
    assert isinstance(dana["updated_at"], float)


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"sort_by": "name"}, "sort_by"),
        ({"sort_order": "up"}, "sort_order"),
        ({"q[updated_after]": "yesterday"}, "updated_after"),
        ({"q[updated_after]": "nan"}, "updated_after"),  # float() reads these; Front does not
        ({"q[updated_after]": "inf"}, "updated_after"),
        ({"q[updated_after]": "1e400"}, "updated_after"),
        ({"q[updated_after]": "\u0661"}, "updated_after"),
        ({"page_token": "garbage!"}, "page_token"),
    ],
)
def test_bad_list_parameters_are_400(
    client: httpx.Client, params: dict[str, Any], fragment: str
) -> None:
    answer = client.get("/contacts", params=params)
    assert answer.status_code == 400
    assert fragment in answer.json()["_error"]["message"]


def test_paging_over_a_thousand_contacts_has_no_duplicates(
    client: httpx.Client, admin: httpx.Client, server: SandboxServer
) -> None:
    assert admin.post("/seed/contacts", json={"count": 1000}).json()["created"] == 1000
    params: dict[str, Any] = {"limit": 100, "sort_by": "updated_at", "sort_order": "asc"}
    first = client.get("/contacts", params=params).json()
    next_url = httpx.URL(first["_pagination"]["next"])
    assert str(next_url).startswith(f"{server.url}/contacts?")
    assert next_url.params["limit"] == "100"
    assert next_url.params["sort_by"] == "updated_at"
    assert next_url.params["page_token"]
    results = _all_pages(client, "/contacts", params)
    ids = [c["id"] for c in results]
    assert len(ids) == SEEDED + 1000
    assert len(set(ids)) == len(ids)
    stamps = [c["updated_at"] for c in results]
    assert stamps == sorted(stamps)


def test_extra_contacts_are_deterministic() -> None:
    config = loose(extra_contacts=5)
    first = SandboxServer(config).state.db.contacts
    second = SandboxServer(config).state.db.contacts
    assert list(first) == list(second)
    assert [c.name for c in first.values()] == [c.name for c in second.values()]
    assert len(first) == SEEDED + 5


def test_sort_and_updated_filters(client: httpx.Client) -> None:
    desc = client.get("/contacts", params={"sort_by": "updated_at", "sort_order": "desc"}).json()
    stamps = [c["updated_at"] for c in desc["_results"]]
    assert stamps == sorted(stamps, reverse=True)
    pivot = stamps[4]
    after = client.get("/contacts", params={"q[updated_after]": pivot}).json()["_results"]
    assert sorted(c["updated_at"] for c in after) == sorted(s for s in stamps if s > pivot)
    before = client.get("/contacts", params={"q[updated_before]": pivot}).json()["_results"]
    assert all(c["updated_at"] < pivot for c in before)
    assert len(after) + len(before) == SEEDED - 1
    created = client.get("/contacts", params={"sort_by": "created_at", "sort_order": "asc"})
    assert created.json()["_results"][0]["id"] == "crd_s001"


def test_create_get_update_delete(client: httpx.Client) -> None:
    created = client.post(
        "/contacts",
        json={
            "name": "Nora Quist",
            "description": "New wholesale lead",
            "handles": [
                {"source": "email", "handle": "nora@quist.example"},
                {"source": "phone", "handle": "+15550001111"},
            ],
            "custom_fields": {"VIP": True, "Loyalty tier": "Bronze"},
            "list_names": ["Leads"],
        },
    )
    assert created.status_code == 201
    contact = created.json()
    assert contact["id"].startswith("crd_")
    assert contact["lists"][0]["name"] == "Leads"
    assert client.get(f"/contacts/{contact['id']}").json()["name"] == "Nora Quist"

    patched = client.patch(
        f"/contacts/{contact['id']}",
        json={"description": "Signed", "custom_fields": {"VIP": False}},
    )
    assert patched.status_code == 204
    assert patched.content == b""
    fetched = client.get(f"/contacts/{contact['id']}").json()
    assert fetched["description"] == "Signed"
    assert fetched["custom_fields"] == {"VIP": False}  # the whole object was replaced
    assert fetched["name"] == "Nora Quist"
    assert fetched["updated_at"] >= contact["updated_at"]

    removed = client.delete(f"/contacts/{contact['id']}")
    assert removed.status_code == 204
    assert removed.content == b""
    assert client.get(f"/contacts/{contact['id']}").status_code == 404


def test_patch_without_custom_fields_keeps_them(client: httpx.Client) -> None:
    assert client.patch("/contacts/crd_s001", json={"name": "Dana W."}).status_code == 204
    dana = client.get("/contacts/crd_s001").json()
    assert dana["name"] == "Dana W."
    assert dana["custom_fields"]["Lifetime value"] == 12450.5


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "No handles"}, 400),
        ({"handles": []}, 400),
        ({"handles": [{"source": "fax", "handle": "1"}]}, 400),
        ({"handles": [{"source": "email", "handle": "DANA@cedarridge.example"}]}, 409),
        (
            {
                "handles": [{"source": "email", "handle": "x@y.example"}],
                "custom_fields": {"Nope": 1},
            },
            400,
        ),
        (
            {
                "handles": [{"source": "email", "handle": "x@y.example"}],
                "custom_fields": {"VIP": "yes"},
            },
            400,
        ),
        (
            {
                "handles": [{"source": "email", "handle": "x@y.example"}],
                "custom_fields": {"Loyalty tier": "Platinum"},
            },
            400,
        ),
    ],
)
def test_create_refusals(client: httpx.Client, body: dict[str, Any], status: int) -> None:
    assert client.post("/contacts", json=body).status_code == status


def test_invalid_json_body_is_400(client: httpx.Client) -> None:
    answer = client.post(
        "/contacts", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400


@pytest.mark.parametrize(
    "alias",
    [
        "alt:email:dana@cedarridge.example",
        "alt:email:Dana@CedarRidge.example",
        "alt:phone:+15035550101",
    ],
)
def test_aliases_find_the_contact(client: httpx.Client, alias: str) -> None:
    answer = client.get(f"/contacts/{alias}")
    assert answer.status_code == 200
    assert answer.json()["id"] == "crd_s001"


def test_alias_works_for_writes_and_unknown_alias_is_404(client: httpx.Client) -> None:
    assert (
        client.patch(
            "/contacts/alt:email:hannah.kim@summittrail.example", json={"name": "H. Kim"}
        ).status_code
        == 204
    )
    assert client.get("/contacts/crd_s003").json()["name"] == "H. Kim"
    assert client.get("/contacts/alt:email:nobody@nowhere.example").status_code == 404
    assert client.get("/contacts/crd_missing").status_code == 404


def test_handles_add_and_remove(client: httpx.Client) -> None:
    added = client.post(
        "/contacts/crd_s007/handles", json={"source": "phone", "handle": "+15550002222"}
    )
    assert added.status_code == 204
    assert client.get("/contacts/alt:phone:+15550002222").json()["id"] == "crd_s007"
    taken = client.post(
        "/contacts/crd_s007/handles", json={"source": "email", "handle": "dana@cedarridge.example"}
    )
    assert taken.status_code == 409
    removed = client.request(
        "DELETE", "/contacts/crd_s007/handles", json={"source": "phone", "handle": "+15550002222"}
    )
    assert removed.status_code == 204
    assert client.get("/contacts/alt:phone:+15550002222").status_code == 404
    missing = client.request(
        "DELETE", "/contacts/crd_s007/handles", json={"source": "phone", "handle": "+1"}
    )
    assert missing.status_code == 404


def test_last_handle_needs_force(client: httpx.Client) -> None:
    last = {"source": "phone", "handle": "+17205550199"}
    refused = client.request("DELETE", "/contacts/crd_s012/handles", json=last)
    assert refused.status_code == 400
    forced = client.request("DELETE", "/contacts/crd_s012/handles", json={**last, "force": True})
    assert forced.status_code == 204
    assert client.get("/contacts/crd_s012").status_code == 404


def test_contact_custom_field_definitions(client: httpx.Client) -> None:
    fields = client.get("/contacts/custom_fields").json()["_results"]
    by_name = {f["name"]: f for f in fields}
    assert by_name["Loyalty tier"]["type"] == "enum"
    assert [v["value"] for v in by_name["Loyalty tier"]["values"]] == [
        "Bronze",
        "Silver",
        "Gold",
        "Summit",
    ]
    assert by_name["VIP"]["type"] == "boolean"
    assert client.get("/custom_fields").json()["_results"] == fields


def test_public_url_is_used_in_links() -> None:
    config = loose(public_url="https://front.sandbox.example/")
    with SandboxServer(config) as server, httpx.Client(base_url=server.url) as http:
        headers = {"authorization": "Bearer sandbox-api-token"}
        body = http.get("/contacts", params={"limit": 5}, headers=headers).json()
        assert body["_links"]["self"] == "https://front.sandbox.example/contacts?limit=5"
        assert body["_pagination"]["next"].startswith(
            "https://front.sandbox.example/contacts?limit=5&page_token="
        )
        assert body["_results"][0]["_links"]["self"].startswith(
            "https://front.sandbox.example/contacts/"
        )
