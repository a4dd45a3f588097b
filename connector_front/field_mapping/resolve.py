"""One owner's mapping of one model's declared keys, decided from the owner's choices, the
host's defaults and Front's definitions (pure: no I/O, no clock).

A key is mapped by the owner's choice (a Front field id), else by the host's default (a
Front field name), else not at all. A choice whose field was deleted in Front, a default
naming a field the account does not have, or a field of the wrong type is a problem: the key
reads null with a warning and a write of it is a 400 saying why. Without definitions (Front
could not be asked), the names are used as they are, unchecked.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from connector_front.errors import InvalidInputError
from connector_front.field_mapping.compat import (
    COMPATIBLE,
    ValueProblem,
    front_value,
    suits,
    unified_value,
)
from connector_front.field_mapping.config import KeyType
from connector_front.field_mapping.declared import DeclaredKey
from connector_front.field_mapping.definitions import Definitions, FrontField
from connector_front.models.record import RecordWarning

Source = Literal["owner", "default"]


@dataclass(frozen=True)
class Choice:
    """An owner's choice for a key: a Front field (its id, and its name when chosen, used
    only while Front's definitions cannot be read), or None: not mapped for this owner."""

    id: str
    name: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name}


Choices = Mapping[str, Choice | None]
"""key -> the owner's choice; a key absent follows the host's default."""


@dataclass(frozen=True)
class Binding:
    """A key mapped to a Front field: by name, and by definition when Front's are known."""

    declared: DeclaredKey
    name: str
    source: Source
    field: FrontField | None = None


@dataclass(frozen=True)
class Unbound:
    """A key mapped to nothing, and why (``reason`` follows the key's name in a sentence): on
    purpose, or because of a ``problem`` (it then reads null with a warning)."""

    declared: DeclaredKey
    source: Source | None
    reason: str
    is_problem: bool = False

    @property
    def problem(self) -> str | None:
        """The warning a read carries, for a problem."""
        if not self.is_problem:
            return None
        return f"{self.declared.key} {self.reason}; it reads null until it is mapped again"

    @property
    def refusal(self) -> str:
        return f"{self.reason}, so it cannot be written"


@dataclass(frozen=True)
class KeyMapping:
    declared: DeclaredKey
    bound: Binding | Unbound
    type: KeyType | None
    """The key's type: declared, else its default Front field's in this account (None: any)."""


def key_type(declared: DeclaredKey, known: Definitions | None) -> KeyType | None:
    """A key's type: declared, else (the short form) the type of its default Front field in
    this owner's account, where Front's definitions are known and have it."""
    if declared.type is not None or known is None or declared.default is None:
        return declared.type
    field = known.by_name(declared.default)
    kind = field.type if field is not None else None
    return kind if kind in COMPATIBLE else None  # type: ignore[return-value]


