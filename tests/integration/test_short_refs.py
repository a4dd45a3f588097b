"""References take the short form a user types (a plain id) on every model's writes."""

from __future__ import annotations

import pytest

from connector_front.dev.embedded import EmbeddedSandbox
from connector_front.errors import InvalidInputError

OWNER = "acme"


async def test_issue_and_comment_created_with_plain_ids(embedded: EmbeddedSandbox) -> None:
    assert embedded.connector is not None
    connection = embedded.connector.connection(OWNER)
    issue = await connection.resources("ticketIssue").create(
        {
            "title": "Short refs",
            "description": "typed by a person",
            "project": "inb_s001",
            "assignee": "tea_s002",
        }
    )
    assert issue.fields["project"]["id"] == "inb_s001"
    assert issue.fields["assignee"] == {
        "object": "resourceRef",
        "model": "genericUser",
        "id": "tea_s002",
    }
    comment = await connection.resources("ticketComment").create(
        {"issue": issue.id, "content": "first", "author": {"id": "tea_s002"}}
    )
    assert comment.fields["issue"]["id"] == issue.id
    assert comment.fields["author"]["id"] == "tea_s002"
    moved = await connection.resources("ticketIssue").update(issue.id, {"project": "inb_s002"})
    assert moved.fields["project"]["id"] == "inb_s002"


async def test_project_members_and_workspace_as_plain_ids(embedded: EmbeddedSandbox) -> None:
    assert embedded.connector is not None
    projects = embedded.connector.connection(OWNER).resources("ticketProject")
    created = await projects.create(
        {"name": "Short", "members": ["tea_s001"], "workspace": "tim_s001"}
    )
    assert [m["id"] for m in created.fields["members"]] == ["tea_s001"]
    assert created.fields["workspace"] == {
        "object": "resourceRef",
        "model": "genericWorkspace",
        "id": "tim_s001",
    }


async def test_a_full_ref_to_the_wrong_model_is_still_refused(embedded: EmbeddedSandbox) -> None:
    assert embedded.connector is not None
    comments = embedded.connector.connection(OWNER).resources("ticketComment")
    wrong = {"object": "resourceRef", "model": "genericContact", "id": "crd_s001"}
    with pytest.raises(InvalidInputError) as caught:
        await comments.create({"issue": wrong, "content": "x"})
    assert caught.value.fields == ["fields.issue"]
    with pytest.raises(InvalidInputError) as empty:
        await comments.create({"issue": "", "content": "x"})
    assert empty.value.fields == ["fields.issue.id"]
