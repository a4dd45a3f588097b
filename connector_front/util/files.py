"""Files that hold secrets (the database, the cursor key) are created owner-only."""

from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY_FILE = 0o600
OWNER_ONLY_FOLDER = 0o700


def make_folders(folder: Path) -> None:
    """Create ``folder`` and missing parents owner-only; existing folders are left as they are.
    When one cannot be made, those made before it are removed again (the OSError is raised)."""
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    made: list[Path] = []
    try:
        for path in reversed(missing):
            path.mkdir(mode=OWNER_ONLY_FOLDER, exist_ok=True)
            made.append(path)
    except OSError:
        for path in reversed(made):
            path.rmdir()
        raise


def owner_only_file(path: str | Path) -> Path:
    """Create ``path`` (and its folders) readable by its owner only, unless it exists already."""
    target = Path(path)
    make_folders(target.parent)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY_FILE)
    except FileExistsError:
        return target
    os.close(fd)
    return target
