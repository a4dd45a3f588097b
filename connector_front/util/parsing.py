"""Numbers and JSON read from what a caller or Front sent, as their wire formats have them.

Python reads more than those formats allow: ``int()`` and ``str.isdigit`` take digits of other
scripts (an Arabic-Indic one; a superscript two passes ``isdigit`` and then fails ``int``),
underscores and spaces; ``float()`` takes ``nan``, ``inf`` and ``1e400`` (infinite);
``json.loads`` takes ``NaN`` and ``Infinity`` and reads ``1e400`` as infinity. What is read
here is ASCII and finite, or refused (None, or ``ValueError`` for JSON), so a caller gets a
400 and Front never a ``nan``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

_WHOLE = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
MAX_DECIMAL_CHARACTERS = 64


def parse_whole(text: str, *, max_digits: int = 18) -> int | None:
    """A whole number written in ASCII digits (no sign, space or ``_``); None otherwise."""
    if len(text) > max_digits or not _WHOLE.fullmatch(text):
        return None
    return int(text)


def parse_decimal(text: str) -> float | None:
    """A finite decimal number (``12``, ``-1.5``, ``1.7e9``) in ASCII; None otherwise."""
    if len(text) > MAX_DECIMAL_CHARACTERS or not _DECIMAL.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def finite(value: float) -> float | None:
    """``value`` when it is a finite number, else None."""
    return value if math.isfinite(value) else None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]} is too large")
    return value


def load_json(data: bytes | str) -> Any:
    """Standard JSON: ``ValueError`` for ``NaN`` / ``Infinity``, a number beyond a float's
    range, an integer over Python's 4,300 digits, or a document that is not JSON."""
    return json.loads(data, parse_constant=_no_constant, parse_float=_finite_float)
