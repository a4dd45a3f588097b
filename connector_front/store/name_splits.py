"""The first / last split of each name the connector wrote (table ``name_splits``).

Front keeps one ``name``; a row keeps the pair a write was made of, by owner, model, record
and the exact name string sent, so a read while Front's name is still that string gives the
pair back (see ``mappers/names.py``). A record keeps at most two rows: the name it had, until a
write's new name lands, and the new one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from connector_front.mappers.names import NameSplit
from connector_front.store.database import Database

_UPSERT = (
    "INSERT INTO name_splits (owner_id, model, record_id, name, first_name, last_name, written_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (owner_id, model, record_id, name) DO UPDATE SET"
    " first_name = excluded.first_name, last_name = excluded.last_name,"
    " written_at = excluded.written_at"
)
_OTHERS = (
    "DELETE FROM name_splits WHERE owner_id = ? AND model = ? AND record_id = ?"
    " AND name <> ? AND name <> ?"
)
_ALL = "DELETE FROM name_splits WHERE owner_id = ? AND model = ? AND record_id = ?"


class DatabaseNameSplits:
    """One owner's kept name splits, in the connector's database (a :class:`NameBook`)."""

    def __init__(
        self, database: Database, owner_id: str, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._db = database
        self._owner = owner_id
        self._clock = clock

    async def find(self, model: str, names: Mapping[str, str]) -> dict[str, NameSplit]:
        if not names:
            return {}
        ids = list(names)
        marks = ", ".join("?" * len(ids))  # placeholders only: the ids are bound
        rows = await self._db.fetch(
            "SELECT record_id, name, first_name, last_name FROM name_splits"  # noqa: S608
            f" WHERE owner_id = ? AND model = ? AND record_id IN ({marks})",
            (self._owner, model, *ids),
        )
        return {
            str(record): NameSplit(name, first, last)
            for record, name, first, last in rows
            if names.get(str(record)) == name
        }

    async def keep(
        self, model: str, record_id: str, split: NameSplit, *, current: str | None
    ) -> None:
        row, also = (self._owner, model, record_id), split.name if current is None else current
        async with self._db.transaction() as tx:
            await tx.execute(_UPSERT, (*row, split.name, split.first, split.last, self._clock()))
            await tx.execute(_OTHERS, (*row, split.name, also))

    async def forget(self, model: str, record_id: str) -> None:
        await self._db.execute(_ALL, (self._owner, model, record_id))

    def __repr__(self) -> str:
        return f"DatabaseNameSplits({self._db!r})"
