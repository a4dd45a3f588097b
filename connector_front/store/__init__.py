"""One store layer for every concern: SQLite by default, PostgreSQL for several workers."""

from connector_front.store.database import Database, Executor, parse_database
from connector_front.store.lazy import LazyDatabase
from connector_front.store.migrations import MIGRATIONS, migrate
from connector_front.store.open import open_database

__all__ = [
    "MIGRATIONS",
    "Database",
    "Executor",
    "LazyDatabase",
    "migrate",
    "open_database",
    "parse_database",
]
