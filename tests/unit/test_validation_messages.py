"""Validation messages say what to send, in words: never a raw pattern or a pydantic type name."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from connector_front.errors import InvalidInputError
from connector_front.field_mapping import FieldMapping
from connector_front.mappers import BUILTIN_MAPPERS
from connector_front.models.messages import describe, problems
from connector_front.records import parse_write

INTERNALS = re.compile(
    r"\^|\$'|\\[sd]|constrained-|list\[|instance of|ResourceRef|TagChanges|"
    r"Input should|String should|Extra inputs|Field required|Value error"
)
"""What pydantic's own messages and locations show and a user cannot act on."""
MAPPERS = {cls().model: cls() for cls in BUILTIN_MAPPERS}

WRONG: list[tuple[str, dict[str, Any], dict[str, str]]] = [
    (
        "genericContact",
        {"email": "ada", "phoneNumber": "call me"},
        {
            "fields.email": "must be an email address like ada@example.com",
            "fields.phoneNumber": "must be a phone number like +1 415 555 0100",
        },
    ),
    (
        "genericCompany",
        {"name": "", "domains": ["not a domain", 4]},
        {
            "fields.name": "must not be empty",
            "fields.domains[0]": "must be a domain name like example.com",
            "fields.domains[1]": "must be a domain name like example.com",
        },
    ),
    (
        "ticketIssue",
        {"project": 5, "tags": [1], "status": "done", "title": "x" * 501, "shoeSize": 9},
        {
            "fields.project": 'must be a ticketProject id such as "inb_123", or a resourceRef',
            "fields.tags": "must be a list whose items are each text, or an object with add and",
            "fields.status": "must be one of 'open', 'inProgress', 'onHold' or 'closed'",
            "fields.title": "must be at most 500 characters",
            "fields.shoeSize": "is not a field here",
        },
    ),
    (
        "ticketComment",
        {"issue": {"model": "ticketIssue"}, "content": 5, "isInternal": "maybe"},
        {
            "fields.issue.id": "is required",
            "fields.content": "must be text",
            "fields.isInternal": "must be true or false",
        },
    ),
    (
        "ticketProject",
        {"members": ["tea_1", 7], "workspace": []},
        {
            "fields.members[1]": "must be a genericUser id such as",
            "fields.workspace": "must be a genericWorkspace id such as",
        },
    ),
]


@pytest.mark.parametrize(("model", "fields", "expected"), WRONG, ids=[w[0] for w in WRONG])
def test_a_refused_write_says_what_to_send_at_each_path(
    model: str, fields: dict[str, Any], expected: dict[str, str]
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_write(MAPPERS[model], fields, FieldMapping(), operation="create")
    error = caught.value
    assert sorted(error.fields) == sorted(expected)
    for path, says in expected.items():
        assert f"{path} {says}" in error.message
    assert not INTERNALS.search(error.message), error.message


class Nested(BaseModel):
    add: list[int] = []


class Settingsish(BaseModel):
    timeout: float = 1.0
    retries: int = 1
    table: dict[str, list[Nested]] = {}
    either: int | Nested | None = None


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ({"timeout": "soon"}, "timeout", "must be a number"),
        ({"retries": 1.5}, "retries", "must be a whole number"),
        ({"table": {"a": [{"add": ["x"]}]}}, "table.a[0].add[0]", "must be a whole number"),
        ({"either": "x"}, "either", "must be a whole number, or an object with add"),
    ],
)
def test_any_model_is_translated_the_same_way(
    data: dict[str, Any], path: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Settingsish.model_validate(data)
    (found,) = problems(caught.value.errors(), Settingsish)
    assert (found.where(), found.message) == (path, message)


def test_a_front_value_dropped_says_why_in_words() -> None:
    from connector_front.mappers.base import FrontItem
    from connector_front.records import build_record

    contact = {"id": "crd_1", "name": "Ada", "handles": [{"source": "email", "handle": "ada"}]}
    record = build_record(MAPPERS["genericContact"], FrontItem(contact), FieldMapping())
    assert record.fields["email"] is None
    (warning,) = record.warnings or []
    assert warning.message == (
        "Front value dropped: email must be an email address like ada@example.com"
    )


@pytest.mark.parametrize("model", sorted(MAPPERS))
def test_every_field_of_a_built_in_model_is_described_in_words(model: str) -> None:
    fields = MAPPERS[model].fields_model.model_fields
    for name, field in fields.items():
        said = describe(field.annotation)
        assert "of the kind this field takes" not in said, (name, said)
        assert not INTERNALS.search(said), (name, said)
