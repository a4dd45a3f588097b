"""Checks `custom_fields` objects against the company's custom field definitions.

Keys are field names (as in Front); each value must suit the field's type, or
be null to clear it. Front answers 400 for invalid custom fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .database import Database
from .errors import FrontError
from .records import CustomField


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_teammate(db: Database, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    wanted = value.lower()
    return any(t.id == value or t.email.lower() == wanted for t in db.teammates.values())


# field type -> does the value fit (given the database and the field definition)
TYPE_CHECKS: dict[str, Callable[[Database, CustomField, Any], bool]] = {
    "string": lambda db, f, v: isinstance(v, str),
    "boolean": lambda db, f, v: isinstance(v, bool),
    "number": lambda db, f, v: _is_number(v),
    "datetime": lambda db, f, v: _is_number(v),
    "enum": lambda db, f, v: isinstance(v, str) and v in {x["value"] for x in f.values or []},
    "teammate": lambda db, f, v: _is_teammate(db, v),
    "inbox": lambda db, f, v: isinstance(v, str) and v in db.inboxes,
}


def validate_custom_fields(db: Database, target: str, values: dict[str, Any]) -> dict[str, Any]:
    """The custom fields to store (nulls dropped), or 400 naming the bad field."""
    defined = {field.name: field for field in db.fields_for(target)}
    kept: dict[str, Any] = {}
    for name, value in values.items():
        field = defined.get(name)
        if field is None:
            raise FrontError(400, f"Unknown custom field {name!r} for {target}s")
        if value is None:
            continue
        if not TYPE_CHECKS[field.type](db, field, value):
            raise FrontError(400, f"Invalid value for custom field {name!r} (type {field.type})")
        kept[name] = value
    return kept
