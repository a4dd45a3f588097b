"""One store layer for every concern: SQLite by default, PostgreSQL for several workers."""

from connector_front.store.database import Database, Executor, parse_database
from connector_front.store.lazy import LazyDatabase, database_of
from connector_front.store.migrations import MIGRATIONS, migrate
from connector_front.store.open import open_database

__all__ = [
    "MIGRATIONS",
    "Database",
    "Executor",
    "LazyDatabase",
    "database_of",
    "migrate",
    "open_database",
    "parse_database",
]
