"""A fields model's read validator: a mapper's values validated straight into JSON form.

A listing validates the fields of every record it reads. Validating them into the model and
dumping the model builds an instance per record only to take it apart; a TypedDict derived
from the model (the same annotations, constraints and config) validates them into a dict,
and its serializer gives the JSON form the model's would.
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
    adapter: TypeAdapter[dict[str, Any]] = TypeAdapter(values)
    validator, serializer = adapter.validator, adapter.serializer

    def validate(fields: Mapping[str, Any]) -> dict[str, Any]:
        dumped: dict[str, Any] = serializer.to_python(
            validator.validate_python(fields), mode="json"
        )
        return dumped

    return validate


@cache
def json_fields_page(model: type[UnifiedFields]) -> JsonFieldsPage | None:
    """:func:`json_fields` for a list of records' values; one failing value fails the call."""
    values = _values(model)
    if values is None:
        return None
    adapter: TypeAdapter[list[dict[str, Any]]] = TypeAdapter(list[values])  # type: ignore[valid-type]
    validator, serializer = adapter.validator, adapter.serializer

    def validate(page: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        dumped: list[dict[str, Any]] = serializer.to_python(
            validator.validate_python(page), mode="json"
        )
        return dumped

    return validate


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
