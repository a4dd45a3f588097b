"""Changes a person makes in Front's settings, which Front's API cannot make.

Front's API cannot rename or delete inboxes, create, rename or delete teams and teammates, or
create, rename or delete custom fields; people do it in Front's settings, silently for API
clients. The sandbox's control routes (`/_sandbox/records/...`) make the same changes, so
change detection by polling, and field mappings held by field id, can be tried against them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields as dataclass_fields
from typing import Any

from .database import Database
from .errors import FrontError
from .field_changes import create_field, delete_field, update_field
from .records import Inbox, Team, Teammate
from .settable import settable

Record = Inbox | Team | Teammate

EDITABLE: Mapping[str, tuple[str, ...]] = {
    "inboxes": ("name", "is_private", "is_public"),
    "teams": ("name",),
    "teammates": ("first_name", "last_name", "username", "is_available", "is_admin"),
}
"""Kind -> the attributes a person can change in Front's settings."""

REQUIRED: Mapping[str, tuple[str, ...]] = {
    "inboxes": ("name",),
    "teams": ("name",),
    "teammates": ("email", "username", "first_name", "last_name"),
}
"""Kind -> what a new record needs."""

_FACTORIES: Mapping[str, tuple[str, Callable[..., Record]]] = {
    "inboxes": ("inb", Inbox),
    "teams": ("tim", Team),
    "teammates": ("tea", Teammate),
}


FIELDS = "custom_fields"
"""The kind naming custom field definitions (changed by ``field_changes``)."""
KINDS = (*EDITABLE, FIELDS)


def _table(db: Database, kind: str) -> dict[str, Any]:
    if kind not in EDITABLE:
        raise FrontError(400, f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    table: dict[str, Any] = getattr(db, kind)
    return table


def _found(db: Database, kind: str, ident: Any) -> Record:
    table = _table(db, kind)
    if not isinstance(ident, str) or ident not in table:
        raise FrontError(404, f"No {kind} record {ident!r}")
    record: Record = table[ident]
    return record


def _checked(kind: str, values: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    given = settable(kind, values, allowed)
    for name, value in given.items():
        wanted = bool if name.startswith("is_") else str
        if not isinstance(value, wanted) or (wanted is str and not str(value).strip()):
            raise FrontError(400, f"{name} must be a non-empty {wanted.__name__}")
    return given


def update_record(db: Database, kind: str, ident: Any, values: Any) -> dict[str, Any]:
    if kind == FIELDS:
        return update_field(db, ident, values)
    record = _found(db, kind, ident)
    for name, value in _checked(kind, values, EDITABLE[kind]).items():
        setattr(record, name, value)
    return {"kind": kind, "id": record.id}


def delete_record(db: Database, kind: str, ident: Any) -> dict[str, Any]:
    if kind == FIELDS:
        return delete_field(db, ident)
    record = _found(db, kind, ident)
    del _table(db, kind)[record.id]
    if kind == "teammates":
        for inbox in db.inboxes.values():
            inbox.teammate_ids = [i for i in inbox.teammate_ids if i != record.id]
        for team in db.teams.values():
            team.member_ids = [i for i in team.member_ids if i != record.id]
    return {"kind": kind, "id": record.id, "deleted": True}


def create_record(db: Database, kind: str, values: Any) -> dict[str, Any]:
    if kind == FIELDS:
        return create_field(db, values)
    table = _table(db, kind)
    allowed = (*REQUIRED[kind], *EDITABLE[kind])
    given = _checked(kind, values, tuple(dict.fromkeys(allowed)))
    missing = [name for name in REQUIRED[kind] if name not in given]
    if missing:
        raise FrontError(400, f"a new {kind} record needs {', '.join(missing)}")
    prefix, factory = _FACTORIES[kind]
    known = {f.name for f in dataclass_fields(factory)}  # type: ignore[arg-type]
    extra: dict[str, Any] = {}
    if kind == "inboxes" and "team_id" in known:
        extra["team_id"] = db.oldest_team().id
    record = factory(id=db.new_id(prefix), **extra, **given)
    table[record.id] = record
    return {"kind": kind, "id": record.id}
