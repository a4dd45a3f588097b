"""pydantic's validation errors said plainly: where, and what to send there.

One translation for every model (unified fields, custom models, settings): pydantic's error
types and contexts become short predicates ("must be an email address like
ada@example.com"), paths lose pydantic's union labels (``list[constrained-str]``,
``TagChanges``), and a value that fits none of a union's forms gets one message naming the
forms. A type says what it looks like with :class:`Described` in its ``Annotated``
metadata; raw patterns and class names never reach a message.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, SecretStr
from pydantic_core import ErrorDetails

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Described:
    """``Annotated`` metadata: what a value of this type looks like, for messages."""

    text: str


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (field names and list positions) and what."""

    path: Path
    message: str

    def where(self, prefix: str = "") -> str:
        """The path written as ``fields.domains[0]`` (``prefix`` first)."""
        text = prefix
        for part in self.path:
            text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
        return text


_CONSTRAINTS: Mapping[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda c: "is required",
    "extra_forbidden": lambda c: "is not a field here",
    "string_too_short": lambda c: (
        "must not be empty"
        if c["min_length"] == 1
        else f"must be {c['min_length']} characters or more"
    ),
    "string_too_long": lambda c: f"must be at most {c['max_length']} characters",
    "too_short": lambda c: f"must hold at least {c['min_length']} items",
    "too_long": lambda c: f"must hold at most {c['max_length']} items",
    "greater_than": lambda c: f"must be more than {_number(c['gt'])}",
    "greater_than_equal": lambda c: f"must be {_number(c['ge'])} or more",
    "less_than": lambda c: f"must be less than {_number(c['lt'])}",
    "less_than_equal": lambda c: f"must be {_number(c['le'])} or less",
    "literal_error": lambda c: f"must be one of {c['expected']}",
    "enum": lambda c: f"must be one of {c['expected']}",
    "finite_number": lambda c: "must be a finite number",
    "int_from_float": lambda c: "must be a whole number",
}
"""pydantic error type -> the message, from its context."""

def _number(value: Any) -> Any:
    """``0.0`` as ``0``: a bound is shown as people write it."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


_OWN_MESSAGE = frozenset({"value_error", "assertion_error"})
"""Errors a validator of ours raised: its message is already written for people."""


def problems(errors: Iterable[ErrorDetails], model: type[BaseModel]) -> list[Problem]:
    """``ValidationError.errors()`` of ``model`` as plain problems, one per path (the errors
    of one union become one problem at the union's path)."""
    found: dict[Path, str] = {}
    for error in errors:
        path, annotation, in_union = _resolve(model, error["loc"])
        if path not in found:
            found[path] = _message(error, annotation, in_union)
    return [Problem(path, message) for path, message in found.items()]


def _message(error: ErrorDetails, annotation: Any, in_union: bool) -> str:
    kind, context = error["type"], error.get("ctx") or {}
    if in_union:
        return f"must be {describe(annotation)}"
    if kind in _CONSTRAINTS:
        return _CONSTRAINTS[kind](context)
    if kind in _OWN_MESSAGE:
        return str(context.get("error", error["msg"]))
    if kind == "string_pattern_mismatch" or kind.endswith(("_type", "_parsing")):
        return f"must be {describe(annotation)}"
    return error["msg"]  # a PydanticCustomError of ours: already plain


def describe(annotation: Any) -> str:
    """What a value of ``annotation`` looks like, as a noun phrase ("an email address like
    ada@example.com", "true or false")."""
    annotation, described = _unwrap(annotation)
    if described is not None:
        return described
    members = _members(annotation)
    if len(members) > 1:
        return ", or ".join(describe(member) for member in members)
    origin = get_origin(annotation)
    if origin is Literal:
        return "one of " + ", ".join(repr(value) for value in get_args(annotation))
    if origin in (list, tuple, set, frozenset, Sequence):
        items = get_args(annotation)
        return f"a list whose items are each {describe(items[0])}" if items else "a list"
    if origin in (dict, Mapping) or annotation in (dict, Mapping):
        return "an object"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        keys = " and ".join(", ".join(annotation.model_fields).rsplit(", ", 1))
        return f"an object with {keys}"
    return _SIMPLE.get(annotation, "a value of the kind this field takes")


_SIMPLE: Mapping[Any, str] = {
    str: "text",
    SecretStr: "text",
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    datetime: "a time like 2024-05-01T12:00:00Z",
    date: "a date like 2024-05-01",
    type(None): "null",
}


def _unwrap(annotation: Any) -> tuple[Any, str | None]:
    """``annotation`` without ``Annotated`` layers or an optional ``None``, and the text of a
    :class:`Described` found on the way (the outermost one)."""
    described: str | None = None
    while True:
        if get_origin(annotation) is Annotated:
            base, *metadata = get_args(annotation)
            for item in metadata:
                if isinstance(item, Described) and described is None:
                    described = item.text
            annotation = base
            continue
        members = _members(annotation)
        if len(members) == 1 and members[0] is not annotation:
            annotation = members[0]
            continue
        return annotation, described


def _members(annotation: Any) -> list[Any]:
    """A union's members other than None; ``[annotation]`` for anything else."""
    if get_origin(annotation) in (Union, types.UnionType):
        return [member for member in get_args(annotation) if member is not type(None)]
    return [annotation]


def _resolve(model: type[BaseModel], loc: tuple[str | int, ...]) -> tuple[Path, Any, bool]:
    """pydantic's ``loc`` as the caller's path, the annotation found there, and whether the
    walk stopped at a union (the rest of ``loc`` names pydantic's union labels)."""
    path: list[str | int] = []
    current: Any = model
    for part in loc:
        current, _ = _unwrap(current)
        if len(_members(current)) > 1:
            return tuple(path), current, True
        current = _child(current, part)
        path.append(part)
    return tuple(path), current, False


def _child(annotation: Any, part: str | int) -> Any:
    """The annotation of ``part`` inside ``annotation`` (Any when it cannot be told)."""
    origin = get_origin(annotation)
    arguments = get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field is not None else Any
    if origin in (list, set, frozenset, Sequence) and arguments:
        return arguments[0]
    if origin is tuple and arguments:
        return arguments[0]
    if origin in (dict, Mapping) and len(arguments) == 2:
        return arguments[1]
    return Any
