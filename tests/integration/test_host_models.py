"""Every model through the reference host over HTTP, on the sandbox Front."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Host


def ref(model: str, record_id: str) -> dict[str, str]:
    return {"object": "resourceRef", "model": model, "id": record_id}


@pytest.mark.parametrize(
    ("model", "record_id"),
    [
        ("genericCompany", "acc_s001"),
        ("genericUser", "tea_s001"),
        ("genericWorkspace", "tim_s001"),
        ("ticketProject", "inb_s001"),
        ("ticketIssue", "cnv_s001"),
        ("ticketComment", "com_s001"),
        ("ticketComment", "msg_s001"),
    ],
)
def test_list_and_retrieve_every_model(host: Host, model: str, record_id: str) -> None:
    with host.client() as http:
        params = {"issue": "cnv_s001"} if model == "ticketComment" else {}
        listed = http.get(f"/resources/{model}", params=params)
        assert listed.status_code == 200, listed.text
        assert listed.json()["data"], f"{model}: empty listing"
        one = http.get(f"/resources/{model}/{record_id}")
        assert one.status_code == 200, one.text
        assert one.json()["id"] == record_id and one.json()["model"] == model


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/resources/genericUser", "GET, HEAD"),
        ("DELETE", "/resources/genericUser/tea_s001", "GET, HEAD, PATCH"),
        ("POST", "/resources/genericWorkspace", "GET, HEAD"),
        ("PATCH", "/resources/genericWorkspace/tim_s001", "GET, HEAD"),
        ("DELETE", "/resources/genericWorkspace/tim_s001", "GET, HEAD"),
        ("PATCH", "/resources/ticketProject/inb_s001", "GET, HEAD"),
        ("DELETE", "/resources/ticketProject/inb_s001", "GET, HEAD"),
        ("DELETE", "/resources/ticketComment/com_s001", "GET, HEAD, PATCH"),
    ],
)
def test_unsupported_cells_are_405_allowing_what_the_document_lists(
    host: Host, method: str, path: str, allow: str
) -> None:
    httpx.delete(f"{host.sandbox_url}/_sandbox/requests")
    with host.client() as http:
        answer = http.request(method, path, json={"fields": {}})
        document = http.get("/openapi.json").json()
    assert answer.status_code == 405
    assert answer.json()["error"]["code"] == "not_supported"
    assert "not supported by Front" in answer.json()["error"]["message"]
    assert answer.headers["allow"] == allow
    template = path if path.count("/") == 2 else path.rsplit("/", 1)[0] + "/{id}"
    documented = {m.upper() for m in document["paths"].get(template, {})}
    assert method not in documented and set(allow.split(", ")) - {"HEAD"} == documented
    assert httpx.get(f"{host.sandbox_url}/_sandbox/requests").json() == []


def test_ticket_flow_over_http(host: Host) -> None:
    with host.client() as http:
        created = http.post(
            "/resources/ticketIssue",
            json={
                "fields": {
                    "title": "Lost parcel",
                    "description": "Tracking stuck for 9 days",
                    "project": ref("ticketProject", "inb_s001"),
                    "priority": "Low",
                }
            },
        )
        assert created.status_code == 201, created.text
        issue = created.json()
        comment = http.post(
            "/resources/ticketComment",
            json={"fields": {"issue": ref("ticketIssue", issue["id"]), "content": "asked carrier"}},
        )
        assert comment.status_code == 201, comment.text
        updated = http.patch(
            f"/resources/ticketIssue/{issue['id']}",
            json={"fields": {"status": "inProgress", "assignee": ref("genericUser", "tea_s003")}},
        )
        assert updated.status_code == 200, updated.text
        assert updated.json()["fields"]["status"] == "inProgress"
        comments = http.get("/resources/ticketComment", params={"issue": issue["id"]}).json()
        assert comment.json()["id"] in [c["id"] for c in comments["data"]]
        trashed = http.delete(f"/resources/ticketIssue/{issue['id']}")
        assert trashed.status_code == 204


def test_custom_field_definitions_route(host: Host) -> None:
    with host.client() as http:
        answer = http.get("/resources/ticketIssue/custom-fields")
    assert answer.status_code == 200, answer.text
    names = [d["name"] for d in answer.json()["data"]]
    assert "Priority" in names


def test_custom_model_through_the_same_routes(host: Host) -> None:
    with host.client() as http:
        manifest = http.get("/connectors/front").json()
        tag_model = next(m for m in manifest["models"] if m["model"] == "frontTag")
        assert {op["operation"]: op["supported"] for op in tag_model["operations"]} == {
            "list": True,
            "retrieve": True,
            "create": True,
            "update": False,
            "delete": False,
        }
        created = http.post(
            "/resources/frontTag", json={"fields": {"name": "warranty", "color": "red"}}
        )
        assert created.status_code == 201, created.text
        fetched = http.get(f"/resources/frontTag/{created.json()['id']}")
        assert fetched.json()["fields"]["name"] == "warranty"
        refused = http.delete(f"/resources/frontTag/{created.json()['id']}")
        assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD"
