"""Front custom field definitions -> unified definitions for a field-mapping screen."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def to_definition(front: Mapping[str, Any]) -> dict[str, Any]:
    values = front.get("values")
    return {
        "name": str(front.get("name", "")),
        "type": front.get("type"),
        "description": front.get("description") or None,
        "values": [v.get("value") if isinstance(v, dict) else v for v in values]
        if isinstance(values, list)
        else None,
    }
