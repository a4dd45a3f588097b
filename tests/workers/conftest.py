"""Fixtures of the many-workers proof: the PostgreSQL server the store tests start."""

from __future__ import annotations

from tests.store.conftest import fresh_postgres, postgres_url

__all__ = ["fresh_postgres", "postgres_url"]
