"""Unified resourceRefs in and out of mappers, and ids read out of Front's ``_links``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector_front.errors import InvalidInputError
from connector_front.models.record import ResourceRef


def ref(model: str, record_id: object) -> dict[str, str] | None:
    """A resourceRef to ``model``/``record_id``, or None when there is no id."""
    if not isinstance(record_id, str) or not record_id:
        return None
    return {"object": "resourceRef", "model": model, "id": record_id}


def ref_id(value: ResourceRef | None, model: str, *, field: str) -> str | None:
    """The id of a written resourceRef, checking that it points at the right model."""
    if value is None:
        return None
    if value.model != model:
        raise InvalidInputError(
            f"{field} must reference a {model}, not a {value.model}", fields=[field]
        )
    return value.id


def linked_id(front: Mapping[str, Any], relation: str) -> str | None:
    """The id at the end of ``_links.related.<relation>`` (Front links, not ids, there)."""
    links = front.get("_links") or {}
    url = (links.get("related") or {}).get(relation)
    if not isinstance(url, str) or not url:
        return None
    return url.rstrip("/").rsplit("/", 1)[-1] or None
