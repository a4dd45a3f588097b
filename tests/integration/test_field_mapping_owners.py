"""Each owner maps the host's declared keys onto its own Front custom fields, over real HTTP
on a sandbox Front: reads and writes follow the owner's mapping (then the host's default), a
rename in Front follows (held by id), a deletion or a default the account lacks is reported,
types and enum values are checked, and Front's definitions cost no request per record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import OWNER, Host, HostFactory
from tests.integration.connect_support import consent

OTHER = "globex"
ISSUE = "cnv_s001"
DEFINITIONS = "/conversations/custom_fields"


@pytest.fixture
def mapped(make_host: HostFactory) -> Iterator[Host]:
    """A host declaring ticketIssue ``priority`` (default "Priority") and ``segment`` (default
    "Segment", which the sandbox's account does not have); owners acme and globex."""
    mapping = {"ticketIssue": {"priority": "Priority", "segment": "Segment"}}
    with make_host(field_mapping=mapping) as host:
        authorize(host, OTHER)
        yield host


def authorize(host: Host, owner: str) -> None:
    """``owner`` connects with every ticketIssue operation, consenting at the sandbox."""
    operations = [f"ticketIssue::{op}" for op in ("list", "retrieve", "create", "update")]
    with host.client() as http:
        created = http.post(f"/connections/{owner}", json={"operations": operations}).json()
        redirect = consent(created["authorizationUrl"])
        done = http.get("/oauth/callback", params=dict(redirect.params))
    assert done.status_code == 200, done.text


def put(host: Host, owner: str, body: Any) -> httpx.Response:
    with host.client() as http:
        return http.put(f"/connections/{owner}/field-mapping", json=body)


def mapping_of(host: Host, owner: str) -> dict[str, Any]:
    with host.client() as http:
        answer = http.get(f"/connections/{owner}/field-mapping")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def patch(host: Host, owner: str, fields: dict[str, Any]) -> httpx.Response:
    with host.client(owner) as http:
        return http.patch(f"/resources/ticketIssue/{ISSUE}", json={"fields": fields})


def fields_of(host: Host, owner: str) -> dict[str, Any]:
    with host.client(owner) as http:
        answer = http.get(f"/resources/ticketIssue/{ISSUE}")
    assert answer.status_code == 200, answer.text
    record: dict[str, Any] = answer.json()
    return {**record["fields"], "_warnings": record.get("warnings") or []}


def front_custom_fields(host: Host) -> dict[str, Any]:
    """The conversation's custom fields as the sandbox keeps them (Front's own view)."""
    auth = {"authorization": "Bearer sandbox-api-token"}
    answer = httpx.get(f"{host.sandbox_url}/conversations/{ISSUE}", headers=auth, timeout=10)
    custom: dict[str, Any] = answer.json()["custom_fields"]
    return custom


def sandbox_change(host: Host, action: str, body: dict[str, Any]) -> None:
    answer = httpx.post(f"{host.sandbox_url}/_sandbox/records/{action}", json=body, timeout=10)
    assert answer.status_code in (200, 201), answer.text


def test_two_owners_map_one_key_to_their_own_fields_and_each_reads_and_writes_its_own(
    mapped: Host,
) -> None:
    assert put(mapped, OTHER, {"ticketIssue": {"priority": "Order number"}}).status_code == 200
    before = front_custom_fields(mapped)
    assert patch(mapped, OWNER, {"priority": "High"}).json()["fields"]["priority"] == "High"
    assert patch(mapped, OTHER, {"priority": "PO-7"}).json()["fields"]["priority"] == "PO-7"
    assert fields_of(mapped, OWNER)["priority"] == "High"  # the host's default: "Priority"
    assert fields_of(mapped, OTHER)["priority"] == "PO-7"  # its own: "Order number"
    after = front_custom_fields(mapped)
    assert after == {**before, "Priority": "High", "Order number": "PO-7"}  # merged, not erased


def test_get_lists_the_owners_front_custom_fields_with_types_and_choices(mapped: Host) -> None:
    answer = mapping_of(mapped, OWNER)
    issue = answer["models"]["ticketIssue"]
    assert {(f["name"], f["type"]) for f in issue["customFields"]} == {
        ("Priority", "enum"), ("Order number", "string"), ("Escalated", "boolean")
    }
    priority = issue["keys"]["priority"]
    assert (priority["type"], priority["source"]) == ("string", "default")
    assert priority["mappedTo"] == {"id": "fld_s031", "name": "Priority", "type": "enum"}
    assert answer["mapping"] == {}  # no choice of the owner's yet
    put(mapped, OWNER, {"ticketIssue": {"priority": "fld_s031"}})
    chosen = mapping_of(mapped, OWNER)
    assert chosen["mapping"] == {"ticketIssue": {"priority": "fld_s031"}}
    assert chosen["models"]["ticketIssue"]["keys"]["priority"]["source"] == "owner"


def test_a_key_mapped_to_null_refuses_writes_for_that_owner_alone(mapped: Host) -> None:
    assert put(mapped, OTHER, {"ticketIssue": {"priority": None}}).status_code == 200
    refused = patch(mapped, OTHER, {"priority": "High"})
    assert refused.status_code == 400, refused.text
    assert "not mapped for this owner" in refused.json()["error"]["message"]
    assert refused.json()["error"]["details"]["fields"] == ["fields.priority"]
    assert fields_of(mapped, OTHER)["priority"] is None
    assert patch(mapped, OWNER, {"priority": "Low"}).status_code == 200  # acme's default holds


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"ticketIssue": {"priority": "Escalated"}},
         "a string key maps onto a Front string or enum custom field, and 'Escalated' "
         "(boolean) is a boolean field"),
        ({"ticketIssue": {"priority": "Nope"}},
         "no conversation custom field named 'Nope'"),
        ({"ticketIssue": {"colour": "Priority"}}, "declared keys: priority, segment"),
        ({"genericUser": {"x": "Location"}}, "declares no keys for it"),
    ],
)  # fmt: skip
def test_a_bad_mapping_is_a_400_naming_the_key_and_the_allowed_fields(
    mapped: Host, body: dict[str, Any], said: str
) -> None:
    answer = put(mapped, OWNER, body)
    assert answer.status_code == 400, answer.text
    assert said in answer.json()["error"]["message"]
    assert mapping_of(mapped, OWNER)["mapping"] == {}  # nothing was stored


