"""ticketProject <-> Front inbox: the workspace read from the inbox's owner link."""

from __future__ import annotations

from typing import Any

import pytest

from connector_front.field_mapping import FieldMapping
from connector_front.mappers.base import FrontItem
from connector_front.mappers.ticket_project import ProjectMapper
from connector_front.records import build_record


def inbox(owner: str | None) -> dict[str, Any]:
    related = {"teammates": "https://x.api.frontapp.com/inboxes/inb_1/teammates"}
    if owner is not None:
        related["owner"] = f"https://x.api.frontapp.com/{owner}"
    return {"id": "inb_1", "name": "Support", "_links": {"related": related}}


@pytest.mark.parametrize(
    ("owner", "workspace"),
    [
        ("teams/tim_k30", "tim_k30"),
        ("teammates/tea_6r55a", None),  # an individual inbox belongs to a teammate, not a team
        (None, None),
    ],
)
def test_an_inbox_owned_by_a_team_reads_that_team_as_its_workspace(
    owner: str | None, workspace: str | None
) -> None:
    record = build_record(ProjectMapper(), FrontItem(inbox(owner), {"members": []}), FieldMapping())
    expected = workspace and {"object": "resourceRef", "model": "genericWorkspace", "id": workspace}
    assert record.fields["workspace"] == expected
