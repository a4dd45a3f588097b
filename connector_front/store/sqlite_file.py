"""The SQLite file a ``database`` setting names, checked before anything is written for it.

A folder that cannot be made or a file that is not SQLite would otherwise surface as an
``OSError`` or ``sqlite3.DatabaseError`` on the first statement, after the cursor key file
was written beside it.
"""

from __future__ import annotations

from pathlib import Path

from connector_front.errors import ConfigurationError
from connector_front.util.files import make_folders

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first bytes of every SQLite database file (an empty file is a new database)."""
SETTING = "database (CONNECTOR_FRONT_DATABASE)"


def prepare_sqlite_file(path: Path) -> None:
    """Make the file's missing folders (owner-only) and check that an existing file is an
    SQLite database; else a ConfigurationError naming the setting and what to do, with
    nothing written."""
    if path.is_dir():
        raise ConfigurationError(
            f"{SETTING} names {path}, which is a folder; name a file, such as "
            f"{path / 'connector-front.sqlite3'}"
        )
    if path.exists():
        _check_header(path)
        return
    try:
        make_folders(path.parent)
    except OSError as exc:
        raise ConfigurationError(
            f"{SETTING} names {path}, but its folder {exc.filename or path.parent} cannot be "
            f"made ({exc.strerror}); name a file in a folder this user can write"
        ) from None


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise ConfigurationError(
            f"{SETTING}: cannot read {path} ({exc.strerror}); give this user access to it, or "
            "name another file"
        ) from None
    if header and header != SQLITE_HEADER:
        raise ConfigurationError(
            f"{SETTING} names {path}, which is not an SQLite database (it was left as it is); "
            "name an SQLite file, or a new file name for the connector to create"
        )
