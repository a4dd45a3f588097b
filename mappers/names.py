"""Front keeps one ``name``; unified models have firstName and lastName.

A name has no one true split ("Mary Ann Smith"), so the connector keeps the pair it wrote,
keyed by the record and the exact name it sent (:class:`NameBook`, in the connector's store),
and reads that pair back while Front's name is still that string. A name set in Front (or by
another app) is split by the rule: its first word is firstName, the rest lastName.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

KEPT = "keptName"
"""The key of a record's kept split among its related Front records (see :func:`kept_related`)."""


@dataclass(frozen=True, slots=True)
class NameSplit:
    """A first / last pair the connector wrote, and the Front ``name`` it wrote for them."""

    name: str
    first: str | None
    last: str | None


class NameBook(Protocol):
    """The splits the connector wrote, for one owner (kept in the connector's store)."""

    async def find(self, model: str, names: Mapping[str, str]) -> dict[str, NameSplit]:
        """The kept split of each record (``names``: record id -> its Front name now) whose
        Front name is still the one written; in one query, whatever the number of records."""
        ...

    async def keep(
        self, model: str, record_id: str, split: NameSplit, *, current: str | None
    ) -> None:
        """Keep ``split`` for the record, and drop its other splits except the one of
        ``current`` (the name Front keeps until the write that sends ``split.name`` lands)."""
        ...

    async def forget(self, model: str, record_id: str) -> None:
        """Drop every split kept for the record (it was deleted)."""
        ...


def clean(half: str | None) -> str | None:
    """A half as written: its words separated by single spaces; None when it has none."""
    return (" ".join(half.split()) or None) if half is not None else None


def written(first: str | None, last: str | None) -> NameSplit:
    """The Front ``name`` for a first and last name (either may be missing), with the pair."""
    first, last = clean(first), clean(last)
    return NameSplit(" ".join(part for part in (first, last) if part), first, last)


def split_name(name: object, kept: NameSplit | None = None) -> tuple[str | None, str | None]:
    """The pair ``kept`` holds while ``name`` is the one it was written as; else the first word
    -> firstName, the rest -> lastName ("Mary Ann Lee" -> "Mary", "Ann Lee")."""
    if kept is not None and kept.name == name:
        return kept.first, kept.last
    if not isinstance(name, str) or not name.strip():
        return None, None
    first, _, rest = name.strip().partition(" ")
    return first, (rest.strip() or None)


def kept_related(split: NameSplit) -> list[dict[str, Any]]:
    """A kept split in the shape of a record's related Front records."""
    return [{"name": split.name, "first": split.first, "last": split.last}]


def kept_split(related: Mapping[str, Sequence[Mapping[str, Any]]]) -> NameSplit | None:
    """The split :func:`kept_related` put among a record's related records, if any."""
    found = related.get(KEPT)
    if not found:
        return None
    kept = found[0]
    return NameSplit(str(kept["name"]), kept.get("first"), kept.get("last"))
