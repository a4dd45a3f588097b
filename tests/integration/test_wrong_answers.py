"""Answers that used to be wrong: status filters, silent drops, the order of checks."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connector_front.dev.embedded import EmbeddedSandbox
from connector_front.errors import InvalidInputError
from tests.conftest import Host
from tests.limits import loose

OWNER = "acme"
STATUSES = ("open", "inProgress", "onHold", "closed")


def ref(model: str, record_id: str) -> dict[str, str]:
    return {"object": "resourceRef", "model": model, "id": record_id}


# -- 1. a status filter returns that status only -------------------------------------------


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("search", [None, "the"], ids=["list", "search"])
async def test_status_filter_returns_only_that_status(
    embedded: EmbeddedSandbox, status: str, search: str | None
) -> None:
    assert embedded.connector is not None
    issues = embedded.connector.connection(OWNER).resources("ticketIssue")
    filters = {"status": status, **({"search": search} if search else {})}
    page = await issues.list(filters=filters, limit=100)
    everything = await issues.list(
        limit=100, filters={"search": search} if search else None, omit=["project"]
    )  # one page holds them all
    assert everything.next is None
    expected = sorted(i.id for i in everything.data if i.fields["status"] == status)
    assert sorted(i.id for i in page.data) == expected
    assert [i.fields["status"] for i in page.data] == [status] * len(page.data)


def test_in_progress_over_http_leaves_on_hold_out(host: Host) -> None:
    with host.client() as http:
        answer = http.get("/resources/ticketIssue", params={"status": "inProgress"})
        on_hold = http.get("/resources/ticketIssue/cnv_s003").json()
    assert answer.status_code == 200, answer.text
    assert on_hold["fields"]["status"] == "onHold"  # assigned, in a "waiting" status
    statuses = {record["id"]: record["fields"]["status"] for record in answer.json()["data"]}
    assert statuses and set(statuses.values()) == {"inProgress"}
    assert "cnv_s003" not in statuses


# -- 2. a write the connector cannot carry out is a 400, never a silent success ------------


async def test_unmapped_priority_is_refused_not_dropped(tmp_path: Any) -> None:
    async with EmbeddedSandbox(tmp_path / "c.sqlite3") as env:  # no field mapping at all
        assert env.connector is not None
        from connector_front.dev.embedded import connect_owner

        await connect_owner(env.connector, OWNER)
        issues = env.connector.connection(OWNER).resources("ticketIssue")
        with pytest.raises(InvalidInputError) as caught:
            await issues.update("cnv_s001", {"priority": "High"})
        assert caught.value.fields == ["fields.priority"]
        assert "field_mapping.ticketIssue" in caught.value.message
        with pytest.raises(InvalidInputError) as created:
            await issues.create(
                {
                    "title": "t",
                    "description": "d",
                    "project": ref("ticketProject", "inb_s001"),
                    "priority": "High",
                }
            )
        assert created.value.fields == ["fields.priority"]


def test_unmapped_priority_over_http_is_400(tmp_path: Any) -> None:
    from connector_front.dev.embedded import connect_owner, sandbox_settings
    from connector_front.host import create_app, load_connector
    from connector_front.host.server import BackgroundServer
    from connector_front.sandbox import SandboxServer

    config = loose()
    with SandboxServer(config) as sandbox:
        connector = load_connector(
            "front", sandbox_settings(sandbox, config, tmp_path / "h.sqlite3")
        )

        async def authorize(plugin: Any) -> None:
            await connect_owner(plugin, OWNER)

        app = create_app(connector, default_owner=OWNER, on_startup=authorize)
        with BackgroundServer(app) as server:
            httpx.delete(f"{sandbox.url}/_sandbox/requests")
            answer = httpx.patch(
                f"{server.url}/resources/ticketIssue/cnv_s001",
                json={"fields": {"priority": "High"}},
            )
            sent = httpx.get(f"{sandbox.url}/_sandbox/requests").json()
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["details"]["fields"] == ["fields.priority"]
    assert [r for r in sent if r["method"] != "GET"] == []


@pytest.mark.parametrize(
    ("fields", "at_fault"),
    [
        ({"project": None}, "fields.project"),
        ({"status": None}, "fields.status"),
        ({"tags": None}, "fields.tags"),
    ],
)
async def test_issue_update_refuses_nulls_front_cannot_apply(
    embedded: EmbeddedSandbox, fields: dict[str, Any], at_fault: str
) -> None:
    assert embedded.connector is not None
    issues = embedded.connector.connection(OWNER).resources("ticketIssue")
    with pytest.raises(InvalidInputError) as caught:
        await issues.update("cnv_s001", fields)
    assert at_fault in caught.value.fields


# -- 3. unknown model 404, unsupported 405, not granted 403, then validation ----------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/resources/genericUser", {"fields": {"nonsense": 1}}),
        ("POST", "/resources/genericUser", {"not": "fields"}),
        ("POST", "/resources/genericUser", "not an object"),
        ("PATCH", "/resources/genericWorkspace/tim_s001", {"fields": {"bogus": True}}),
        ("DELETE", "/resources/ticketComment/com_s001", None),
    ],
)
def test_unsupported_operation_is_405_whatever_the_body(
    host: Host, method: str, path: str, body: Any
) -> None:
    with host.client() as http:
        answer = http.request(method, path, json=body)
    assert answer.status_code == 405, answer.text
    assert method not in answer.headers["allow"]
    assert answer.json()["error"]["code"] == "not_supported"


def test_unknown_model_is_404_before_anything(host: Host) -> None:
    with host.client() as http:
        answer = http.request("POST", "/resources/noSuchModel", content=b"{oops")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


async def test_not_granted_comes_before_validation(embedded: EmbeddedSandbox) -> None:
    assert embedded.connector is not None
    from connector_front.errors import OperationNotGrantedError

    connection = embedded.connector.connection("narrow")
    await connection.create(["genericContact::list"])
    contacts = connection.resources("genericContact")
    with pytest.raises(OperationNotGrantedError):
        await contacts.create({"unknownField": 1})
    with pytest.raises(OperationNotGrantedError):
        await connection.resources("genericCompany").list(limit=1000)
