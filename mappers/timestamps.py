"""Unified time filters (ISO-8601 or epoch seconds) -> Front's float seconds."""

from __future__ import annotations

from datetime import UTC, datetime

from connector_front.errors import InvalidInputError


def to_front_seconds(value: str | None, name: str) -> float | None:
    """Parse a filter value; a bad one is a 400 naming the filter and the accepted forms."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInputError(
            f"filter {name}={value!r} is not a time; use ISO-8601 (2024-05-01T12:00:00Z) "
            "or epoch seconds",
            fields=[f"filters.{name}"],
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
