"""Front's custom field definitions of one kind of object, as read at one time.

Front keys custom field values by name, and a name can change in Front's settings; a
definition's id cannot, so mappings are held by id and a name is looked up here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FrontField:
    """One custom field: ``GET /contacts/custom_fields`` and the like (CustomFieldResponse)."""

    id: str
    name: str
    type: str
    values: tuple[str, ...] | None = None
    """An enum's choices."""
    description: str | None = None

    @classmethod
    def from_front(cls, front: Mapping[str, Any]) -> FrontField | None:
        """The definition, or None for an object without an id or a name (it cannot be mapped)."""
        ident, name = front.get("id"), front.get("name")
        if not isinstance(ident, str) or not ident or not isinstance(name, str) or not name:
            return None
        raw = front.get("values")
        values = None
        if isinstance(raw, list):
            values = tuple(
                str(v.get("value")) if isinstance(v, Mapping) else str(v)
                for v in raw
                if not isinstance(v, Mapping) or v.get("value") is not None
            )
        kind = front.get("type")
        return cls(
            ident,
            name,
            kind if isinstance(kind, str) else "unknown",
            values,
            front.get("description") or None,
        )

    def said(self) -> str:
        """``'Priority' (enum: Low, High)``, as messages name a field."""
        if self.values:
            return f"{self.name!r} ({self.type}: {', '.join(self.values)})"
        return f"{self.name!r} ({self.type})"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "values": list(self.values) if self.values is not None else None,
            "description": self.description,
        }


@dataclass(frozen=True)
class Definitions:
    """One model's custom fields as Front listed them at ``read_at`` (seconds); ``error`` says
    why they could not be read (``fields`` is then empty and nothing can be checked)."""

    fields: tuple[FrontField, ...]
    read_at: float
    error: str | None = None
    _by_id: dict[str, FrontField] = field(init=False, repr=False, compare=False)
    _by_name: dict[str, FrontField] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {f.id: f for f in self.fields})
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})

    @classmethod
    def from_front(cls, items: Iterable[Mapping[str, Any]], read_at: float) -> Definitions:
        parsed = (FrontField.from_front(item) for item in items if isinstance(item, Mapping))
        return cls(tuple(f for f in parsed if f is not None), read_at)

    @classmethod
    def failed(cls, error: str, read_at: float) -> Definitions:
        return cls((), read_at, error)

    @property
    def known(self) -> bool:
        """Whether Front answered: names and types can be checked."""
        return self.error is None

    def by_id(self, ident: str) -> FrontField | None:
        return self._by_id.get(ident)

    def by_name(self, name: str) -> FrontField | None:
        return self._by_name.get(name)

    def find(self, name_or_id: str) -> FrontField | None:
        """A field by its id, else by its exact name."""
        return self.by_id(name_or_id) or self.by_name(name_or_id)

    def names(self) -> str:
        """Every field, as a message lists them."""
        return ", ".join(f.said() for f in self.fields) or "none"

    def to_json(self) -> dict[str, Any]:
        return {
            "fields": [f.to_json() for f in self.fields],
            "readAt": self.read_at,
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Definitions:
        fields = tuple(
            FrontField(
                f["id"],
                f["name"],
                f["type"],
                tuple(f["values"]) if f.get("values") is not None else None,
                f.get("description"),
            )
            for f in data.get("fields", [])
        )
        return cls(fields, float(data["readAt"]), data.get("error"))
