"""The read validator derived from each fields model gives exactly what the model gives, or
fails so that the model decides. Pure logic over the real models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Any, ClassVar, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BeforeValidator, PlainSerializer, TypeAdapter, ValidationError, field_validator

from connector_front.field_mapping import FieldMapping
from connector_front.mappers import BUILTIN_MAPPERS
from connector_front.mappers.base import FrontItem, Mapper, Unified
from connector_front.mappers.generic_contact import ContactMapper
from connector_front.models.base import UnifiedFields
from connector_front.models.generic_contact import GenericContactFields
from connector_front.models.json_fields import _values, is_json_form, json_fields
from connector_front.records import build_record

FIELDS_MODELS = sorted({m.fields_model for m in BUILTIN_MAPPERS}, key=lambda m: m.__name__)

INTERESTING: list[Any] = [
    None, True, 0, 7, 1.5, "", "  padded  ", "x" * 300, "y" * 600, "a@b.co", " a@b.co ",
    "not an email", "+1 555 0100", "(0) 12-34", "call me", "example.com", "EXAMPLE.COM",
    "-bad-.com", "open", "inProgress", "archived", "tea_1", ["a", " b "], ["example.com"],
    ["x" * 300], {"id": "tea_1"}, {"id": ""}, {"add": ["a"]},
    {"object": "resourceRef", "model": "genericUser", "id": "tea_1"},
]  # fmt: skip
"""Values that each exercise a constraint, a config setting or a type of some field."""

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, width=32),
    st.text(max_size=12),
    st.sampled_from(
        [
            "", "  padded  ", "x" * 300, "y" * 600, "a@b.co", " a@b.co ", "not an email",
            "+1 555 0100", "(0) 12-34", "call me", "example.com", "EXAMPLE.COM", "-bad-.com",
            "open", "inProgress", "onHold", "closed", "archived", "tea_1", "inb_1",
        ]
    ),
    st.lists(st.sampled_from(["a", " b ", "example.com", "x" * 300, ""]), max_size=3),
    st.fixed_dictionaries({"id": st.sampled_from(["tea_1", "", "inb_2"])}),
    st.fixed_dictionaries(
        {
            "object": st.just("resourceRef"),
            "model": st.sampled_from(["genericUser", "ticketProject", ""]),
            "id": st.sampled_from(["tea_1", ""]),
        }
    ),
    st.fixed_dictionaries({"add": st.lists(st.text(max_size=3), max_size=2)}),
)  # fmt: skip


def by_model(model: type[UnifiedFields], values: dict[str, Any]) -> dict[str, Any] | None:
    """The model's own answer: its JSON form, or None when it refuses the values."""
    try:
        return model.model_validate(values).model_dump(mode="json")
    except ValidationError:
        return None


def by_read_validator(model: type[UnifiedFields], values: dict[str, Any]) -> dict[str, Any] | None:
    validate = json_fields(model)
    assert validate is not None
    try:
        return validate(values)
    except ValidationError:
        return None


@pytest.mark.parametrize("model", FIELDS_MODELS, ids=lambda m: m.__name__)
def test_every_fields_model_has_a_read_validator(model: type[UnifiedFields]) -> None:
    assert json_fields(model) is not None


@pytest.mark.parametrize("model", FIELDS_MODELS, ids=lambda m: m.__name__)
@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_the_read_validator_accepts_only_what_the_model_accepts_and_gives_the_same(
    model: type[UnifiedFields], data: st.DataObject
) -> None:
    # None is valid for every field: half the draws, so that whole valid records are common
    values = {
        name: data.draw(st.one_of(st.none(), VALUES), label=name) for name in model.model_fields
    }
    fast = by_read_validator(model, values)
    if fast is not None:
        expected = by_model(model, values)
        assert expected is not None, "the read validator took values the model refuses"
        assert fast == expected
        assert list(fast) == list(expected)  # the model's field order


@pytest.mark.parametrize("model", FIELDS_MODELS, ids=lambda m: m.__name__)
def test_each_field_alone_takes_each_value_as_the_model_does(model: type[UnifiedFields]) -> None:
    """Every field set to every one of the values above, the others null: deterministic."""
    for name in model.model_fields:
        for value in INTERESTING:
            values = {other: None for other in model.model_fields} | {name: value}
            fast = by_read_validator(model, values)
            if fast is not None:
                assert fast == by_model(model, values), (name, value)


