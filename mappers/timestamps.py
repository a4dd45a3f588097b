"""Unified time filters (ISO-8601 or epoch seconds) -> Front's float seconds."""

from __future__ import annotations

from datetime import UTC, datetime

from connector_front.errors import InvalidInputError
from connector_front.util.parsing import parse_decimal


def to_front_seconds(value: str | None, name: str) -> float | None:
    """Parse a filter value; a bad one is a 400 naming the filter and the accepted forms.

    Epoch seconds are a finite ASCII number: ``NaN``, ``Infinity`` or ``1e400`` are refused,
    never sent to Front."""
    if value is None or value == "":
        return None
    seconds = parse_decimal(value)
    if seconds is not None:
        return seconds
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00")) if value.isascii() else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise InvalidInputError(
            f"filter {name}={value[:40]!r} is not a time; use ISO-8601 (2024-05-01T12:00:00Z) "
            "or epoch seconds (a finite number)",
            fields=[f"filters.{name}"],
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
