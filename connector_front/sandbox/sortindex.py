"""Sorted snapshots of the sandbox's tables, so a page costs O(log n + page), not a sort.

An `IndexSpec` says how to order one table (a sort key) and optionally how to
split it into groups (messages per conversation, conversations per inbox).
`Indexes` keeps one snapshot per spec and rebuilds it only when the table or a
record of its kind changed since (see `tracking`): listing N pages sorts once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Generic, TypeVar

from .tracking import Table, Tracked, stamp_of

R = TypeVar("R")
T = TypeVar("T")
SortKey = tuple[Any, ...]

_first = itemgetter(0)
MAX_MEMOS = 64  # distinct remembered values (search queries) before starting afresh


@dataclass(frozen=True)
class IndexSpec(Generic[R]):
    """One table (`table`, holding `kind` records) ordered by `key`, split by `groups` if given.

    A key of `()` keeps the table's own (insertion) order.
    """

    table: str
    kind: type[Tracked]
    key: Callable[[R], SortKey]
    groups: Callable[[R], Iterable[Hashable]] | None = None


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


EMPTY: Ordered[Any] = Ordered()


@dataclass
class Snapshot(Generic[R]):
    """A spec's table as it was at `stamp`: whole, and by group when the spec has groups."""

    stamp: tuple[int, ...]
    whole: Ordered[R]
    groups: dict[Hashable, Ordered[R]]

    def group(self, name: Hashable) -> Ordered[R]:
        found: Ordered[R] = self.groups.get(name, EMPTY)
        return found


def build(spec: IndexSpec[R], table: Table[Any, R], stamp: tuple[int, ...]) -> Snapshot[R]:
    """Sort the table once (Python's sort is stable: equal keys keep table order)."""
    pairs = sorted(((spec.key(record), record) for record in table.values()), key=_first)
    whole: Ordered[R] = Ordered([k for k, _ in pairs], [r for _, r in pairs])
    groups: dict[Hashable, Ordered[R]] = {}
    if spec.groups is not None:
        for key, record in pairs:
            for name in spec.groups(record):
                bucket = groups.get(name)
                if bucket is None:
                    bucket = groups[name] = Ordered()
                bucket.keys.append(key)
                bucket.items.append(record)
    return Snapshot(stamp, whole, groups)


@dataclass
class Indexes:
    """The snapshots of one database; `builds` counts (re)builds per spec, for tests."""

    snapshots: dict[IndexSpec[Any], Snapshot[Any]] = field(default_factory=dict)
    memos: dict[Hashable, tuple[tuple[int, ...], Any]] = field(default_factory=dict)
    builds: Counter[IndexSpec[Any]] = field(default_factory=Counter)

    def snapshot(self, spec: IndexSpec[R], table: Table[Any, R]) -> Snapshot[R]:
        """The spec's snapshot, rebuilt first if the table or its records changed."""
        stamp = (id(table), *stamp_of([table], [spec.kind]))
        found = self.snapshots.get(spec)
        if found is None or found.stamp != stamp:
            # the stamp is read before the table: a change made meanwhile shows next time
            found = build(spec, table, stamp)
            self.snapshots[spec] = found
            self.builds[spec] += 1
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