@pytest.mark.parametrize("model", FIELDS_MODELS, ids=lambda m: m.__name__)
def test_a_missing_field_is_left_to_the_model_and_its_default(
    model: type[UnifiedFields],
) -> None:
    first = next(iter(model.model_fields))
    values = {name: None for name in model.model_fields if name != first}
    assert by_read_validator(model, values) is None
    assert by_model(model, values) == {name: None for name in model.model_fields}


def test_a_model_with_a_validator_of_its_own_validates_itself() -> None:
    class Shouting(GenericContactFields):
        @field_validator("firstName")
        @classmethod
        def _upper(cls, value: str | None) -> str | None:
            return value.upper() if value else value

    class ShoutingMapper(ContactMapper):
        fields_model = Shouting

    assert json_fields(Shouting) is None
    front = {"id": "crd_1", "name": "ada king", "handles": []}
    record = build_record(ShoutingMapper(), FrontItem(front), FieldMapping())
    assert record.fields["firstName"] == "ADA"


class Counted(UnifiedFields):
    """One field, counting its validations (metadata in the annotation: kept by the read
    validator, unlike a decorator)."""

    seen: ClassVar[list[Any]] = []
    name: Annotated[str | None, BeforeValidator(lambda v: Counted.seen.append(v) or v)] = None
    email: Annotated[str | None, BeforeValidator(lambda v: v)] = None


class CountedMapper(Mapper):
    model = "genericWorkspace"
    front_object = "thing"
    fields_model = Counted

    def to_unified(self, item: FrontItem) -> Unified:
        return Unified(id=item.front["id"], fields={"name": item.front["name"], "email": None})


def test_each_record_is_validated_once_and_through_the_read_validator() -> None:
    Counted.seen.clear()
    assert json_fields(Counted) is not None
    records = [
        build_record(CountedMapper(), FrontItem({"id": f"t_{n}", "name": f"n{n}"}), FieldMapping())
        for n in range(10)
    ]
    assert Counted.seen == [f"n{n}" for n in range(10)]
    assert [r.fields for r in records] == [{"name": f"n{n}", "email": None} for n in range(10)]


JSON_FORM_MODELS = {"GenericContactFields", "GenericCompanyFields", "GenericUserFields",
                    "GenericWorkspaceFields"}  # fmt: skip
"""Fields models whose validated values are already JSON: strings, booleans, lists, null."""


@pytest.mark.parametrize("model", FIELDS_MODELS, ids=lambda m: m.__name__)
def test_a_model_is_dumped_after_validation_unless_its_values_are_json(
    model: type[UnifiedFields],
) -> None:
    values = _values(model)
    assert values is not None
    assert is_json_form(TypeAdapter(values).core_schema) is (model.__name__ in JSON_FORM_MODELS)


class Stamped(UnifiedFields):
    at: datetime | None = None


class Scored(UnifiedFields):
    score: float | None = None


class Kind(Enum):
    A = "a"


class Kinded(UnifiedFields):
    kind: Kind | None = None


class Shouted(UnifiedFields):
    name: Annotated[str, PlainSerializer(str.upper)] | None = None


class Plain(UnifiedFields):
    name: str | None = None
    count: int | None = None
    tags: list[str] | None = None
    state: Literal["open", "closed"] | None = None
    flag: bool | None = None


@pytest.mark.parametrize(
    ("model", "given", "dumped"),
    [
        (Stamped, datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "2024-01-02T03:04:05Z"),
        (Scored, 1.5, 1.5),  # float is left to the dump: how it writes inf and NaN is config
        (Kinded, Kind.A, "a"),
        (Shouted, "ada", "ADA"),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else None,
)
def test_a_value_that_may_not_be_json_once_validated_is_dumped(
    model: type[UnifiedFields], given: object, dumped: object
) -> None:
    values = _values(model)
    assert values is not None and not is_json_form(TypeAdapter(values).core_schema)
    validate = json_fields(model)
    assert validate is not None
    (name,) = model.model_fields
    assert (
        validate({name: given}) == {name: dumped} == model(**{name: given}).model_dump(mode="json")
    )


def test_strings_numbers_booleans_literals_and_lists_are_json_once_validated() -> None:
    values = _values(Plain)
    assert values is not None and is_json_form(TypeAdapter(values).core_schema)
    validate = json_fields(Plain)
    assert validate is not None
    given = {"name": " Ada ", "count": 3, "tags": ["a", "b"], "state": "open", "flag": True}
    assert validate(given) == Plain(**given).model_dump(mode="json")
