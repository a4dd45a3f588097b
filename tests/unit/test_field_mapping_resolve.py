"""One owner's mapping, decided from its choices, the host's defaults and Front's definitions:
reads, warnings, writes and type checks (pure: no Front, no store)."""

from __future__ import annotations

from typing import Any

import pytest

from connector_front.errors import InvalidInputError
from connector_front.field_mapping.choices import parse_choices, refuse_shared_fields
from connector_front.field_mapping.declared import Declarations, DeclaredKey
from connector_front.field_mapping.definitions import Definitions, FrontField
from connector_front.field_mapping.resolve import Choice, OwnerMapping, resolve

PRIORITY = FrontField("fld_1", "Priority", "enum", ("Low", "High", "Urgent"))
ORDER = FrontField("fld_2", "Order number", "string")
ESCALATED = FrontField("fld_3", "Escalated", "boolean")
DUE = FrontField("fld_4", "Due", "datetime")
FIELDS = Definitions((PRIORITY, ORDER, ESCALATED, DUE), read_at=0.0)

PRIORITY_KEY = DeclaredKey("ticketIssue", "priority", "string", default="Priority")
ORDER_KEY = DeclaredKey("ticketIssue", "orderNumber", None, default="Order number")  # short form
URGENCY_KEY = DeclaredKey("ticketIssue", "urgency", "enum", ("Low", "High"), default="Priority")
DUE_KEY = DeclaredKey("ticketIssue", "due", "datetime", default="Due")
SEGMENT_KEY = DeclaredKey("ticketIssue", "segment", None, default="Segment")


def _mapping(
    *keys: DeclaredKey,
    choices: dict[str, Choice | None] | None = None,
    definitions: Definitions | None = FIELDS,
) -> OwnerMapping:
    declared = {k.key: k for k in keys}
    return resolve("ticketIssue", "acme", declared, choices or {}, definitions, "conversation")


