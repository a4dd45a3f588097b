"""Connections: which operations each owner asked for, the Front company it belongs to, and
how it maps the host's declared keys onto its Front custom fields."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from connector_front.store import Database


@dataclass(frozen=True)
class ConnectionInfo:
    owner_id: str
    operations: tuple[str, ...]
    created_at: float
    company_id: str | None = None
    """Front company (``cmp_``) the connection's account belongs to, once known."""
    company_name: str | None = None
    """That company's name, as Front's ``GET /me`` gives it (what the connect page shows)."""
    permissions: dict[str, Any] | None = None
    """The last permission check (``permissions.PermissionReport.to_json()``), if any."""
    field_mapping: dict[str, Any] | None = None
    """The owner's field mapping choices: model -> key -> ``{"id", "name"}`` of a Front
    custom field, or None (not mapped); a key absent follows the host's default."""


class ConnectionStore:
    """The ``connections`` table: owner -> operations, company, last permission check."""

    def __init__(
        self, database: Database, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._db = database
        self._clock = clock

    async def put(self, owner_id: str, operations: Sequence[str]) -> ConnectionInfo:
        """Create or replace the owner's operations (the company, once learnt, is kept; the
        last permission check, made for other operations, is not)."""
        now = self._clock()
        rows = await self._db.fetch(
            "INSERT INTO connections (owner_id, operations, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (owner_id) DO UPDATE"
            " SET operations = excluded.operations, created_at = excluded.created_at,"
            " permissions = NULL"
            " RETURNING company_id, company_name",
            (owner_id, json.dumps(list(operations)), now),
        )
        company, name = rows[0] if rows else (None, None)
        return ConnectionInfo(owner_id, tuple(operations), now, company, name)

    async def get(self, owner_id: str) -> ConnectionInfo | None:
        rows = await self._db.fetch(_SELECT + " WHERE owner_id = ?", (owner_id,))
        return _info(rows[0]) if rows else None

    async def all(self) -> list[ConnectionInfo]:
        rows = await self._db.fetch(_SELECT + " ORDER BY created_at, owner_id")
        return [_info(row) for row in rows]

    async def set_company(self, owner_id: str, company_id: str, name: str | None = None) -> None:
        """The Front company the owner's account belongs to, and its name (when Front gave
        one)."""
        await self._db.execute(
            "UPDATE connections SET company_id = ?, company_name = ? WHERE owner_id = ?",
            (company_id, name, owner_id),
        )

    async def set_permissions(self, owner_id: str, report: dict[str, Any]) -> None:
        """Keep the latest permission check of the owner's connection."""
        await self._db.execute(
            "UPDATE connections SET permissions = ? WHERE owner_id = ?",
            (json.dumps(report), owner_id),
        )

    async def set_field_mapping(self, owner_id: str, choices: dict[str, Any]) -> bool:
        """Replace the owner's field mapping choices; False when it has no connection."""
        changed = await self._db.execute(
            "UPDATE connections SET field_mapping = ? WHERE owner_id = ?",
            (json.dumps(choices), owner_id),
        )
        return changed > 0

    async def delete(self, owner_id: str) -> bool:
        """Forget the owner's connection; answers whether there was one."""
        return await self._db.execute("DELETE FROM connections WHERE owner_id = ?", (owner_id,)) > 0

    def __repr__(self) -> str:
        return f"ConnectionStore({self._db!r})"


_SELECT = (
    "SELECT owner_id, operations, created_at, company_id, permissions, company_name,"
    " field_mapping FROM connections"
)


def _info(row: tuple[Any, ...]) -> ConnectionInfo:
    owner_id, operations, created_at, company_id, permissions, company_name, mapping = row
    return ConnectionInfo(
        str(owner_id),
        tuple(json.loads(operations)),
        float(created_at),
        company_id,
        company_name,
        json.loads(permissions) if permissions else None,
        json.loads(mapping) if mapping else None,
    )
