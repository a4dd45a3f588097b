"""Custom fields as a Front admin changes them in Front's settings: create, rename (or change
the description or an enum's choices) and delete.

Front's API only lists custom field definitions (`GET /contacts/custom_fields`, ...); people
edit them in Front's settings. Records keep their values by the field's name, as Front's JSON
shows them: a rename moves every stored value to the new name, a deletion drops the values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .database import Database
from .errors import FrontError
from .records import CustomField
from .settable import settable

TYPES = ("string", "boolean", "datetime", "number", "teammate", "inbox", "enum")
"""Front's custom field types (CustomFieldResponse.type)."""

HOLDERS: Mapping[str, str] = {
    "contact": "contacts",
    "account": "accounts",
    "teammate": "teammates",
    "conversation": "conversations",
    "inbox": "inboxes",
    "link": "links",
}
"""Kind of object a field applies to -> the table of records holding its values."""

EDITABLE = ("name", "description", "values")
"""What an admin can change of an existing field (its type and kind of object are fixed)."""


def _field(db: Database, ident: Any) -> CustomField:
    if not isinstance(ident, str) or ident not in db.custom_fields:
        raise FrontError(404, f"No custom field {ident!r}")
    return db.custom_fields[ident]


def _text(values: Mapping[str, Any], name: str, *, required: bool) -> str | None:
    value = values.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise FrontError(400, f"{name} must be a non-empty string")
    return value.strip()


def _choices(kind: str, given: Any) -> list[dict[str, str]] | None:
    """An enum's choices as Front lists them (``{"value", "label"}``), from strings or objects."""
    if kind != "enum":
        if given is not None:
            raise FrontError(400, "only enum fields have values")
        return None
    if not isinstance(given, list) or not given:
        raise FrontError(400, "an enum field needs values: a non-empty list of strings")
    choices = []
    for item in given:
        value = item.get("value") if isinstance(item, dict) else item
        label = item.get("label", value) if isinstance(item, dict) else item
        if not isinstance(value, str) or not value or not isinstance(label, str):
            raise FrontError(400, "each enum value must be a non-empty string")
        choices.append({"value": value, "label": label})
    return choices


def _name_free(db: Database, target: str, name: str, keep: str | None = None) -> None:
    """Front names a custom field once per kind of object."""
    for field in db.fields_for(target):
        if field.name == name and field.id != keep:
            raise FrontError(409, f"A {target} custom field named {name!r} exists ({field.id})")


def create_field(db: Database, values: Any) -> dict[str, Any]:
    """A new field: ``{"target", "name", "type", "description"?, "values"?}``."""
    given = settable("custom_fields", values, ("target", "name", "type", *EDITABLE[1:]))
    target, kind = given.get("target"), given.get("type")
    if not isinstance(target, str) or target not in HOLDERS:
        raise FrontError(400, f"target must be one of {', '.join(HOLDERS)}, got {target!r}")
    if not isinstance(kind, str) or kind not in TYPES:
        raise FrontError(400, f"type must be one of {', '.join(TYPES)}, got {kind!r}")
    name = _text(given, "name", required=True)
    assert name is not None
    _name_free(db, target, name)
    field = CustomField(
        id=db.new_id("fld"),
        target=target,
        name=name,
        description=_text(given, "description", required=False) or "",
        type=kind,
        values=_choices(kind, given.get("values")),
    )
    db.custom_fields[field.id] = field
    return {"kind": "custom_fields", "id": field.id}


def update_field(db: Database, ident: Any, values: Any) -> dict[str, Any]:
    """Rename a field (its values follow), or change its description or enum choices."""
    field = _field(db, ident)
    given = settable("custom_fields", values, EDITABLE)
    if "values" in given:
        field.values = _choices(field.type, given["values"])
    if "description" in given:
        field.description = _text(given, "description", required=False) or ""
    name = _text(given, "name", required=False)
    if name is not None and name != field.name:
        _name_free(db, field.target, name, keep=field.id)
        _rekey(db, field.target, field.name, name)
        field.name = name
    return {"kind": "custom_fields", "id": field.id}


def delete_field(db: Database, ident: Any) -> dict[str, Any]:
    """Delete a field and every value records held for it."""
    field = _field(db, ident)
    _rekey(db, field.target, field.name, None)
    del db.custom_fields[field.id]
    return {"kind": "custom_fields", "id": field.id, "deleted": True}


def _rekey(db: Database, target: str, old: str, new: str | None) -> None:
    """Move the records' values of field ``old`` to ``new`` (None: drop them)."""
    records: dict[str, Any] = getattr(db, HOLDERS[target])
    for record in records.values():
        if old not in record.custom_fields:
            continue
        kept = {k: v for k, v in record.custom_fields.items() if k != old}
        if new is not None:
            kept[new] = record.custom_fields[old]
        record.custom_fields = kept
