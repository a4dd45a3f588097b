"""A process on SQLite never imports psycopg: libpq and psycopg cost it about 10 MiB of memory
and 50 ms of start-up for nothing. Run in a fresh interpreter, as a user's process starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import asyncio, sys
import connector_front.cli, connector_front.connector, connector_front.host
from connector_front.store.open import open_database

async def main():
    database = await open_database(sys.argv[1])
    await database.close()

asyncio.run(main())
print(sorted(name for name in sys.modules if name.split(".")[0].startswith("psycopg")))
"""


def test_opening_a_sqlite_database_imports_no_psycopg(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, database],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "store.sqlite3").exists()  # the database was really opened
