"""Every operation of every model, sent to a mock server generated from Front's spec.

Prism answers a request that breaks the spec with a 422 (or 400/404/405/415 for bad paths,
methods or content types); the connector turns those into errors, so an operation that
completes had every request it sent accepted. The harness tests prove Prism does reject.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from connector_front.connection import Connection
from connector_front.connector import FrontConnector
from connector_front.settings import ConnectorSettings

pytestmark = pytest.mark.contract


def ref(model: str, record_id: str) -> dict[str, str]:
    return {"object": "resourceRef", "model": model, "id": record_id}


Case = Callable[[Connection], Awaitable[Any]]

CASES: dict[str, Case] = {
    # genericContact
    "genericContact::list": lambda c: c.resources("genericContact").list(
        limit=25, filters={"updatedAfter": "2024-01-01T00:00:00Z"}
    ),
    "genericContact::retrieve": lambda c: c.resources("genericContact").retrieve("crd_123"),
    "genericContact::retrieve alias": lambda c: c.resources("genericContact").retrieve(
        "alt:email:dwight@example.com"
    ),
    "genericContact::create": lambda c: c.resources("genericContact").create(
        {
            "firstName": "Ada",
            "lastName": "King",
            "email": "ada@example.com",
            "phoneNumber": "+15555550100",
            "description": "x",
            "tier": "Enterprise",
        }
    ),
    "genericContact::update": lambda c: c.resources("genericContact").update(
        "crd_123", {"lastName": "Lovelace", "email": "new@example.com", "tier": "Enterprise"}
    ),
    "genericContact::delete": lambda c: c.resources("genericContact").delete("crd_123"),
    "genericContact custom fields": lambda c: c.resources("genericContact").custom_fields(),
    # genericCompany
    "genericCompany::list": lambda c: c.resources("genericCompany").list(limit=10),
    "genericCompany::list updatedAfter": lambda c: c.resources("genericCompany").list(
        limit=10, filters={"updatedAfter": "2024-01-01T00:00:00Z"}
    ),
    "genericCompany::retrieve": lambda c: c.resources("genericCompany").retrieve("acc_123"),
    "genericCompany::retrieve alias": lambda c: c.resources("genericCompany").retrieve(
        "alt:domain:example.com"
    ),
    "genericCompany::create": lambda c: c.resources("genericCompany").create(
        {"name": "Acme", "description": "d", "domains": ["acme.example"]}
    ),
    "genericCompany::update": lambda c: c.resources("genericCompany").update(
        "acc_123", {"name": "Acme Two", "plan": "Enterprise"}
    ),
    "genericCompany::delete": lambda c: c.resources("genericCompany").delete("acc_123"),
    "genericCompany custom fields": lambda c: c.resources("genericCompany").custom_fields(),
    # genericUser
    "genericUser::list": lambda c: c.resources("genericUser").list(),
    "genericUser::retrieve": lambda c: c.resources("genericUser").retrieve("tea_123"),
    "genericUser::retrieve by email": lambda c: c.resources("genericUser").retrieve(
        "leela@example.com"
    ),
    "genericUser::update": lambda c: c.resources("genericUser").update(
        "tea_123", {"username": "leela", "isAvailable": False, "firstName": "Turanga"}
    ),
    "genericUser custom fields": lambda c: c.resources("genericUser").custom_fields(),
    # genericWorkspace
    "genericWorkspace::list": lambda c: c.resources("genericWorkspace").list(),
    "genericWorkspace::retrieve": lambda c: c.resources("genericWorkspace").retrieve("tim_123"),
    # ticketProject
    "ticketProject::list": lambda c: c.resources("ticketProject").list(limit=5),
    "ticketProject::retrieve": lambda c: c.resources("ticketProject").retrieve("inb_123"),
    "ticketProject::create": lambda c: c.resources("ticketProject").create(
        {"name": "Escalations", "members": [ref("genericUser", "tea_123")]}
    ),
    "ticketProject::create in workspace": lambda c: c.resources("ticketProject").create(
        {"name": "Escalations", "workspace": ref("genericWorkspace", "tim_123")}
    ),
    "ticketProject custom fields": lambda c: c.resources("ticketProject").custom_fields(),
    # ticketIssue
    "ticketIssue::list": lambda c: c.resources("ticketIssue").list(limit=10),
    "ticketIssue::list filtered": lambda c: c.resources("ticketIssue").list(
        filters={
            "project": "inb_123",
            "status": "inProgress",
            "assignee": "tea_123",
            "tag": "tag_123",
            "updatedAfter": "1700000000",
            "search": "lost shipment",
        }
    ),
    "ticketIssue::retrieve": lambda c: c.resources("ticketIssue").retrieve("cnv_123"),
    "ticketIssue::create": lambda c: c.resources("ticketIssue").create(
        {
            "title": "Broken buckle",
            "description": "Customer reports a broken buckle",
            "project": ref("ticketProject", "inb_123"),
            "assignee": ref("genericUser", "tea_123"),
            "tags": ["tag_123"],
            "status": "inProgress",
            "priority": "Enterprise",
        }
    ),
    "ticketIssue::update status and assignee": lambda c: c.resources("ticketIssue").update(
        "cnv_123", {"status": "closed", "assignee": ref("genericUser", "tea_456")}
    ),
    "ticketIssue::update move and replace tags": lambda c: c.resources("ticketIssue").update(
        "cnv_123",
        {
            "project": ref("ticketProject", "inb_456"),
            "tags": ["tag_1", "tag_2"],
            "priority": "Enterprise",
        },
    ),
    "ticketIssue::update add and remove tags": lambda c: c.resources("ticketIssue").update(
        "cnv_123", {"tags": {"add": ["tag_1"], "remove": ["tag_2"]}}
    ),
    "ticketIssue::delete": lambda c: c.resources("ticketIssue").delete("cnv_123"),
    "ticketIssue::delete permanently": lambda c: c.resources("ticketIssue").delete(
        "cnv_123", permanent=True
    ),
    "ticketIssue custom fields": lambda c: c.resources("ticketIssue").custom_fields(),
    # ticketComment
    "ticketComment::list": lambda c: c.resources("ticketComment").list(
        filters={"issue": "cnv_123"}
    ),
    "ticketComment::retrieve comment": lambda c: c.resources("ticketComment").retrieve("com_1"),
    "ticketComment::retrieve message": lambda c: c.resources("ticketComment").retrieve("msg_1"),
    "ticketComment::create internal": lambda c: c.resources("ticketComment").create(
        {
            "issue": ref("ticketIssue", "cnv_123"),
            "content": "checked the stock",
            "author": ref("genericUser", "tea_123"),
        }
    ),
    "ticketComment::create public reply": lambda c: c.resources("ticketComment").create(
        {"issue": ref("ticketIssue", "cnv_123"), "content": "We are on it", "isInternal": False}
    ),
    "ticketComment::update": lambda c: c.resources("ticketComment").update(
        "com_1", {"content": "edited"}
    ),
}


@pytest.fixture
async def prism_connection(prism_url: str, tmp_path: Path) -> AsyncIterator[Connection]:
    settings = ConnectorSettings(
        api_base=prism_url,
        api_token="contract-test-token",
        database=str(tmp_path / "contract.sqlite3"),
        max_attempts=1,
        # Prism answers every custom field listing with the spec's example: one enum field,
        # "Customer plan", whose one value is "Enterprise"; mapped keys are checked against it
        field_mapping={
            "genericContact": {"tier": "Customer plan"},
            "genericCompany": {"plan": "Customer plan"},
            "ticketIssue": {"priority": "Customer plan"},
        },
    )
    async with FrontConnector(settings) as connector:
        yield connector.connection("contract")


def test_every_supported_operation_has_a_case(tmp_path: Path) -> None:
    covered = {name.split(" ")[0] for name in CASES}
    settings = ConnectorSettings(api_token="x", database=str(tmp_path / "c.sqlite3"))
    manifest = FrontConnector(settings).manifest()
    supported = {op.id for m in manifest.models for op in m.operations if op.supported}
    assert supported <= covered, f"no contract case for {sorted(supported - covered)}"


@pytest.mark.parametrize("case", list(CASES))
async def test_operation_is_accepted_by_front_spec(prism_connection: Connection, case: str) -> None:
    await CASES[case](prism_connection)
