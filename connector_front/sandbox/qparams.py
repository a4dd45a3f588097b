"""Front's query object in the URL: `q[updated_after]=1.5`, `q[statuses][]=archived`.

Indexed lists (`q[types][0]=...`) are accepted too, as form encoders write them.
"""

from __future__ import annotations

import math
import re

from .endpoint import Ctx
from .errors import FrontError

_KEY = re.compile(r"^q\[(?P<name>[a-z_]+)\](?:\[\d*\])?$")


def q_items(ctx: Ctx) -> dict[str, list[str]]:
    """Every `q[...]` parameter, by property name."""
    found: dict[str, list[str]] = {}
    for key, value in ctx.query.multi_items():
        match = _KEY.match(key)
        if match:
            found.setdefault(match["name"], []).append(value)
    return found


def q_values(ctx: Ctx, name: str, allowed: tuple[str, ...] | None = None) -> list[str]:
    values = q_items(ctx).get(name, [])
    if allowed is not None:
        wrong = [v for v in values if v not in allowed]
        if wrong:
            raise FrontError(400, f"q[{name}] accepts only {', '.join(allowed)}; got {wrong[0]!r}")
    return values


def seconds(text: str) -> float | None:
    """A timestamp in seconds as Front reads one: an ASCII, finite number (not ``nan``,
    ``inf``, ``1e400`` or digits of another script, which ``float`` takes); else None."""
    if not text.isascii():
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def q_float(ctx: Ctx, name: str) -> float | None:
    """A timestamp property (seconds, up to 3 decimals), or None when absent."""
    values = q_items(ctx).get(name)
    if not values:
        return None
    value = seconds(values[-1])
    if value is None:
        raise FrontError(400, f"q[{name}] must be a timestamp in seconds")
    return value
