"""Open the database a ``database`` setting names, with its schema brought up to date."""

from __future__ import annotations

from pathlib import Path

from connector_front.extras import require_extra
from connector_front.store.database import Database, parse_database
from connector_front.store.migrations import migrate
from connector_front.store.sqlite import SQLiteDatabase


async def open_database(setting: str) -> Database:
    """Connect (a ConfigurationError if the setting is unusable) and run the migrations."""
    dialect, where = parse_database(setting)
    database: Database
    if dialect == "postgresql":
        require_extra("postgres", "a PostgreSQL database")
        # imported here: psycopg and libpq cost a process on SQLite ~10 MiB and 50 ms
        from connector_front.store.postgres import PostgresDatabase

        database = await PostgresDatabase.open(where)
    else:
        database = await SQLiteDatabase.open(Path(where))
    await migrate(database)
    return database
