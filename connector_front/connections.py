"""Connections: which operations each owner asked for, and the Front company it belongs to."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connector_front.auth.tokens import SQLiteDatabase

_SCHEMA = """
CREATE TABLE IF NOT EXISTS connections (
    owner_id   TEXT PRIMARY KEY,
    operations TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""

_COLUMNS = {"company_id": "TEXT", "permissions": "TEXT"}
"""Columns added after the first release, added to older files on open."""


@dataclass(frozen=True)
class ConnectionInfo:
    owner_id: str
    operations: tuple[str, ...]
    created_at: float
    company_id: str | None = None
    """Front company (``cmp_``) the connection's account belongs to, once known."""
    permissions: dict[str, Any] | None = None
    """The last permission check (``permissions.PermissionReport.to_json()``), if any."""


class ConnectionStore:
    """A small SQLite table owner -> operations, company; calls run off the event loop."""

    def __init__(self, path: str | Path) -> None:
        self._db = SQLiteDatabase(path, _SCHEMA)  # owner-only, like every store file
        present = {row[1] for row in self._db.run_sync("PRAGMA table_info(connections)")}
        for name, kind in _COLUMNS.items():
            if name not in present:
                self._db.run_sync(f"ALTER TABLE connections ADD COLUMN {name} {kind}")

    async def put(self, owner_id: str, operations: Sequence[str]) -> ConnectionInfo:
        """Create or replace the owner's operations (the company, once learnt, is kept; the
        last permission check, made for other operations, is not)."""
        now = time.time()

        def upsert(conn: sqlite3.Connection) -> ConnectionInfo:
            conn.execute(
                "INSERT INTO connections (owner_id, operations, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT(owner_id) DO UPDATE"
                " SET operations = excluded.operations, created_at = excluded.created_at,"
                " permissions = NULL",
                (owner_id, json.dumps(list(operations)), now),
            )
            row = conn.execute(
                "SELECT company_id FROM connections WHERE owner_id = ?", (owner_id,)
            ).fetchone()
            return ConnectionInfo(owner_id, tuple(operations), now, row[0] if row else None)

        return await self._db.transaction(upsert)

    async def get(self, owner_id: str) -> ConnectionInfo | None:
        rows = await self._db.run(
            "SELECT owner_id, operations, created_at, company_id, permissions FROM connections"
            " WHERE owner_id = ?",
            (owner_id,),
        )
        return _info(rows[0]) if rows else None

    async def all(self) -> list[ConnectionInfo]:
        rows = await self._db.run(
            "SELECT owner_id, operations, created_at, company_id, permissions FROM connections"
            " ORDER BY created_at, owner_id"
        )
        return [_info(row) for row in rows]

    async def set_company(self, owner_id: str, company_id: str) -> None:
        await self._db.run(
            "UPDATE connections SET company_id = ? WHERE owner_id = ?", (company_id, owner_id)
        )

    async def set_permissions(self, owner_id: str, report: dict[str, Any]) -> None:
        """Keep the latest permission check of the owner's connection."""
        await self._db.run(
            "UPDATE connections SET permissions = ? WHERE owner_id = ?",
            (json.dumps(report), owner_id),
        )

    async def delete(self, owner_id: str) -> bool:
        """Forget the owner's connection; answers whether there was one."""
        found = await self.get(owner_id)
        await self._db.run("DELETE FROM connections WHERE owner_id = ?", (owner_id,))
        return found is not None

    def close(self) -> None:
        self._db.close()


def _info(row: tuple[Any, ...]) -> ConnectionInfo:
    owner_id, operations, created_at, company_id, permissions = row
    return ConnectionInfo(
        str(owner_id),
        tuple(json.loads(operations)),
        float(created_at),
        company_id,
        json.loads(permissions) if permissions else None,
    )
