"""Fixtures that run the same store tests on both backends.

``database_url`` is parametrized: an SQLite file in the test's folder, and a fresh database on
one throwaway PostgreSQL server per session. Without PostgreSQL the PostgreSQL half skips with
the reason printed, except in CI (``CI=true``), where ``.ci/run`` installs it and a missing
server is a failure.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest

from connector_front.store import Database
from tests.postgres_server import binaries, postgres_server
from tests.requirements import unavailable
from tests.store.processes import two_workers

_names = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A running throwaway server's URL (its ``postgres`` database)."""
    if binaries() is None:
        unavailable("PostgreSQL tests", "PostgreSQL is not installed (apt-get install postgresql)")
    with postgres_server() as url:
        yield url


@pytest.fixture
def fresh_postgres(postgres_url: str) -> str:
    """A new empty database on the session's server."""
    name = f"test_{os.getpid()}_{next(_names)}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return postgres_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The ``database`` setting of a fresh, empty database of each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return str(request.getfixturevalue("fresh_postgres"))


@pytest.fixture
async def worker_databases(database_url: str) -> AsyncIterator[tuple[Database, Database]]:
    """Two databases on one setting, each with its own pool: two worker processes."""
    async with two_workers(database_url) as pair:
        yield pair
