"""Change counters that tell the sorted indexes when a snapshot is stale.

`Table` is a dict that counts its inserts and deletes; `Tracked` records count
attribute writes per record class. Between them they change whenever anything
an index sorts or groups by may have changed, wherever the change was made (a
route, a control method, a test writing to `state.db` directly).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Table(dict[K, V]):
    """A dict whose `version` goes up on every insert, replacement and delete."""

    __slots__ = ("version",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = 0

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        self.version += 1

    def __delitem__(self, key: K) -> None:
        super().__delitem__(key)
        self.version += 1

    def pop(self, key: K, *default: Any) -> Any:
        self.version += 1
        return super().pop(key, *default)

    def popitem(self) -> tuple[K, V]:
        self.version += 1
        return super().popitem()

    def clear(self) -> None:
        super().clear()
        self.version += 1

    def setdefault(self, key: K, default: V) -> V:
        self.version += 1
        return super().setdefault(key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self.version += 1

    def __ior__(self, other: Any) -> Table[K, V]:  # type: ignore[override,misc]
        self.update(other)
        return self


class Tracked:
    """Base of the stored records: every attribute write counts towards its class's `changes`."""

    # one counter cell per class, mutated in place (writing a class attribute instead
    # would invalidate the interpreter's attribute cache for the class on every write)
    _writes: ClassVar[list[int]] = [0]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._writes = [0]

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        self._writes[0] += 1

    @classmethod
    def changes(cls) -> int:
        """Attribute writes to records of this class so far (creating one counts too)."""
        return cls._writes[0]


def stamp_of(tables: Iterable[Table[Any, Any]], kinds: Iterable[type[Tracked]]) -> tuple[int, ...]:
    """One value that differs after any change to these tables or records of these kinds."""
    return (*(table.version for table in tables), *(kind.changes() for kind in kinds))
