"""Front replaces the whole ``custom_fields`` object on update: merge, never erase."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def merged_custom_fields(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """Every custom field the record has, with the written ones changed."""
    return {**(current.get("custom_fields") or {}), **changes}
