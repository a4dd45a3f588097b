"""ticketIssue / ticketComment mapping: the status table both ways, refs, tags."""

from __future__ import annotations

from typing import Any

import pytest

from connector_front.field_mapping import FieldMapping
from connector_front.mappers.base import FrontItem
from connector_front.mappers.statuses import STATUS_TABLE, WRITE_STATUS, unified_status
from connector_front.mappers.ticket_comment import CommentMapper, with_issue
from connector_front.mappers.ticket_issue import IssueMapper
from connector_front.records import build_record

TEAMMATE = {"id": "tea_1", "email": "a@b.co"}


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ({"status": "unassigned"}, "open"),
        ({"status": "assigned", "assignee": TEAMMATE}, "inProgress"),
        ({"status": "archived"}, "closed"),
        ({"status": "archived", "assignee": TEAMMATE}, "closed"),
        ({"status": "deleted"}, "closed"),
        ({"status": "deleted", "status_category": "open"}, "closed"),
        ({"status_category": "open", "status": "unassigned"}, "open"),
        ({"status_category": "open", "status": "assigned", "assignee": TEAMMATE}, "inProgress"),
        ({"status_category": "waiting", "status": "assigned", "assignee": TEAMMATE}, "onHold"),
        ({"status_category": "resolved", "status": "archived"}, "closed"),
        ({"status": "something-new"}, None),
    ],
)
def test_front_status_to_unified(front: dict[str, Any], expected: str | None) -> None:
    assert unified_status(front) == expected


@pytest.mark.parametrize("unified", ["open", "inProgress", "closed"])
def test_written_status_reads_back_the_same(unified: str) -> None:
    """What Front shows after our PATCH (legacy statuses) maps back to what was written."""
    sent = WRITE_STATUS[unified]
    assert sent is not None
    assigned = unified == "inProgress"
    after = {"open": "assigned" if assigned else "unassigned", "archived": "archived"}[
        sent["status"]
    ]
    front = {"status": after, "assignee": TEAMMATE if assigned else None}
    assert unified_status(front) == unified


def test_every_unified_status_has_a_row_and_a_write() -> None:
    assert (
        {row[0] for row in STATUS_TABLE}
        == set(WRITE_STATUS)
        == {"open", "inProgress", "onHold", "closed"}
    )


def test_conversation_to_issue_record() -> None:
    front = FrontItem(
        {
            "id": "cnv_1",
            "subject": "Broken zip",
            "status": "assigned",
            "assignee": TEAMMATE,
            "tags": [{"id": "tag_1", "name": "urgent"}, {"id": "tag_2", "name": "vip"}],
            "custom_fields": {"Priority": "High"},
            "created_at": 1700000000,
        },
        {"inboxes": [{"id": "inb_9", "name": "Support"}]},
    )
    record = build_record(
        IssueMapper(), front, FieldMapping({"ticketIssue": {"priority": "Priority"}}), raw=True
    )
    assert record.fields == {
        "project": {"object": "resourceRef", "model": "ticketProject", "id": "inb_9"},
        "title": "Broken zip",
        "description": None,
        "status": "inProgress",
        "priority": "High",
        "assignee": {"object": "resourceRef", "model": "genericUser", "id": "tea_1"},
        "tags": ["urgent", "vip"],
    }
    assert record.rawResource == front.front  # Front's JSON as sent, without related records


def test_priority_is_null_without_a_mapping() -> None:
    record = build_record(
        IssueMapper(), FrontItem({"id": "cnv_1", "status": "unassigned"}), FieldMapping()
    )
    assert record.fields["priority"] is None


def test_comment_and_message_records() -> None:
    comment = build_record(
        CommentMapper(),
        FrontItem(
            {
                "id": "com_1",
                "body": "note",
                "author": TEAMMATE,
                "posted_at": 1.0,
                "_links": {
                    "related": {"conversation": "https://x.frontapp.com/conversations/cnv_7"}
                },
            }
        ),
        FieldMapping(),
    )
    assert comment.fields["isInternal"] is True
    assert comment.fields["issue"]["id"] == "cnv_7"
    message = build_record(
        CommentMapper(),
        with_issue(
            {
                "id": "msg_1",
                "text": "hello",
                "body": "<p>hello</p>",
                "author": None,
                "recipients": [
                    {
                        "role": "from",
                        "handle": "c@d.co",
                        "_links": {"related": {"contact": "https://x/contacts/crd_5"}},
                    }
                ],
            },
            "cnv_7",
        ),
        FieldMapping(),
    )
    assert message.fields == {
        "issue": {"object": "resourceRef", "model": "ticketIssue", "id": "cnv_7"},
        "author": {"object": "resourceRef", "model": "genericContact", "id": "crd_5"},
        "content": "hello",
        "isInternal": False,
    }
