"""A fields model's read validator: a mapper's values validated straight into JSON form.

A listing validates the fields of every record it reads. Validating them into the model and
dumping the model builds an instance per record only to take it apart; a TypedDict derived
from the model (the same annotations, constraints and config) validates them into a dict,
and its serializer gives the JSON form the model's would. When every value it validates into
is JSON already (as for contacts: strings and null), that dump is skipped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from pydantic import TypeAdapter
from typing_extensions import TypedDict  # pydantic reads TypedDicts from here before 3.12

from connector_front.models.base import UnifiedFields

JsonFields = Callable[[Mapping[str, Any]], dict[str, Any]]
"""A mapper's values (every field of the model) -> their JSON form; raises ValidationError."""
JsonFieldsPage = Callable[[list[Mapping[str, Any]]], list[dict[str, Any]]]
"""The same for a page of records at once: one call into pydantic instead of one per record."""


@cache
def json_fields(model: type[UnifiedFields]) -> JsonFields | None:
    """The read validator of ``model``. None for a model with logic a derived TypedDict would
    skip (validators, serializers, aliases, ``model_post_init``): such a model validates its
    fields itself.

    Stricter than the model in one way: a missing field is an error, not its default, so a
    caller that falls back to the model on any error gets exactly the model's result.
    """
    values = _values(model)
    if values is None:
        return None
    return _in_json_form(TypeAdapter(values))


@cache
def json_fields_page(model: type[UnifiedFields]) -> JsonFieldsPage | None:
    """:func:`json_fields` for a list of records' values; one failing value fails the call."""
    values = _values(model)
    if values is None:
        return None
    return _in_json_form(TypeAdapter(list[values]))  # type: ignore[valid-type]


def _in_json_form(adapter: TypeAdapter[Any]) -> Callable[[Any], Any]:
    """Validate with ``adapter``, then dump to JSON form; no dump when what the schema
    validates into is already JSON (strings, integers, booleans, lists of them, null)."""
    validator, serializer = adapter.validator, adapter.serializer
    if is_json_form(adapter.core_schema):
        return validator.validate_python

    def validate(values: Any) -> Any:
        return serializer.to_python(validator.validate_python(values), mode="json")

    return validate


_JSON_SCALARS = frozenset({"str", "int", "bool", "none"})
"""Core schema types whose validated value is its own JSON form (not float: inf and NaN)."""
_FIELD_KEYS = frozenset({"type", "schema", "required", "metadata"})
"""A TypedDict field with only these keys is dumped as it is (no alias, no exclusion)."""


def is_json_form(schema: Mapping[str, Any]) -> bool:
    """Whether every value ``schema`` validates into dumps to itself in JSON mode."""
    kind = schema["type"]
    if "serialization" in schema:  # a serializer of its own
        return False
    if kind in _JSON_SCALARS:
        return True
    if kind == "nullable":
        return is_json_form(schema["schema"])
    if kind == "list":
        return "items_schema" in schema and is_json_form(schema["items_schema"])
    if kind == "literal":
        return all(value is None or type(value) in (str, int, bool) for value in schema["expected"])
    if kind == "typed-dict":
        fields = schema["fields"].values()
        return not schema.get("computed_fields") and all(
            set(field) <= _FIELD_KEYS and is_json_form(field["schema"]) for field in fields
        )
    return False


@cache
def _values(model: type[UnifiedFields]) -> Any:
    """The TypedDict of ``model``'s fields (None when the model has logic of its own)."""
    if _has_own_logic(model):
        return None
    annotations = {name: info.rebuild_annotation() for name, info in model.model_fields.items()}
    typed_dict: Any = TypedDict  # built from data: a type checker reads only literal ones
    values = typed_dict(f"{model.__name__}Values", annotations)
    values.__pydantic_config__ = dict(model.model_config)  # the model's config, as it is
    return values


def _has_own_logic(model: type[UnifiedFields]) -> bool:
    decorators = model.__pydantic_decorators__
    if any(getattr(decorators, f.name) for f in dataclasses.fields(decorators)):
        return True
    if model.__pydantic_post_init__ is not None:
        return True
    return any(
        info.alias or info.validation_alias or info.serialization_alias
        for info in model.model_fields.values()
    )
