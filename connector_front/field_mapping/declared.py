"""The keys the host declares, per model, read from both forms of its settings.

``field_keys`` gives each key its type (and values, default, label). The short form,
``field_mapping`` (``priority = "Priority"``), declares a key with its default Front field;
its type is that of the model's own field of that name where the model has one (ticketIssue
``priority`` is a string), else it is learnt from each owner's default Front field (so a key
for Front's "Order number" string field refuses to map onto a boolean field).
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args, get_origin

from connector_front.field_mapping.config import FieldKeySetting, KeyType


@dataclass(frozen=True)
class DeclaredKey:
    model: str
    key: str
    type: KeyType | None
    """None: declared in the short form with no type to read; learnt from the default field."""
    values: tuple[str, ...] | None = None
    default: str | None = None
    label: str | None = None

    @property
    def title(self) -> str:
        """What people call it: its label, else its key in words ("orderNumber" -> "Order
        number")."""
        if self.label:
            return self.label
        words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", self.key).replace("_", " ").lower()
        return words[:1].upper() + words[1:]

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "type": self.type,
            "values": list(self.values) if self.values is not None else None,
            "default": self.default,
            "label": self.title,
        }


class Declarations:
    """Every declared key, by model then key, in the order the settings give them."""

    def __init__(self, keys: Iterable[DeclaredKey] = ()) -> None:
        self._by_model: dict[str, dict[str, DeclaredKey]] = {}
        for declared in keys:
            self._by_model.setdefault(declared.model, {})[declared.key] = declared

    def for_model(self, model: str) -> Mapping[str, DeclaredKey]:
        return self._by_model.get(model, {})

    def models(self) -> list[str]:
        return list(self._by_model)

    def __iter__(self) -> Iterator[DeclaredKey]:
        for keys in self._by_model.values():
            yield from keys.values()

    def __bool__(self) -> bool:
        return bool(self._by_model)


def declarations(
    short: Mapping[str, Mapping[str, str]],
    typed: Mapping[str, Mapping[str, FieldKeySetting]],
    fields_of: Mapping[str, Mapping[str, Any]],
) -> Declarations:
    """The declarations of both forms; ``fields_of``: model -> its unified fields' annotations
    (a short-form key naming one takes its type)."""
    found = []
    for model, table in short.items():
        for key, default in table.items():
            kind, values = annotation_type(fields_of.get(model, {}).get(key))
            found.append(DeclaredKey(model, key, kind, values, default))
    for model, settings in typed.items():
        for key, setting in settings.items():
            values = tuple(setting.values) if setting.values is not None else None
            found.append(
                DeclaredKey(model, key, setting.type, values, setting.default, setting.label)
            )
    return Declarations(found)


SIMPLE: Mapping[Any, KeyType] = {str: "string", bool: "boolean", int: "number",
                                  float: "number", datetime: "datetime"}  # fmt: skip
"""Python type of a unified field -> the key type it reads as."""


def annotation_type(annotation: Any) -> tuple[KeyType | None, tuple[str, ...] | None]:
    """A unified field's type as a key type (an optional one, unwrapped; a Literal of strings
    an enum); (None, None) when it is none of them or there is no field."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        kinds = [a for a in get_args(annotation) if a is not type(None)]
        if len(kinds) != 1:
            return None, None
        annotation = kinds[0]
    if get_origin(annotation) is typing.Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) is Literal:
        values = get_args(annotation)
        if all(isinstance(v, str) for v in values):
            return "enum", tuple(values)
        return None, None
    return SIMPLE.get(annotation), None