def test_an_enum_value_outside_the_choices_is_a_400_listing_them(mapped: Host) -> None:
    refused = patch(mapped, OWNER, {"priority": "Critical"})
    assert refused.status_code == 400
    message = refused.json()["error"]["message"]
    assert "one of 'Low', 'Normal', 'High', 'Urgent'" in message and "'Critical'" in message


def test_a_field_renamed_in_front_keeps_its_mapping(mapped: Host) -> None:
    put(mapped, OWNER, {"ticketIssue": {"priority": "Priority"}})  # held by id: fld_s031
    patch(mapped, OWNER, {"priority": "Urgent"})
    rename = {"kind": "custom_fields", "id": "fld_s031", "set": {"name": "Urgency"}}
    sandbox_change(mapped, "update", rename)
    shown = mapping_of(mapped, OWNER)  # reads Front's definitions now
    assert shown["models"]["ticketIssue"]["keys"]["priority"]["mappedTo"]["name"] == "Urgency"
    assert shown["problems"] == [
        p for p in shown["problems"] if p["field"] == "ticketIssue.segment"
    ]
    assert fields_of(mapped, OWNER)["priority"] == "Urgent"
    assert patch(mapped, OWNER, {"priority": "Low"}).status_code == 200
    assert front_custom_fields(mapped)["Urgency"] == "Low"


def test_a_field_deleted_in_front_is_a_problem_and_reads_null_with_a_warning(
    mapped: Host,
) -> None:
    put(mapped, OWNER, {"ticketIssue": {"priority": "Priority"}})
    sandbox_change(mapped, "delete", {"kind": "custom_fields", "id": "fld_s031"})
    problems = {p["field"]: p["message"] for p in mapping_of(mapped, OWNER)["problems"]}
    assert "deleted in Front" in problems["ticketIssue.priority"]
    read = fields_of(mapped, OWNER)
    assert read["priority"] is None
    assert any(w["field"] == "priority" and "deleted" in w["message"] for w in read["_warnings"])
    refused = patch(mapped, OWNER, {"priority": "High"})
    assert refused.status_code == 400 and "deleted in Front" in refused.text
    with mapped.client() as http:
        status = http.get(f"/connections/{OWNER}").json()
    assert any(w["field"] == "ticketIssue.priority" for w in status["warnings"])


def test_a_default_the_account_lacks_is_a_warning_at_authorization_and_a_400_on_write(
    mapped: Host,
) -> None:
    with mapped.client() as http:  # globex was authorized after the host started: checked then
        status = http.get(f"/connections/{OTHER}").json()
        listed = http.get("/resources/ticketIssue/custom-fields", headers={"x-owner-id": OTHER})
    (warning,) = status["warnings"]
    assert warning["field"] == "ticketIssue.segment"
    assert "'Segment'" in warning["message"] and "'Priority' (enum" in warning["message"]
    assert [w["field"] for w in listed.json()["warnings"]] == ["ticketIssue.segment"]
    refused = patch(mapped, OTHER, {"segment": "Retail"})
    assert refused.status_code == 400, refused.text
    message = refused.json()["error"]["message"]
    assert "'Segment'" in message and "'Order number' (string)" in message
    assert fields_of(mapped, OTHER)["segment"] is None


def test_front_definitions_are_read_once_not_per_record_or_page(mapped: Host) -> None:
    mapped.clear_sandbox_requests()
    with mapped.client() as http:
        first = http.get("/resources/ticketIssue", params={"limit": 2})
        for _ in range(3):
            http.get("/resources/ticketIssue", params={"limit": 2, "cursor": first.json()["next"]})
            http.get(f"/resources/ticketIssue/{ISSUE}")
    reads = [r for r in mapped.sandbox_requests() if r["path"] == DEFINITIONS]
    assert len(reads) <= 1, reads  # at most once while fresh (none: read at authorization)
