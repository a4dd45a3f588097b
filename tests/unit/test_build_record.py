"""Front JSON -> unified record: what validation keeps, nulls and reports, and how the field
mapping joins in. Pure logic over the real mappers and models."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest
from pydantic import ValidationError, model_validator

from connector_front.errors import UpstreamError
from connector_front.field_mapping import FieldMapping
from connector_front.mappers.base import FrontItem, Unified
from connector_front.mappers.generic_company import CompanyMapper
from connector_front.mappers.generic_contact import ContactMapper
from connector_front.mappers.ticket_issue import IssueMapper
from connector_front.models.generic_contact import GenericContactFields
from connector_front.models.record import Record
from connector_front.records import build_record, build_records, front_records

ACCOUNT: dict[str, Any] = {
    "id": "acc_1",
    "name": "  Navy Yard  ",
    "description": "Shipbuilders",
    "domains": ["navy.example", "yard.example"],
    "custom_fields": {"Region": "EMEA", "Seats": 40, "Meta": {"a": [1, 2]}},
    "created_at": 1700000000,
    "updated_at": 1700000100.25,
}


def test_validated_values_are_what_the_record_carries() -> None:
    record = build_record(CompanyMapper(), FrontItem(ACCOUNT), FieldMapping())
    assert record.fields == {
        "name": "Navy Yard",  # whitespace stripped by the model
        "description": "Shipbuilders",
        "domains": ["navy.example", "yard.example"],
    }
    assert list(record.fields) == ["name", "description", "domains"]  # the model's order
    assert record.createdAt == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert record.updatedAt == datetime(2023, 11, 14, 22, 15, 0, 250000, tzinfo=UTC)
    assert record.warnings is None and record.rawResource is None
    assert set(record.to_json()) == {
        "object", "model", "id", "fields", "createdAt", "updatedAt"
    }  # fmt: skip


def test_every_invalid_value_is_nulled_and_reported_in_field_order() -> None:
    bad = {**ACCOUNT, "name": "x" * 300, "domains": ["not a domain"], "description": "ok"}
    record = build_record(CompanyMapper(), FrontItem(bad), FieldMapping())
    assert record.fields == {"name": None, "description": "ok", "domains": None}
    assert record.warnings is not None
    assert [w.field for w in record.warnings] == ["name", "domains"]
    assert all(w.message.startswith("Front value dropped: ") for w in record.warnings)
    assert "255" in record.warnings[0].message  # pydantic's reason, passed on
    assert record.to_json()["warnings"] == [w.model_dump() for w in record.warnings]


def test_a_mapped_standard_field_is_validated_and_a_bad_one_becomes_a_warning() -> None:
    mapping = FieldMapping({"ticketIssue": {"priority": "Priority", "team": "Team"}})
    front = {"id": "cnv_1", "status": "unassigned", "custom_fields": {"Priority": 5, "Team": 7}}
    record = build_record(IssueMapper(), FrontItem(front, {"inboxes": []}), mapping)
    assert record.fields["priority"] is None
    assert record.warnings is not None and [w.field for w in record.warnings] == ["priority"]
    assert record.fields["team"] == 7  # a custom key is passed on as Front sent it


def test_mapped_fields_follow_the_standard_ones_and_keep_front_values() -> None:
    mapping = FieldMapping({"genericCompany": {"seats": "Seats", "meta": "Meta", "gone": "Gone"}})
    record = build_record(CompanyMapper(), FrontItem(ACCOUNT), mapping)
    assert list(record.fields) == ["name", "description", "domains", "seats", "meta", "gone"]
    assert record.fields["seats"] == 40
    assert record.fields["meta"] == {"a": [1, 2]}
    assert record.fields["gone"] is None  # mapped, absent in Front: null
    assert record.warnings is None


def test_refs_are_json_ready_and_the_whole_record_dumps_to_json() -> None:
    teammate = {"id": "tea_1", "email": "a@b.co"}
    front = {"id": "cnv_1", "status": "assigned", "assignee": teammate, "tags": []}
    item = FrontItem(front, {"inboxes": [{"id": "inb_1", "name": "Support"}]})
    record = build_record(IssueMapper(), item, FieldMapping(), raw=True)
    assert record.fields["assignee"] == {
        "object": "resourceRef", "model": "genericUser", "id": "tea_1"
    }  # fmt: skip
    assert record.fields["project"] == {
        "object": "resourceRef", "model": "ticketProject", "id": "inb_1"
    }  # fmt: skip
    data = json.loads(json.dumps(record.to_json()))
    assert data["fields"] == record.fields
    assert data["rawResource"] == front  # Front's object as sent, without the related records
    assert data["createdAt"] is None


def test_raw_resource_is_a_copy() -> None:
    front = {"id": "crd_1", "name": "Ada King", "handles": []}
    record = build_record(ContactMapper(), FrontItem(front), FieldMapping(), raw=True)
    assert record.rawResource == front and record.rawResource is not front
    assert record.createdAt is None and record.warnings is None  # absent: null, no warning


class _UnknownFieldMapper(ContactMapper):
    """A mapper bug: a field its model does not have."""

    def to_unified(self, item: FrontItem) -> Unified:
        unified = super().to_unified(item)
        unified.fields["favouriteColour"] = "blue"
        return unified


def test_a_mapper_bug_is_raised_not_turned_into_a_warning() -> None:
    with pytest.raises(ValidationError):
        build_record(_UnknownFieldMapper(), FrontItem({"id": "crd_1"}), FieldMapping())


class CountingContactFields(GenericContactFields):
    """The contact fields model, counting how often it is validated."""

    validations: ClassVar[int] = 0

    @model_validator(mode="before")
    @classmethod
    def _count(cls, data: Any) -> Any:
        CountingContactFields.validations += 1
        return data


class CountingContactMapper(ContactMapper):
    fields_model = CountingContactFields


@pytest.fixture
def counting() -> CountingContactMapper:
    CountingContactFields.validations = 0
    return CountingContactMapper()


def test_a_record_is_validated_once(counting: CountingContactMapper) -> None:
    fronts = [{"id": f"crd_{n}", "name": f"Ada {n}", "handles": []} for n in range(10)]
    records = [build_record(counting, FrontItem(f), FieldMapping()) for f in fronts]
    assert CountingContactFields.validations == 10
    assert [r.fields["lastName"] for r in records] == [str(n) for n in range(10)]
    assert all(isinstance(r, Record) for r in records)


def test_a_bad_value_costs_one_more_validation_only(counting: CountingContactMapper) -> None:
    bad = {"id": "crd_1", "handles": [{"source": "email", "handle": "nope"},
                                      {"source": "phone", "handle": "call me"}]}  # fmt: skip
    record = build_record(counting, FrontItem(bad), FieldMapping())
    assert record.warnings is not None
    assert [w.field for w in record.warnings] == ["email", "phoneNumber"]
    assert CountingContactFields.validations == 2


@pytest.mark.parametrize(
    "stamp", [1e20, -1e15, 10**30, float("nan"), float("inf"), True, "1700000000"]
)
def test_a_timestamp_no_date_can_hold_is_null_not_a_crash(stamp: Any) -> None:
    front = {**ACCOUNT, "created_at": stamp, "updated_at": stamp}
    record = build_record(CompanyMapper(), FrontItem(front), FieldMapping())
    assert record.createdAt is None and record.updatedAt is None
    assert record.fields["name"] == "Navy Yard"
    assert record.warnings is not None
    assert [w.field for w in record.warnings] == ["createdAt", "updatedAt"]
    assert repr(stamp) in record.warnings[0].message


# -- a page at once -----------------------------------------------------------------------

PAGE = [
    {**ACCOUNT, "id": f"acc_{n}", "name": f"Yard {n}", "custom_fields": {"Region": f"R{n}"}}
    for n in range(5)
]


@pytest.mark.parametrize("raw", [False, True])
def test_a_page_at_once_is_the_records_one_by_one(raw: bool) -> None:
    mapping = FieldMapping({"genericCompany": {"region": "Region"}})
    items = [FrontItem(front) for front in PAGE]
    at_once = build_records(CompanyMapper(), items, mapping, raw=raw)
    one_by_one = [build_record(CompanyMapper(), item, mapping, raw=raw) for item in items]
    assert at_once == one_by_one
    assert [r.fields["region"] for r in at_once] == [f"R{n}" for n in range(5)]


def test_a_bad_value_on_a_page_warns_on_its_record_alone() -> None:
    fronts = [*PAGE[:2], {**PAGE[2], "domains": ["not a domain"]}, *PAGE[3:]]
    with pytest.raises(ValidationError):  # at once: the page fails...
        build_records(CompanyMapper(), [FrontItem(f) for f in fronts], FieldMapping())
    records = front_records(CompanyMapper(), [FrontItem(f) for f in fronts], FieldMapping())
    assert [r.warnings is not None for r in records] == [False, False, True, False, False]
    assert records[2].fields["domains"] is None and records[2].fields["name"] == "Yard 2"
    assert [r.id for r in records] == [f"acc_{n}" for n in range(5)]


def test_a_bad_timestamp_on_a_page_warns_without_a_second_pass() -> None:
    fronts = [*PAGE[:4], {**PAGE[4], "created_at": "yesterday"}]
    records = build_records(CompanyMapper(), [FrontItem(f) for f in fronts], FieldMapping())
    assert records[4].createdAt is None and records[4].warnings is not None
    assert [w.field for w in records[4].warnings] == ["createdAt"]
    assert all(r.warnings is None for r in records[:4])


def test_an_unreadable_object_on_a_page_is_named() -> None:
    fronts = [*PAGE[:3], {"name": "no id"}, *PAGE[3:]]
    with pytest.raises(UpstreamError, match=r"account \(without an id\).*no 'id'"):
        front_records(CompanyMapper(), [FrontItem(f) for f in fronts], FieldMapping())


def test_a_model_with_logic_of_its_own_is_built_record_by_record(
    counting: CountingContactMapper,
) -> None:
    fronts = [{"id": f"crd_{n}", "name": f"Ada {n}", "handles": []} for n in range(4)]
    records = build_records(counting, [FrontItem(f) for f in fronts], FieldMapping())
    assert CountingContactFields.validations == 4  # its validator ran for each record
    assert [r.fields["lastName"] for r in records] == ["0", "1", "2", "3"]
