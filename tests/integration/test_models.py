"""Every cell of the coverage table against the sandbox Front, through the Python API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connector_front.connection import Connection
from connector_front.dev.embedded import EmbeddedSandbox
from connector_front.errors import (
    InvalidInputError,
    MovedError,
    NotSupportedError,
    OperationNotGrantedError,
)
from connector_front.mappers.base import OPERATIONS

OWNER = "acme"


def ref(model: str, record_id: str) -> dict[str, str]:
    return {"object": "resourceRef", "model": model, "id": record_id}


def connection(env: EmbeddedSandbox) -> Connection:
    assert env.connector is not None
    return env.connector.connection(OWNER)


async def sandbox_requests(env: EmbeddedSandbox) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=env.server.url) as admin:
        answer: list[dict[str, Any]] = (await admin.get("/_sandbox/requests")).json()
    return answer


async def clear_requests(env: EmbeddedSandbox) -> None:
    async with httpx.AsyncClient(base_url=env.server.url) as admin:
        await admin.delete("/_sandbox/requests")


def unsupported_cells(env: EmbeddedSandbox) -> list[tuple[str, str]]:
    assert env.connector is not None
    return [
        (mapper.model, op)
        for mapper in env.connector.registry
        for op in OPERATIONS
        if not mapper.supports(op)
    ]


async def test_unsupported_cells_fail_clearly_before_any_request(
    embedded: EmbeddedSandbox,
) -> None:
    cells = unsupported_cells(embedded)
    assert ("genericUser", "create") in cells and ("ticketComment", "delete") in cells
    await clear_requests(embedded)
    for model, op in cells:
        resources = connection(embedded).resources(model)
        call = {
            "create": lambda r=resources: r.create({}),
            "update": lambda r=resources: r.update("x_1", {}),
            "delete": lambda r=resources: r.delete("x_1"),
        }[op]
        with pytest.raises(NotSupportedError) as caught:
            await call()
        assert "not supported by Front" in caught.value.message
        assert "Front" in caught.value.message.split(":", 1)[1]  # says what Front offers
    assert await sandbox_requests(embedded) == []


async def test_company_crud_and_aliases(embedded: EmbeddedSandbox) -> None:
    companies = connection(embedded).resources("genericCompany")
    listed = await companies.list(limit=2)
    assert len(listed.data) == 2 and listed.next
    created = await companies.create(
        {"name": "Basalt Guides", "description": "river trips", "domains": ["basalt.example"]}
    )
    assert created.fields["domains"] == ["basalt.example"]
    by_domain = await companies.retrieve("alt:domain:basalt.example")
    assert by_domain.id == created.id
    updated = await companies.update(created.id, {"description": "river and canyon trips"})
    assert updated.fields["description"] == "river and canyon trips"
    assert updated.fields["name"] == "Basalt Guides"
    await companies.delete(created.id)
    seeded = (await companies.list(limit=100)).data
    assert created.id not in [c.id for c in seeded]


async def test_company_by_external_id(embedded: EmbeddedSandbox) -> None:
    company = await connection(embedded).resources("genericCompany").retrieve("alt:ext_id:CRM-1001")
    assert company.fields["name"] == "Cedar Ridge Climbing Gym"


async def test_user_list_retrieve_by_email_and_update(embedded: EmbeddedSandbox) -> None:
    users = connection(embedded).resources("genericUser")
    everyone = (await users.list(limit=100)).data
    maya = next(u for u in everyone if u.fields["email"] == "maya.okafor@larkspur.example")
    assert (await users.retrieve("maya.okafor@larkspur.example")).id == maya.id
    updated = await users.update(maya.id, {"isAvailable": False, "username": "maya"})
    assert updated.fields["isAvailable"] is False
    assert updated.fields["username"] == "maya"
    assert updated.fields["firstName"] == "Maya"
    with pytest.raises(InvalidInputError) as caught:
        await users.update(maya.id, {"email": "other@larkspur.example"})
    assert caught.value.fields == ["fields.email"]


async def test_workspaces_read_only(embedded: EmbeddedSandbox) -> None:
    workspaces = connection(embedded).resources("genericWorkspace")
    listed = (await workspaces.list()).data
    assert {w.fields["name"] for w in listed} >= {"Customer Care"}
    assert (await workspaces.retrieve(listed[0].id)).id == listed[0].id


async def test_projects_with_members_and_create_in_workspace(embedded: EmbeddedSandbox) -> None:
    projects = connection(embedded).resources("ticketProject")
    support = await projects.retrieve("inb_s001")
    assert support.fields["name"] == "Support"
    assert support.fields["description"] is None
    assert {m["id"] for m in support.fields["members"]} == {
        "tea_s001",
        "tea_s002",
        "tea_s003",
        "tea_s005",
    }
    assert all(m["model"] == "genericUser" for m in support.fields["members"])
    created = await projects.create(
        {
            "name": "Warranty",
            "members": [ref("genericUser", "tea_s004")],
            "workspace": ref("genericWorkspace", "tim_s002"),
        }
    )
    assert [m["id"] for m in created.fields["members"]] == ["tea_s004"]
    assert created.fields["workspace"] == ref("genericWorkspace", "tim_s002")
    listed = {p.id: p for p in (await projects.list(limit=100)).data}
    assert listed[created.id].fields["workspace"] == ref("genericWorkspace", "tim_s002")
    assert (await projects.retrieve(created.id)).fields["workspace"]["id"] == "tim_s002"
    assert support.fields["workspace"] == ref("genericWorkspace", "tim_s001")


async def test_issue_lifecycle(embedded: EmbeddedSandbox) -> None:
    issues = connection(embedded).resources("ticketIssue")
    created = await issues.create(
        {
            "title": "Zipper stuck",
            "description": "Jacket zipper stuck on arrival",
            "project": ref("ticketProject", "inb_s002"),
            "tags": ["refund"],
            "priority": "High",
        }
    )
    assert created.fields["title"] == "Zipper stuck"
    assert created.fields["project"] == ref("ticketProject", "inb_s002")
    assert created.fields["tags"] == ["refund"]
    assert created.fields["priority"] == "High"
    assert created.fields["status"] == "open"

    assigned = await issues.update(
        created.id, {"status": "inProgress", "assignee": ref("genericUser", "tea_s002")}
    )
    assert assigned.fields["status"] == "inProgress"
    assert assigned.fields["assignee"] == ref("genericUser", "tea_s002")

    on_hold = await issues.update(created.id, {"status": "onHold"})
    assert on_hold.fields["status"] == "onHold"

    moved = await issues.update(created.id, {"project": ref("ticketProject", "inb_s001")})
    assert moved.fields["project"] == ref("ticketProject", "inb_s001")

    tagged = await issues.update(
        created.id, {"tags": {"add": ["vip", "bug"], "remove": ["refund"]}}
    )
    assert sorted(tagged.fields["tags"]) == ["bug", "vip"]
    replaced = await issues.update(created.id, {"tags": ["feedback"]})
    assert replaced.fields["tags"] == ["feedback"]

    reprioritised = await issues.update(created.id, {"priority": "Urgent"})
    assert reprioritised.fields["priority"] == "Urgent"
    raw = await issues.retrieve(created.id, raw=True)
    assert raw.rawResource is not None
    assert raw.rawResource["custom_fields"]["Priority"] == "Urgent"
    assert "__related__" not in raw.rawResource

    closed = await issues.update(created.id, {"status": "closed"})
    assert closed.fields["status"] == "closed"
    reopened = await issues.update(created.id, {"status": "open", "assignee": None})
    assert reopened.fields["status"] == "open"
    assert reopened.fields["assignee"] is None


async def test_issue_create_needs_an_inbox_or_a_teammate(embedded: EmbeddedSandbox) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await (
            connection(embedded)
            .resources("ticketIssue")
            .create({"title": "Nowhere", "description": "no inbox, no teammate"})
        )
    assert caught.value.fields == ["fields.project", "fields.assignee"]


async def test_issue_title_cannot_change_and_says_so(embedded: EmbeddedSandbox) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await connection(embedded).resources("ticketIssue").update("cnv_s001", {"title": "x"})
    assert caught.value.fields == ["fields.title"]


async def test_issue_delete_to_trash_then_permanently(embedded: EmbeddedSandbox) -> None:
    issues = connection(embedded).resources("ticketIssue")
    created = await issues.create(
        {
            "title": "Spam?",
            "description": "probably spam",
            "project": ref("ticketProject", "inb_s001"),
        }
    )
    await issues.delete(created.id)
    trashed = await issues.retrieve(created.id, raw=True)
    assert trashed.fields["status"] == "closed"
    assert trashed.rawResource is not None and trashed.rawResource["status"] == "deleted"
    await issues.delete(created.id, permanent=True)
    with pytest.raises(Exception) as caught:
        await issues.retrieve(created.id)
    assert getattr(caught.value, "status", None) == 404


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"project": "inb_s001"}, "inbox"),
        ({"tag": "urgent"}, "tag"),
        ({"assignee": "tea_s002"}, "assignee"),
        ({"status": "closed"}, "status"),
    ],
)
async def test_issue_filters(
    embedded: EmbeddedSandbox, filters: dict[str, str], expected: str
) -> None:
    issues = connection(embedded).resources("ticketIssue")
    page = await issues.list(filters=filters, limit=100)
    assert page.data, f"no issue matched {filters}"
    for issue in page.data:
        if expected == "inbox":
            assert issue.fields["project"]["id"] == "inb_s001"
        elif expected == "tag":
            assert "urgent" in issue.fields["tags"]
        elif expected == "assignee":
            assert issue.fields["assignee"]["id"] == "tea_s002"
        else:
            assert issue.fields["status"] == "closed"
    everything = await issues.list(limit=100, omit=["project"])  # one page: /conversations
    assert everything.next is None
    assert len(page.data) < len(everything.data)


async def test_issue_full_text_search(embedded: EmbeddedSandbox) -> None:
    page = await connection(embedded).resources("ticketIssue").list(filters={"search": "recall"})
    assert [issue.fields["title"] for issue in page.data] == ["Harness recall question"]


async def test_comments_internal_and_public(embedded: EmbeddedSandbox) -> None:
    issues = connection(embedded).resources("ticketIssue")
    comments = connection(embedded).resources("ticketComment")
    # A public reply needs a channel conversation (Front discussions take comments only).
    issue = await issues.retrieve("cnv_s001")
    issue_ref = ref("ticketIssue", issue.id)
    internal = await comments.create({"issue": issue_ref, "content": "size M", "isInternal": True})
    assert internal.id.startswith("com_") and internal.fields["isInternal"] is True
    assert internal.fields["issue"] == issue_ref
    public = await comments.create(
        {"issue": issue_ref, "content": "Size M fits 32in.", "isInternal": False}
    )
    assert public.id.startswith("msg_") and public.fields["isInternal"] is False
    after_reply = await issues.retrieve(issue.id)
    assert after_reply.fields["status"] == issue.fields["status"]  # a reply never archives

    edited = await comments.update(internal.id, {"content": "size M (checked)"})
    assert edited.fields["content"] == "size M (checked)"
    with pytest.raises(InvalidInputError):
        await comments.update(public.id, {"content": "changed"})

    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = await comments.list(filters={"issue": issue.id}, limit=1, cursor=cursor)
        seen.extend(c.id for c in page.data)
        if page.next is None:
            break
        cursor = page.next
    assert internal.id in seen and public.id in seen
    assert (await comments.retrieve(public.id)).fields["content"] == "Size M fits 32in."


async def test_comment_list_needs_the_issue_filter(embedded: EmbeddedSandbox) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await connection(embedded).resources("ticketComment").list()
    assert caught.value.fields == ["filters.issue"]


async def test_custom_field_definitions_for_a_mapping_screen(embedded: EmbeddedSandbox) -> None:
    definitions = await connection(embedded).resources("genericContact").custom_fields()
    tier = next(d for d in definitions if d.name == "Loyalty tier")
    assert tier.type == "enum" and tier.values == ["Bronze", "Silver", "Gold", "Summit"]
    with pytest.raises(NotSupportedError):
        await connection(embedded).resources("genericWorkspace").custom_fields()


async def test_custom_field_definitions_need_a_grant_on_the_model(
    embedded: EmbeddedSandbox,
) -> None:
    await connection(embedded).create(["ticketIssue::list"])
    await clear_requests(embedded)
    with pytest.raises(OperationNotGrantedError) as caught:
        await connection(embedded).resources("genericContact").custom_fields()
    assert "no genericContact operation" in caught.value.message
    assert "genericContact::list" in caught.value.message
    assert await sandbox_requests(embedded) == []  # refused before Front was asked
    definitions = await connection(embedded).resources("ticketIssue").custom_fields()
    assert "Priority" in [d.name for d in definitions]


async def test_an_operation_reads_the_grants_once(
    embedded: EmbeddedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert embedded.connector is not None
    store = embedded.connector.connections
    reads: list[str] = []
    real_get = store.get

    async def counted(owner_id: str) -> Any:
        reads.append(owner_id)
        return await real_get(owner_id)

    monkeypatch.setattr(store, "get", counted)
    contacts = connection(embedded).resources("genericContact")
    admission = await contacts.admit("create")  # as a host does before reading the body
    fields = {"firstName": "Ada", "email": "ada@example.com"}
    created = await contacts.create(fields, admission=admission)
    assert reads == [OWNER]
    await contacts.retrieve(created.id)
    assert reads == [OWNER, OWNER]  # a new call reads them afresh


async def test_admitting_changes_nothing_for_the_next_call(embedded: EmbeddedSandbox) -> None:
    """An admission is a value a call is given: a call given none reads the grants as they
    are now, whatever was admitted before it."""
    assert embedded.connector is not None
    contacts = connection(embedded).resources("genericContact")
    await contacts.admit("create")
    await embedded.connector.connections.put(OWNER, ["genericContact::list"])  # create revoked
    with pytest.raises(OperationNotGrantedError, match="genericContact::create"):
        await contacts.create({"email": "late@example.com"})


async def test_an_admission_runs_only_its_own_operation_for_its_own_owner(
    embedded: EmbeddedSandbox,
) -> None:
    assert embedded.connector is not None
    contacts = connection(embedded).resources("genericContact")
    listing = await contacts.admit("list")
    with pytest.raises(ValueError, match=r"genericContact::list .* cannot run .*::create"):
        await contacts.create({"email": "x@example.com"}, admission=listing)
    theirs = embedded.connector.connection("someone-else").resources("genericContact")
    with pytest.raises(ValueError, match="for 'acme' cannot run"):
        await theirs.list(admission=listing)
    assert (await contacts.list(limit=1, admission=listing)).data


async def test_merged_conversation_reads_follow_writes_say_so(embedded: EmbeddedSandbox) -> None:
    async with httpx.AsyncClient(base_url=embedded.server.url) as admin:
        merged = await admin.post(
            "/_sandbox/conversations/merge", json={"from": "cnv_s002", "into": "cnv_s003"}
        )
        assert merged.status_code < 300, merged.text
    issues = connection(embedded).resources("ticketIssue")
    followed = await issues.retrieve("cnv_s002")
    assert followed.id == "cnv_s003"
    with pytest.raises(MovedError) as caught:
        await issues.update("cnv_s002", {"status": "closed"})
    assert caught.value.location is not None and "cnv_s003" in caught.value.location
    assert caught.value.status == 409


async def test_tag_edit_by_name_lists_the_tags_once(embedded: EmbeddedSandbox) -> None:
    issues = connection(embedded).resources("ticketIssue")
    await clear_requests(embedded)
    edited = await issues.update("cnv_s002", {"tags": {"add": ["vip", "bug"], "remove": ["vip"]}})
    assert "bug" in edited.fields["tags"] and "vip" not in edited.fields["tags"]
    listings = [r for r in await sandbox_requests(embedded) if r["path"] == "/tags"]
    assert len(listings) == 1
