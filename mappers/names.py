"""Front keeps one ``name``; unified models have firstName and lastName."""

from __future__ import annotations


def split_name(name: object) -> tuple[str | None, str | None]:
    """First word -> firstName, the rest -> lastName ("Mary Ann Lee" -> "Mary", "Ann Lee")."""
    if not isinstance(name, str) or not name.strip():
        return None, None
    first, _, rest = name.strip().partition(" ")
    return first, (rest.strip() or None)


def join_name(first: str | None, last: str | None) -> str:
    """The Front ``name`` for a first and last name; either may be missing."""
    return " ".join(part for part in (first, last) if part)
