"""No signing key is kept in the repository, and git ignores one written beside a database."""

from __future__ import annotations

import shutil
import subprocess

from tests.conftest import REPO
from tests.requirements import unavailable


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    git = shutil.which("git")
    if git is None or not (REPO / ".git").exists():
        unavailable("the repository key check", "this is not a git checkout with git installed")
    return subprocess.run(
        [git, *args], cwd=REPO, capture_output=True, text=True, timeout=30, check=False
    )


def test_no_cursor_key_file_is_tracked() -> None:
    tracked = _git("ls-files", "--", "*.cursor-key").stdout.split()
    assert tracked == [], f"signing keys committed to the repository: {tracked}"


def test_a_key_file_beside_a_database_is_ignored() -> None:
    checked = _git("check-ignore", "--no-index", "connector-front.sqlite3.cursor-key")
    assert checked.returncode == 0, "git would offer to commit a cursor key file"
