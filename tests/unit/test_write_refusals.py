"""Writes the connector could not carry out are refused up front, never dropped."""

from __future__ import annotations

import pytest

from connector_front.connector import FrontConnector
from connector_front.errors import ConfigurationError, InvalidInputError
from connector_front.field_mapping import FieldMapping
from connector_front.mappers.ticket_issue import IssueMapper
from connector_front.records import parse_write
from connector_front.settings import ConnectorSettings


def test_priority_is_written_only_through_a_mapping() -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_write(IssueMapper(), {"priority": "High"}, FieldMapping(), operation="update")
    assert caught.value.fields == ["fields.priority"]
    unchanged, custom = parse_write(
        IssueMapper(), {"priority": None}, FieldMapping(), operation="update"
    )
    assert unchanged.model_fields_set == {"priority"} and unchanged.priority is None
    assert custom == {}  # it reads null already: nothing is lost
    mapped = FieldMapping({"ticketIssue": {"priority": "Priority"}})
    standard, custom = parse_write(IssueMapper(), {"priority": "High"}, mapped, operation="update")
    assert standard.model_fields_set == set()
    assert custom == {"Priority": "High"}


@pytest.mark.parametrize("model", ["genericWorkspace", "ticketComment"])
def test_mapping_a_model_without_custom_fields_is_a_configuration_error(
    model: str, tmp_path: object
) -> None:
    settings = ConnectorSettings(
        database=f"{tmp_path}/c.sqlite3", field_mapping={model: {"extra": "Extra"}}
    )
    with pytest.raises(ConfigurationError, match="no custom fields"):
        FrontConnector(settings)


def test_short_refs_expand_to_the_field_model() -> None:
    fields, _ = parse_write(
        IssueMapper(),
        {"project": "inb_1", "assignee": {"id": "tea_1"}},
        FieldMapping(),
        operation="update",
    )
    assert fields.model_dump(mode="json", exclude_unset=True) == {
        "project": {"object": "resourceRef", "model": "ticketProject", "id": "inb_1"},
        "assignee": {"object": "resourceRef", "model": "genericUser", "id": "tea_1"},
    }
