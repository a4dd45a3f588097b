"""Front contact handles <-> the unified email / phoneNumber fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from connector_front.models.generic_contact import GenericContactFields

HANDLE_SOURCES: Mapping[str, str] = {"email": "email", "phoneNumber": "phone"}
"""Unified field -> Front handle source. One table, read both ways."""


def first_handle(handles: Iterable[Mapping[str, Any]], source: str) -> str | None:
    """The first handle of a source (Front lists the primary first), or None."""
    for handle in handles:
        if handle.get("source") == source and isinstance(handle.get("handle"), str):
            return str(handle["handle"])
    return None


def handles_for_create(fields: GenericContactFields) -> list[dict[str, str]]:
    """The handles a new contact gets from its unified fields."""
    return [
        {"handle": getattr(fields, name), "source": source}
        for name, source in HANDLE_SOURCES.items()
        if getattr(fields, name)
    ]
