"""Connections: which operations each owner asked for, kept in the connector's SQLite file."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from connector_front.files import owner_only_file


@dataclass(frozen=True)
class ConnectionInfo:
    owner_id: str
    operations: tuple[str, ...]
    created_at: float


class ConnectionStore:
    """A small SQLite table owner -> operations; one short transaction per call."""

    def __init__(self, path: str | Path) -> None:
        self._path = str(owner_only_file(path))
        self._lock = asyncio.Lock()
        with closing(self._connect()) as db, db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS connections ("
                " owner_id TEXT PRIMARY KEY, operations TEXT NOT NULL, created_at REAL NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=10)

    async def put(self, owner_id: str, operations: Sequence[str]) -> ConnectionInfo:
        info = ConnectionInfo(owner_id, tuple(operations), time.time())
        async with self._lock:
            with closing(self._connect()) as db, db:
                db.execute(
                    "INSERT INTO connections VALUES (?, ?, ?) ON CONFLICT(owner_id) DO UPDATE"
                    " SET operations = excluded.operations, created_at = excluded.created_at",
                    (owner_id, json.dumps(list(info.operations)), info.created_at),
                )
        return info

    async def get(self, owner_id: str) -> ConnectionInfo | None:
        async with self._lock:
            with closing(self._connect()) as db, db:
                row = db.execute(
                    "SELECT operations, created_at FROM connections WHERE owner_id = ?",
                    (owner_id,),
                ).fetchone()
        if row is None:
            return None
        return ConnectionInfo(owner_id, tuple(json.loads(row[0])), float(row[1]))
