"""Front's custom field definitions per owner and model, kept so that records never cost a
request for them: in this process while fresh (``ttl`` seconds), and in the database, where
every worker and the connection's status read them.

A failed read is kept too (``Definitions.error``): a Front app without ``custom_fields:read``
is asked again after ``ttl``, not on every call.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from connector_front.field_mapping.definitions import Definitions
from connector_front.store import Database


class DefinitionStore:
    """The ``custom_field_definitions`` table, with a copy in memory."""

    def __init__(
        self, database: Database, *, ttl: float, clock: Callable[[], float] = time.time
    ) -> None:
        self._db = database
        self.ttl = ttl
        self.clock = clock
        self._memory: dict[tuple[str, str], Definitions] = {}

    def is_fresh(self, definitions: Definitions) -> bool:
        return self.clock() - definitions.read_at < self.ttl

    async def fresh(self, owner_id: str, model: str) -> Definitions | None:
        """The definitions read less than ``ttl`` ago (here or by another worker), else None."""
        kept = self._memory.get((owner_id, model))
        if kept is not None and self.is_fresh(kept):
            return kept
        stored = await self._stored(owner_id, model)
        if stored is not None and self.is_fresh(stored):
            self._memory[(owner_id, model)] = stored
            return stored
        return None

    async def last(self, owner_id: str) -> dict[str, Definitions]:
        """model -> the definitions last read for the owner, fresh or not."""
        rows = await self._db.fetch(
            "SELECT model, body FROM custom_field_definitions WHERE owner_id = ?", (owner_id,)
        )
        return {str(model): Definitions.from_json(json.loads(body)) for model, body in rows}

    async def keep(self, owner_id: str, model: str, definitions: Definitions) -> None:
        self._memory[(owner_id, model)] = definitions
        await self._db.execute(
            "INSERT INTO custom_field_definitions (owner_id, model, read_at, body)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (owner_id, model) DO UPDATE"
            " SET read_at = excluded.read_at, body = excluded.body",
            (owner_id, model, definitions.read_at, json.dumps(definitions.to_json())),
        )

    async def forget(self, owner_id: str) -> None:
        """Drop the owner's definitions (its connection is gone)."""
        for key in [k for k in self._memory if k[0] == owner_id]:
            del self._memory[key]
        await self._db.execute(
            "DELETE FROM custom_field_definitions WHERE owner_id = ?", (owner_id,)
        )

    async def _stored(self, owner_id: str, model: str) -> Definitions | None:
        rows = await self._db.fetch(
            "SELECT body FROM custom_field_definitions WHERE owner_id = ? AND model = ?",
            (owner_id, model),
        )
        return Definitions.from_json(json.loads(rows[0][0])) if rows else None

    def __repr__(self) -> str:
        return f"DefinitionStore({self._db!r}, ttl={self.ttl:g})"
