"""Sorted snapshots of the sandbox's tables, so a page costs O(log n + page), not a sort.

An `IndexSpec` says how to order one table (a sort key) and optionally how to
split it into groups (messages per conversation, conversations per inbox).
`Indexes` keeps one snapshot per spec, sorted once, then kept current from the
change logs of its table and record kind (see `tracking`): a changed record is
moved to its new place, so listing N pages sorts once even while records change.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Generic, TypeVar

from .tracking import Cursor, Table, Tracked

R = TypeVar("R")
T = TypeVar("T")
SortKey = tuple[Any, ...]

_first = itemgetter(0)
MAX_MEMOS = 64  # distinct remembered values (search queries) before starting afresh
MIN_REBUILD = 64  # more changed records than this (and than a quarter of the table): re-sort
MAX_LOG_READ = 200_000  # more log entries than this to read: re-sort without reading them


@dataclass(frozen=True)
class IndexSpec(Generic[R]):
    """One table (`table`, holding `kind` records) ordered by `key`, split by `groups` if given.

    Keys must be unique (end them with the id). A key of None keeps the table's own
    (insertion) order; such an index is rebuilt after any change (small tables only).
    """

    table: str
    kind: type[Tracked]
    key: Callable[[R], SortKey] | None
    groups: Callable[[R], Iterable[Hashable]] | None = None

    def names(self, record: R) -> tuple[Hashable, ...]:
        """The groups a record belongs to, each once."""
        if self.groups is None:
            return ()
        names = tuple(self.groups(record))
        return names if len(names) < 2 else tuple(dict.fromkeys(names))


@dataclass
class Ordered(Generic[R]):
    """Records in ascending key order beside their keys: bisect to a position, then walk."""

    keys: list[SortKey] = field(default_factory=list)
    items: list[R] = field(default_factory=list)

    def span(self, low: Any = None, high: Any = None) -> tuple[int, int]:
        """Positions whose first key part is strictly between `low` and `high` (None: open)."""
        start = 0 if low is None else bisect_right(self.keys, low, key=_first)
        stop = len(self.keys) if high is None else bisect_left(self.keys, high, key=_first)
        return start, max(start, stop)

    def after(self, position: SortKey, descending: bool, start: int, stop: int) -> tuple[int, int]:
        """Narrow `[start, stop)` to what comes after `position` in the walking direction."""
        if descending:
            return start, max(start, min(stop, bisect_left(self.keys, position)))
        return max(start, bisect_right(self.keys, position)), stop

    def insert(self, key: SortKey, item: R) -> None:
        at = bisect_right(self.keys, key)
        self.keys.insert(at, key)
        self.items.insert(at, item)

    def remove(self, key: SortKey, item: R) -> None:
        at = bisect_left(self.keys, key)
        while at < len(self.keys) and self.keys[at] == key:
            if self.items[at] is item:
                del self.keys[at]
                del self.items[at]
                return
            at += 1


EMPTY: Ordered[Any] = Ordered()

# where a snapshot holds a record: its key, its groups, the record itself
Placed = tuple[SortKey, tuple[Hashable, ...], Any]


@dataclass
class Snapshot(Generic[R]):
    """A spec's table in order, whole and by group, and how far it has read the change logs."""

    table_id: int
    table_seen: Cursor
    kind_seen: Cursor
    whole: Ordered[R] = field(default_factory=Ordered)
    groups: dict[Hashable, Ordered[R]] = field(default_factory=dict)
    placed: dict[Hashable, Placed] = field(default_factory=dict)

    def group(self, name: Hashable) -> Ordered[R]:
        found: Ordered[R] = self.groups.get(name, EMPTY)
        return found

    def place(self, spec: IndexSpec[R], ident: Hashable, record: R | None) -> None:
        """Move the record stored under `ident` to where its key now puts it (None: drop it)."""
        old = self.placed.pop(ident, None)
        if old is not None:
            key, names, item = old
            self.whole.remove(key, item)
            for name in names:
                self.groups[name].remove(key, item)
        if record is not None and spec.key is not None:
            key, names = spec.key(record), spec.names(record)
            self.whole.insert(key, record)
            for name in names:
                self.groups.setdefault(name, Ordered()).insert(key, record)
            self.placed[ident] = (key, names, record)