class OwnerMapping:
    """One owner's mapping of one model: reads, warnings and writes (a ``RecordMapping``)."""

    def __init__(
        self, model: str, owner_id: str, keys: Mapping[str, KeyMapping], front_object: str
    ) -> None:
        self.model = model
        self.owner_id = owner_id
        self.entries = dict(keys)
        self._front_object = front_object
        self._warnings = [
            RecordWarning(field=key, message=entry.bound.problem)
            for key, entry in self.entries.items()
            if isinstance(entry.bound, Unbound) and entry.bound.problem
        ]

    def keys(self, model: str) -> Collection[str]:
        return self.entries.keys() if model == self.model else ()

    def problems(self) -> list[RecordWarning]:
        """The keys that cannot be read or written and why (``model.key`` as the field)."""
        return [
            RecordWarning(field=f"{self.model}.{w.field}", message=w.message)
            for w in self._warnings
        ]

    def warnings(self, model: str) -> list[RecordWarning]:
        return list(self._warnings) if model == self.model else []

    def read(self, model: str, custom_fields: Mapping[str, Any]) -> dict[str, Any]:
        if model != self.model:
            return {}
        values: dict[str, Any] = {}
        for key, entry in self.entries.items():
            bound = entry.bound
            if isinstance(bound, Binding):
                values[key] = unified_value(bound.field, custom_fields.get(bound.name))
            else:
                values[key] = None
        return values

    def split_write(
        self, model: str, fields: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        if model != self.model:
            return dict(fields), {}
        standard: dict[str, Any] = {}
        custom: dict[str, Any] = {}
        for key, value in fields.items():
            entry = self.entries.get(key)
            if entry is None:
                standard[key] = value
            elif isinstance(entry.bound, Binding):
                custom[entry.bound.name] = self._front_value(entry, entry.bound, value)
            elif value is not None:  # null: the key already reads null, nothing is lost
                raise InvalidInputError(
                    f"{self.model}: {key} {entry.bound.refusal}. Map it with PUT "
                    f"/connections/{self.owner_id}/field-mapping, or leave it out",
                    fields=[f"fields.{key}"],
                )
        return standard, custom

    def _front_value(self, entry: KeyMapping, bound: Binding, value: Any) -> Any:
        if value is None:
            return None  # clears the field
        try:
            return front_value(bound.field, entry.declared.values, value)
        except ValueProblem as exc:
            where = f"the Front {self._front_object} custom field {bound.name!r}"
            raise InvalidInputError(
                f"{self.model}: {entry.declared.key} must be {exc} ({where}), got {value!r}",
                fields=[f"fields.{entry.declared.key}"],
            ) from None


def resolve(
    model: str,
    owner_id: str,
    declared: Mapping[str, DeclaredKey],
    choices: Choices,
    definitions: Definitions | None,
    front_object: str,
) -> OwnerMapping:
    """The owner's mapping of ``model`` (``definitions`` None or failed: names unchecked)."""
    known = definitions if definitions is not None and definitions.known else None
    keys = {}
    for key, one in declared.items():
        kind = key_type(one, known)
        bound = _bind(one, kind, key in choices, choices.get(key), known, front_object)
        keys[key] = KeyMapping(one, bound, kind)
    return OwnerMapping(model, owner_id, keys, front_object)


def _bind(
    declared: DeclaredKey,
    kind: KeyType | None,
    chosen: bool,
    choice: Choice | None,
    known: Definitions | None,
    front_object: str,
) -> Binding | Unbound:
    """Where one key goes: the owner's choice, else the host's default."""
    if chosen:
        if choice is None:
            why = "is not mapped for this owner (its field mapping sets it to null)"
            return Unbound(declared, "owner", why)
        return _by_id(declared, kind, choice, known)
    if declared.default is None:
        return Unbound(declared, None, "is not mapped to a Front custom field for this owner")
    return _by_default(declared, kind, declared.default, known, front_object)


def _by_id(
    declared: DeclaredKey, kind: KeyType | None, choice: Choice, known: Definitions | None
) -> Binding | Unbound:
    if known is None:
        return Binding(declared, choice.name, "owner")
    field = known.by_id(choice.id)
    if field is None:
        why = (
            f"was mapped to the Front custom field {choice.name!r} ({choice.id}), which was "
            "deleted in Front"
        )
        return Unbound(declared, "owner", why, is_problem=True)
    return _typed(declared, kind, field, "owner")


def _by_default(
    declared: DeclaredKey,
    kind: KeyType | None,
    name: str,
    known: Definitions | None,
    front_object: str,
) -> Binding | Unbound:
    if known is None:
        return Binding(declared, name, "default")
    field = known.by_name(name)
    if field is None:
        why = (
            f"maps by default to the Front custom field {name!r}, which this Front account does "
            f"not have (its {front_object} custom fields: {known.names()})"
        )
        return Unbound(declared, "default", why, is_problem=True)
    return _typed(declared, kind, field, "default")


def _typed(
    declared: DeclaredKey, kind: KeyType | None, field: FrontField, source: Source
) -> Binding | Unbound:
    """The binding, unless the field's type does not suit the key's."""
    why = suits(kind, declared.values, field)
    if why is None:
        return Binding(declared, field.name, source, field)
    return Unbound(declared, source, f"cannot map onto {field.name!r}: {why}", is_problem=True)
