"""What an admin's change in the sandbox's settings may set: an object of known attributes."""

from __future__ import annotations

from typing import Any

from .errors import FrontError


def settable(kind: str, values: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    """``values`` when it is a non-empty object naming only ``allowed`` attributes of a
    ``kind`` record; a 400 saying which are known otherwise."""
    if not isinstance(values, dict) or not values:
        raise FrontError(400, f"give the attributes to set as an object ({', '.join(allowed)})")
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise FrontError(
            400, f"{kind} cannot set {', '.join(unknown)} here; known: {', '.join(allowed)}"
        )
    return values