def _write(mapping: OwnerMapping, **fields: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return mapping.split_write("ticketIssue", fields)


# -- reads -----------------------------------------------------------------------------


def test_a_default_name_found_in_front_reads_that_field() -> None:
    mapping = _mapping(PRIORITY_KEY)
    assert mapping.read("ticketIssue", {"Priority": "High", "Other": 1}) == {"priority": "High"}
    assert mapping.warnings("ticketIssue") == []


def test_a_choice_is_held_by_id_so_a_rename_in_front_follows() -> None:
    renamed = Definitions((FrontField("fld_2", "PO number", "string"),), read_at=1.0)
    chosen = {"orderNumber": Choice("fld_2", "Order number")}
    mapping = _mapping(ORDER_KEY, choices=chosen, definitions=renamed)
    assert mapping.read("ticketIssue", {"PO number": "A-1"}) == {"orderNumber": "A-1"}
    assert _write(mapping, orderNumber="A-2") == ({}, {"PO number": "A-2"})


def test_a_field_deleted_in_front_reads_null_with_a_warning_and_refuses_writes() -> None:
    gone = Definitions((ORDER,), read_at=1.0)
    mapping = _mapping(PRIORITY_KEY, choices={"priority": Choice("fld_1", "Priority")},
                       definitions=gone)  # fmt: skip
    assert mapping.read("ticketIssue", {"Priority": "High"}) == {"priority": None}
    (warning,) = mapping.warnings("ticketIssue")
    assert warning.field == "priority" and "deleted in Front" in warning.message
    assert "'Priority' (fld_1)" in warning.message
    with pytest.raises(InvalidInputError, match="deleted in Front, so it cannot be written"):
        _write(mapping, priority="High")


def test_a_default_naming_a_field_the_account_lacks_is_reported_with_the_known_ones() -> None:
    mapping = _mapping(SEGMENT_KEY)
    assert mapping.read("ticketIssue", {"Segment": "x"}) == {"segment": None}
    (problem,) = mapping.problems()
    assert problem.field == "ticketIssue.segment"
    for said in ("'Segment'", "does not have", "'Priority' (enum: Low, High, Urgent)",
                 "'Order number' (string)"):  # fmt: skip
        assert said in problem.message
    with pytest.raises(InvalidInputError) as caught:
        _write(mapping, segment="Retail")
    assert "'Segment'" in caught.value.message and "'Escalated' (boolean)" in caught.value.message
    assert caught.value.details == {"fields": ["fields.segment"]}


def test_a_datetime_field_reads_as_iso_8601_and_takes_either_form() -> None:
    mapping = _mapping(DUE_KEY)
    assert mapping.read("ticketIssue", {"Due": 1767225600}) == {"due": "2026-01-01T00:00:00Z"}
    assert _write(mapping, due="2026-01-01T00:00:00Z") == ({}, {"Due": 1767225600.0})
    assert _write(mapping, due=1767225600) == ({}, {"Due": 1767225600.0})


def test_without_definitions_names_are_used_unchecked() -> None:
    failed = Definitions.failed("insufficient_permission: custom_fields:read", read_at=0.0)
    for definitions in (None, failed):
        mapping = _mapping(SEGMENT_KEY, definitions=definitions)
        assert mapping.read("ticketIssue", {"Segment": "x"}) == {"segment": "x"}
        assert _write(mapping, segment="y") == ({}, {"Segment": "y"})


# -- an owner's null ---------------------------------------------------------------------


def test_a_key_the_owner_maps_to_null_reads_null_quietly_and_refuses_a_value() -> None:
    mapping = _mapping(PRIORITY_KEY, choices={"priority": None})
    assert mapping.read("ticketIssue", {"Priority": "High"}) == {"priority": None}
    assert mapping.warnings("ticketIssue") == []  # on purpose: nothing to warn about
    with pytest.raises(InvalidInputError) as caught:
        _write(mapping, priority="High")
    assert "not mapped for this owner" in caught.value.message
    assert "PUT /connections/acme/field-mapping" in caught.value.message
    assert _write(mapping, priority=None) == ({}, {})  # null: already null, nothing lost


def test_a_declared_key_without_default_or_choice_is_not_mapped() -> None:
    bare = DeclaredKey("ticketIssue", "team", "string")
    mapping = _mapping(bare)
    assert mapping.read("ticketIssue", {}) == {"team": None} and not mapping.problems()
    with pytest.raises(InvalidInputError, match="not mapped to a Front custom field"):
        _write(mapping, team="x")


# -- types and values ----------------------------------------------------------------------


def test_a_field_of_the_wrong_type_is_a_problem() -> None:
    flag = DeclaredKey("ticketIssue", "priority", "string", default="Escalated")
    (problem,) = _mapping(flag).problems()
    assert "a string key maps onto a Front string or enum custom field" in problem.message
    assert "'Escalated' (boolean) is a boolean field" in problem.message


def test_an_enum_key_needs_its_values_among_the_front_fields_choices() -> None:
    tiers = DeclaredKey("ticketIssue", "tier", "enum", ("Low", "Gold"), default="Priority")
    (problem,) = _mapping(tiers).problems()
    assert "takes Low, Gold" in problem.message and "not Gold" in problem.message
    assert not _mapping(URGENCY_KEY).problems()


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        (PRIORITY_KEY, "Critical", "one of 'Low', 'High', 'Urgent'"),
        (URGENCY_KEY, "Urgent", "one of 'Low', 'High'"),  # the key's values and Front's both
        (ORDER_KEY, 7, "a string"),
        (DUE_KEY, "next week", "a time such as"),
    ],
)
def test_a_value_a_field_does_not_take_is_a_400_saying_what_it_takes(
    key: DeclaredKey, value: Any, said: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        _write(_mapping(key), **{key.key: value})
    assert said in caught.value.message and repr(value) in caught.value.message
    assert caught.value.details == {"fields": [f"fields.{key.key}"]}


def test_a_short_form_key_takes_the_type_of_its_default_front_field() -> None:
    chosen = {"orderNumber": Choice("fld_3", "Escalated")}
    (problem,) = _mapping(ORDER_KEY, choices=chosen).problems()
    assert "a string key" in problem.message  # "Order number" is a string field
    assert _mapping(ORDER_KEY).entries["orderNumber"].type == "string"


# -- an owner's new choices ----------------------------------------------------------------

DECLARED = Declarations([PRIORITY_KEY, ORDER_KEY])


def _parse(body: Any) -> dict[str, dict[str, Choice | None]]:
    return parse_choices(body, DECLARED, {"ticketIssue": FIELDS}, {"ticketIssue": "conversation"})


def test_choices_name_a_field_by_name_or_id_and_are_held_by_id() -> None:
    parsed = _parse({"ticketIssue": {"priority": "Priority", "orderNumber": "fld_2"}})
    assert parsed == {"ticketIssue": {"priority": Choice("fld_1", "Priority"),
                                      "orderNumber": Choice("fld_2", "Order number")}}  # fmt: skip
    assert _parse({"ticketIssue": {"priority": None}}) == {"ticketIssue": {"priority": None}}


@pytest.mark.parametrize(
    ("body", "said", "where"),
    [
        ([], "must be an object", "body"),
        ({"genericUser": {"x": "y"}}, "declares no keys for it", "genericUser"),
        ({"ticketIssue": "Priority"}, "must be an object", "ticketIssue"),
        ({"ticketIssue": {"colour": "Priority"}}, "declared keys: priority, orderNumber",
         "ticketIssue.colour"),
        ({"ticketIssue": {"priority": 3}}, "name or id, or null", "ticketIssue.priority"),
        ({"ticketIssue": {"priority": "Urgency"}}, "no conversation custom field named",
         "ticketIssue.priority"),
        ({"ticketIssue": {"priority": "Escalated"}}, "'Escalated' (boolean) is a boolean",
         "ticketIssue.priority"),
    ],
)  # fmt: skip
def test_a_bad_choice_is_a_400_naming_the_key_and_what_would_do(
    body: Any, said: str, where: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        _parse(body)
    assert said in caught.value.message
    assert caught.value.details == {"fields": [where]}


def test_two_keys_on_one_front_field_are_refused() -> None:
    chosen = {"orderNumber": Choice("fld_1", "Priority")}  # priority maps there by default
    with pytest.raises(InvalidInputError, match="would both map onto the Front custom field"):
        refuse_shared_fields(_mapping(PRIORITY_KEY, ORDER_KEY, choices=chosen))
