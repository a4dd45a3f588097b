"""Which Front custom field suits which declared key, and which values a field takes.

Tables, read by ``resolve`` (may a key map onto a field?), by ``choices`` (the same question
for an owner's new choice) and by writes (is this value one Front takes?). Times are
ISO-8601 in unified records and seconds in Front.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from connector_front.field_mapping.config import KeyType
from connector_front.field_mapping.definitions import FrontField

COMPATIBLE: Mapping[str, tuple[str, ...]] = {
    "string": ("string", "enum"),
    "enum": ("enum", "string"),
    "number": ("number",),
    "boolean": ("boolean",),
    "datetime": ("datetime",),
    "teammate": ("teammate",),
    "inbox": ("inbox",),
}
"""Key type -> the Front field types that can hold it (an enum's values are strings; a string
field holds any of an enum key's values)."""


def suits(kind: KeyType | None, values: Sequence[str] | None, field: FrontField) -> str | None:
    """Why ``field`` cannot hold a key of ``kind`` (with an enum's ``values``); None when it
    can. A key of no known type suits any field."""
    if kind is None:
        return None
    types = COMPATIBLE[kind]
    if field.type not in types:
        return (
            f"a {kind} key maps onto a Front {' or '.join(types)} custom field, and "
            f"{field.said()} is a {field.type} field"
        )
    if values and field.type == "enum":
        missing = [v for v in values if v not in (field.values or ())]
        if missing:
            return (
                f"it takes {', '.join(values)}, and the Front field {field.name!r} allows only "
                f"{', '.join(field.values or ()) or 'no value'} (not {', '.join(missing)})"
            )
    return None


class ValueProblem(ValueError):
    """A value the Front field cannot take; the message says what it takes."""


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _seconds(value: Any) -> float:
    """A time written as ISO-8601 (or as seconds since the epoch) -> Front's seconds."""
    if _number(value):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
    raise ValueProblem("a time such as 2026-01-31T09:00:00Z")


def _checked(test: Callable[[Any], bool], wanted: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not test(value):
            raise ValueProblem(wanted)
        return value

    return check


WRITES: Mapping[str, Callable[[Any], Any]] = {
    "string": _checked(lambda v: isinstance(v, str), "a string"),
    "enum": _checked(lambda v: isinstance(v, str), "a string"),
    "number": _checked(_number, "a number"),
    "boolean": _checked(lambda v: isinstance(v, bool), "true or false"),
    "datetime": _seconds,
    "teammate": _checked(lambda v: isinstance(v, str) and bool(v), "a teammate id or e-mail"),
    "inbox": _checked(lambda v: isinstance(v, str) and bool(v), "an inbox id"),
}
"""Front field type -> the value Front takes for a written one (a ValueProblem says what to
send instead)."""


def front_value(
    field: FrontField | None, key_values: Sequence[str] | None, value: Any
) -> Any:
    """``value`` as the Front field takes it: its type's check, and for an enum key or field,
    one of the allowed values (both lists, where both are known). ``field`` None: only the
    key's own values are checked."""
    allowed = _allowed(field, key_values)
    if field is not None:
        write = WRITES.get(field.type)
        if write is not None:
            value = write(value)
    if allowed is not None and value not in allowed:
        raise ValueProblem(f"one of {', '.join(repr(v) for v in allowed)}")
    return value


def _allowed(field: FrontField | None, key_values: Sequence[str] | None) -> list[str] | None:
    """The values a write may hold: the key's and the enum field's choices, both where both."""
    choices = field.values if field is not None and field.type == "enum" else None
    if choices is None:
        return list(key_values) if key_values is not None else None
    if key_values is None:
        return list(choices)
    return [v for v in key_values if v in choices]


def unified_value(field: FrontField | None, value: Any) -> Any:
    """A Front value as records give it: a datetime field's seconds as ISO-8601 UTC."""
    if field is not None and field.type == "datetime" and _number(value):
        try:
            moment = datetime.fromtimestamp(float(value), UTC)
        except (OverflowError, OSError, ValueError):
            return value
        return moment.isoformat().replace("+00:00", "Z")
    return value
