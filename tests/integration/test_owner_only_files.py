"""The database (tokens, OAuth states) and its folder are created readable by their owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from connector_front.connector import FrontConnector
from connector_front.settings import ConnectorSettings


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def test_database_file_and_new_folders_are_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "state" / "nested" / "connector.sqlite3"
    connector = FrontConnector(ConnectorSettings(database=str(database), api_token="t"))
    await connector.connections.put("acme", ["genericContact::list"])
    await connector.aclose()
    assert _mode(database) == 0o600
    assert _mode(database.parent) == 0o700 and _mode(database.parent.parent) == 0o700
    for sibling in database.parent.iterdir():  # WAL / SHM files and the cursor key
        assert _mode(sibling) & 0o077 == 0, sibling


async def test_an_existing_folder_keeps_its_mode(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)  # noqa: S103 (a folder shared on purpose)
    connector = FrontConnector(ConnectorSettings(database=str(shared / "c.sqlite3"), api_token="t"))
    await connector.astart()  # the database is created when the connector starts
    await connector.aclose()
    assert _mode(shared) == 0o755
    assert _mode(shared / "c.sqlite3") == 0o600
