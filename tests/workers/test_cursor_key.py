"""The cursor key file beside an SQLite database: one key for every process that starts at
once (a key written by one and overwritten by another would make each refuse the other's
cursors)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from connector_front.cursor import cursor_keys
from connector_front.errors import ConfigurationError
from connector_front.settings import ConnectorSettings

pytestmark = pytest.mark.workers

RACER = """
import sys, time
from pathlib import Path
from connector_front.cursor import cursor_keys
from connector_front.settings import ConnectorSettings
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
print(cursor_keys(ConnectorSettings(database=sys.argv[1]))[0].hex())
"""


def test_processes_starting_at_once_share_one_key(tmp_path: Path) -> None:
    database, go = str(tmp_path / "db.sqlite3"), tmp_path / "go"
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, database, str(go)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(8)
    ]
    time.sleep(1.0)  # every racer imported and waiting (a looser start only races less)
    go.touch()
    keys = {racer.communicate(timeout=60)[0].strip() for racer in racers}
    assert all(racer.returncode == 0 for racer in racers)
    assert len(keys) == 1, "processes that started together sign cursors with different keys"
    assert Path(database + ".cursor-key").read_text().encode().hex() in keys


def test_an_sqlite_url_keeps_the_key_beside_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cursor_keys(ConnectorSettings(database="sqlite:///data/db.sqlite3"))
    assert (tmp_path / "data" / "db.sqlite3.cursor-key").is_file()
    assert not (tmp_path / "sqlite:").exists()


def test_postgresql_needs_a_shared_cursor_key() -> None:
    settings = ConnectorSettings(database="postgresql://front@db.example/front")
    with pytest.raises(ConfigurationError, match="CONNECTOR_FRONT_CURSOR_KEY"):
        cursor_keys(settings)
    with_key = ConnectorSettings(database="postgresql://front@db.example/front", cursor_key="k")
    assert cursor_keys(with_key) == (b"k",)
