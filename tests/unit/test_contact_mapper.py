"""genericContact <-> Front contact: pure mapping, both ways."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector_front.errors import InvalidInputError
from connector_front.field_mapping import FieldMapping
from connector_front.mappers.base import FrontItem
from connector_front.mappers.generic_contact import ContactMapper
from connector_front.mappers.handles import handles_for_create
from connector_front.mappers.names import KEPT, NameSplit, kept_related, split_name, written
from connector_front.models.generic_contact import GenericContactFields
from connector_front.records import build_record, parse_write

FRONT_CONTACT: dict[str, Any] = {
    "id": "crd_1",
    "name": "Grace Brewster Hopper",
    "description": "Rear admiral",
    "handles": [
        {"handle": "+1 555 0100", "source": "phone"},
        {"handle": "grace@navy.example", "source": "email"},
        {"handle": "g.hopper@alt.example", "source": "email"},
    ],
    "custom_fields": {"Tier": "gold", "Region": "EMEA"},
    "updated_at": 1700000000.5,
}


def test_front_contact_to_unified_record() -> None:
    record = build_record(ContactMapper(), FrontItem(FRONT_CONTACT), FieldMapping())
    assert record.model == "genericContact"
    assert record.id == "crd_1"
    assert record.fields == {
        "firstName": "Grace",
        "lastName": "Brewster Hopper",
        "email": "grace@navy.example",
        "phoneNumber": "+1 555 0100",
        "description": "Rear admiral",
    }
    assert (
        record.updatedAt is not None
        and record.updatedAt.isoformat() == "2023-11-14T22:13:20.500000+00:00"
    )
    assert record.createdAt is None  # Front does not send it: null, never invented
    assert "rawResource" not in record.to_json()


def test_missing_values_are_null_not_invented() -> None:
    record = build_record(
        ContactMapper(), FrontItem({"id": "crd_2", "handles": []}), FieldMapping()
    )
    assert record.fields == dict.fromkeys(
        ("firstName", "lastName", "email", "phoneNumber", "description")
    )


def test_the_first_well_formed_handle_of_each_source_is_read() -> None:
    handles = [
        {"handle": None, "source": "email"},
        {"handle": ["a@b.co"], "source": "email"},
        {"handle": "+1 555 0199", "source": ["phone"]},
        {"handle": "first@navy.example", "source": "email"},
        {"handle": "+1 555 0100", "source": "phone"},
        {"handle": "second@navy.example", "source": "email"},
    ]
    record = build_record(
        ContactMapper(), FrontItem({"id": "crd_3", "handles": handles}), FieldMapping()
    )
    assert (record.fields["email"], record.fields["phoneNumber"]) == (
        "first@navy.example",
        "+1 555 0100",
    )
    assert record.warnings is None


def test_raw_resource_only_on_request() -> None:
    record = build_record(ContactMapper(), FrontItem(FRONT_CONTACT), FieldMapping(), raw=True)
    assert record.to_json()["rawResource"] == FRONT_CONTACT


def test_invalid_front_value_becomes_a_warning_not_a_failure() -> None:
    bad = {**FRONT_CONTACT, "handles": [{"handle": "not an email", "source": "email"}]}
    record = build_record(ContactMapper(), FrontItem(bad), FieldMapping())
    assert record.fields["email"] is None
    assert record.fields["firstName"] == "Grace"
    assert record.warnings is not None and [w.field for w in record.warnings] == ["email"]


def test_mapped_custom_fields_read_under_unified_keys() -> None:
    mapping = FieldMapping({"genericContact": {"tier": "Tier", "segment": "Segment"}})
    record = build_record(ContactMapper(), FrontItem(FRONT_CONTACT), mapping)
    assert record.fields["tier"] == "gold"
    assert record.fields["segment"] is None  # mapped but absent in Front


def test_write_splits_standard_and_custom_fields() -> None:
    mapping = FieldMapping({"genericContact": {"tier": "Tier"}})
    standard, custom = parse_write(
        ContactMapper(), {"firstName": "Ada", "tier": "silver"}, mapping, operation="update"
    )
    assert standard.model_fields_set == {"firstName"} and standard.firstName == "Ada"
    assert custom == {"Tier": "silver"}


def test_write_keeps_explicit_null_and_drops_unset() -> None:
    standard, _ = parse_write(
        ContactMapper(), {"description": None}, FieldMapping(), operation="update"
    )
    assert standard.model_fields_set == {"description"} and standard.description is None


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"email": "nope"}, "fields.email"),
        ({"favouriteColour": "blue"}, "fields.favouriteColour"),
        ({"phoneNumber": "call me"}, "fields.phoneNumber"),
    ],
)
def test_invalid_write_names_the_field_path(fields: dict[str, Any], path: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_write(ContactMapper(), fields, FieldMapping(), operation="create")
    assert caught.value.fields == [path]
    assert path in caught.value.message


def test_fields_must_be_an_object() -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_write(ContactMapper(), ["email"], FieldMapping(), operation="create")
    assert caught.value.fields == ["fields"]


def test_create_handles_from_email_and_phone() -> None:
    assert handles_for_create(GenericContactFields(email="a@b.co", phoneNumber=None)) == [
        {"handle": "a@b.co", "source": "email"}
    ]


@given(st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=8), min_size=1, max_size=4))
def test_split_then_join_gives_the_name_back(words: list[str]) -> None:
    name = " ".join(words)
    first, last = split_name(name)
    assert written(first, last).name == name
    assert first == words[0]


def test_split_name_of_nothing() -> None:
    assert split_name(None) == (None, None)
    assert split_name("   ") == (None, None)
    assert split_name("Cher") == ("Cher", None)


def test_a_kept_split_is_read_while_front_has_the_name_it_was_written_as() -> None:
    kept = written("  Grace\u00a0Brewster ", "Hopper")
    assert kept == NameSplit("Grace Brewster Hopper", "Grace Brewster", "Hopper")
    item = FrontItem(FRONT_CONTACT, {KEPT: kept_related(kept)})
    record = build_record(ContactMapper(), item, FieldMapping())
    assert (record.fields["firstName"], record.fields["lastName"]) == ("Grace Brewster", "Hopper")
    renamed = FrontItem({**FRONT_CONTACT, "name": "Grace Hopper"}, {KEPT: kept_related(kept)})
    record = build_record(ContactMapper(), renamed, FieldMapping())
    assert (record.fields["firstName"], record.fields["lastName"]) == ("Grace", "Hopper")


def test_a_written_half_without_words_is_none() -> None:
    assert written(" ", None) == NameSplit("", None, None)
    assert written(None, "Okafor") == NameSplit("Okafor", None, "Okafor")
