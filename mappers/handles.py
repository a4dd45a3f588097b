"""Front contact handles <-> the unified email / phoneNumber fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from connector_front.models.generic_contact import GenericContactFields

HANDLE_SOURCES: Mapping[str, str] = {"email": "email", "phoneNumber": "phone"}
"""Unified field -> Front handle source. One table, read both ways."""


def primary_handles(handles: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Each source's first handle (Front lists the primary first), in one pass."""
    found: dict[str, str] = {}
    for handle in handles:
        source, value = handle.get("source"), handle.get("handle")
        if type(source) is str and type(value) is str and source not in found:
            found[source] = value
    return found


def first_handle(handles: Iterable[Mapping[str, Any]], source: str) -> str | None:
    """The first handle of a source, or None."""
    return primary_handles(handles).get(source)


def handles_for_create(fields: GenericContactFields) -> list[dict[str, str]]:
    """The handles a new contact gets from its unified fields."""
    return [
        {"handle": getattr(fields, name), "source": source}
        for name, source in HANDLE_SOURCES.items()
        if getattr(fields, name)
    ]
