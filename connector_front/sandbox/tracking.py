"""Change logs that tell the sorted indexes what changed since they last looked.

`Table` is a dict that logs the keys it inserts, replaces and deletes; a
`Tracked` record, once stored in a table, logs itself on every attribute write,
in one log per record class (writes before it is stored, such as building it,
cost no entry: its insertion is logged). Between them every change an index
sorts or groups by is seen, wherever it was made (a route, a control method, a
test writing to `state.db` directly).
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
E = TypeVar("E")

MAX_LOG = 50_000  # entries kept before a log starts afresh (readers then rebuild)

# where a reader stopped: the log's list at the time (a new list means it started
# afresh) and how far into it the reader had read
Cursor = tuple[list[Any], int]


class ChangeLog(Generic[E]):
    """Append-only entries read from a cursor; starts afresh (a new list) when too long.

    `noted` counts every entry ever noted: a stamp for "has anything changed".
    """

    __slots__ = ("entries", "noted")

    def __init__(self) -> None:
        self.entries: list[E] = []
        self.noted = 0

    def note(self, entry: E) -> None:
        entries = self.entries
        if len(entries) >= MAX_LOG:
            self.restart()
            entries = self.entries
        entries.append(entry)
        self.noted += 1

    def restart(self) -> None:
        """Forget every entry: readers with an older cursor must start over."""
        self.entries = []
        self.noted += 1

    def cursor(self) -> Cursor:
        entries = self.entries
        return entries, len(entries)

    def since(self, cursor: Cursor) -> list[E] | None:
        """Entries noted after `cursor` (maybe a few more), or None if the log started afresh."""
        entries, seen = cursor
        if entries is not self.entries:
            return None
        return entries[seen:]


class Table(dict[K, V]):
    """A dict whose `changes` log every key inserted, replaced or deleted."""

    __slots__ = ("changes",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.changes: ChangeLog[K] = ChangeLog()
        self.update(*args, **kwargs)

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        stored(value)
        self.changes.note(key)

    def __delitem__(self, key: K) -> None:
        super().__delitem__(key)
        self.changes.note(key)

    def pop(self, key: K, *default: Any) -> Any:
        self.changes.note(key)
        return super().pop(key, *default)

    def popitem(self) -> tuple[K, V]:
        key, value = super().popitem()
        self.changes.note(key)
        return key, value

    def clear(self) -> None:
        super().clear()
        self.changes.restart()

    def setdefault(self, key: K, default: V) -> V:
        self.changes.note(key)
        value = super().setdefault(key, default)
        stored(value)
        return value

    def update(self, *args: Any, **kwargs: Any) -> None:
        added = dict(*args, **kwargs)
        super().update(added)
        for key, value in added.items():
            stored(value)
            self.changes.note(key)

    def __ior__(self, other: Any) -> Table[K, V]:  # type: ignore[override,misc]
        self.update(other)
        return self


STORED = "_stored_in_table"  # set (without logging) on a record a Table holds


class Tracked:
    """Base of the stored records: once stored, every attribute write is logged in `changes`."""

    changes: ClassVar[ChangeLog[Tracked]] = ChangeLog()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.changes = ChangeLog()

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if STORED in self.__dict__:
            self.changes.note(self)


def stored(value: Any) -> None:
    """Mark a record as held by a table: from now on its writes are logged."""
    if isinstance(value, Tracked):
        value.__dict__[STORED] = True