def build(
    spec: IndexSpec[R], table: Table[Any, R], table_seen: Cursor, kind_seen: Cursor
) -> Snapshot[R]:
    """Sort the whole table once (Python's sort is stable: equal keys keep table order)."""
    key = spec.key or _no_key
    rows = sorted([(key(r), ident, r) for ident, r in table.items()], key=_first)
    snapshot: Snapshot[R] = Snapshot(id(table), table_seen, kind_seen)
    snapshot.whole = Ordered([row[0] for row in rows], [row[2] for row in rows])
    if spec.groups is None:
        snapshot.placed = {ident: (sort_key, (), r) for sort_key, ident, r in rows}
        return snapshot
    groups, placed = snapshot.groups, snapshot.placed
    for sort_key, ident, record in rows:
        names = spec.names(record)
        for name in names:
            bucket = groups.get(name)
            if bucket is None:
                bucket = groups[name] = Ordered()
            bucket.keys.append(sort_key)
            bucket.items.append(record)
        placed[ident] = (sort_key, names, record)
    return snapshot


def _no_key(record: Any) -> SortKey:
    return ()


def changed_ids(
    spec: IndexSpec[Any], table: Table[Any, Any], snapshot: Snapshot[Any]
) -> set[Hashable] | None:
    """Ids of the records changed since the snapshot read the logs; None when it must rebuild."""
    keys = table.changes.since(snapshot.table_seen)
    records = spec.kind.changes.since(snapshot.kind_seen)
    if keys is None or records is None:
        return None
    if (keys or records) and spec.key is None:
        return None
    if len(keys) + len(records) > MAX_LOG_READ:
        return None
    ids: set[Hashable] = set(keys)
    ids.update(getattr(record, "id", None) for record in records)
    ids.discard(None)
    return ids


@dataclass
class Indexes:
    """The snapshots of one database; `builds` and `updates` count sorts and in-place updates."""

    snapshots: dict[IndexSpec[Any], Snapshot[Any]] = field(default_factory=dict)
    memos: dict[Hashable, tuple[tuple[int, ...], Any]] = field(default_factory=dict)
    builds: Counter[IndexSpec[Any]] = field(default_factory=Counter)
    updates: Counter[IndexSpec[Any]] = field(default_factory=Counter)

    def snapshot(self, spec: IndexSpec[R], table: Table[Any, R]) -> Snapshot[R]:
        """The spec's snapshot, brought up to date first.

        A few changed records are moved in place (O(log n) each, plus a list shift);
        many changes, or a log that started afresh, mean one new sort instead.
        """
        # read the logs' ends before the table: a change made meanwhile is seen next time
        table_seen, kind_seen = table.changes.cursor(), spec.kind.changes.cursor()
        found = self.snapshots.get(spec)
        ids = None
        if found is not None and found.table_id == id(table):
            ids = changed_ids(spec, table, found)
        if found is None or ids is None or len(ids) > max(MIN_REBUILD, len(found.placed) // 4):
            found = build(spec, table, table_seen, kind_seen)
            self.snapshots[spec] = found
            self.builds[spec] += 1
            return found
        if ids:
            for ident in ids:
                found.place(spec, ident, table.get(ident))
            self.updates[spec] += 1
        found.table_seen, found.kind_seen = table_seen, kind_seen
        return found

    def remember(self, key: Hashable, stamp: tuple[int, ...], compute: Callable[[], T]) -> T:
        """`compute()`, reused while `stamp` is unchanged (a search's total across its pages)."""
        found = self.memos.get(key)
        if found is not None and found[0] == stamp:
            value: T = found[1]
            return value
        if len(self.memos) >= MAX_MEMOS:
            self.memos.clear()
        value = compute()
        self.memos[key] = (stamp, value)
        return value
