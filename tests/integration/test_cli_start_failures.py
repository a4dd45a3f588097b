"""A command that cannot start as asked says so in one line naming the flag or setting and what
to do, exits 2 and writes nothing: a port in use, a database path whose folder cannot be made,
a database file that is not SQLite, a host with no Front credentials.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "connector-front"
NOT_SQLITE = "name,email\nAda,ada@example.com\n"


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port another process's socket listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("FRONT_", "CONNECTOR_FRONT_"))
    }
    clean["TMPDIR"] = str(cwd / "tmp")
    (cwd / "tmp").mkdir(exist_ok=True)
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def said_one_line(done: subprocess.CompletedProcess[str], *words: str) -> str:
    """The command exited 2 with one line on stderr holding ``words``, and printed nothing."""
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1, done.stderr
    assert done.stdout == ""
    for word in words:
        assert word in lines[0]
    return lines[0]


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize(
    ("command", "env"),
    [
        (["sandbox"], {}),
        (["serve", "--sandbox"], {}),
        (["serve"], {"FRONT_API_TOKEN": "unused"}),
    ],
    ids=["sandbox", "serve --sandbox", "serve"],
)
def test_a_port_in_use_is_one_line_naming_the_flag_before_any_banner(
    command: list[str], env: dict[str, str], busy_port: int, tmp_path: Path
) -> None:
    done = run(*command, "--port", str(busy_port), cwd=tmp_path, env=env)
    line = said_one_line(done, f"--port {busy_port}", "in use", "--port 0")
    assert "sandbox Front on" not in line and "connect page" not in done.stderr
    assert files(tmp_path) == ["tmp"], "no database, no temporary folder"


@pytest.mark.parametrize(
    ("command", "env"),
    [(["serve", "--sandbox"], {}), (["serve"], {"FRONT_API_TOKEN": "unused"})],
    ids=["serve --sandbox", "serve"],
)
def test_a_metrics_port_in_use_is_one_line_naming_its_flag_before_any_banner(
    command: list[str], env: dict[str, str], busy_port: int, tmp_path: Path
) -> None:
    done = run(*command, "--port", "0", "--metrics-port", str(busy_port), cwd=tmp_path, env=env)
    said_one_line(done, f"--metrics-port {busy_port}", "in use", "metrics_port")
    assert "Traceback" not in done.stderr
    assert files(tmp_path) == ["tmp"], "no database, no temporary folder"


def test_connect_names_the_redirect_uri_when_its_port_is_taken(
    busy_port: int, tmp_path: Path
) -> None:
    """connect listens on the redirect URI's port: the same check, naming that setting."""
    env = {
        "FRONT_CLIENT_ID": "id",
        "FRONT_CLIENT_SECRET": "secret",
        "FRONT_REDIRECT_URI": f"http://127.0.0.1:{busy_port}/oauth/callback",
    }
    done = run("connect", "acme", "--operations", "genericContact::list", cwd=tmp_path, env=env)
    said_one_line(done, "redirect_uri (FRONT_REDIRECT_URI)", "in use", "--no-wait")
    assert files(tmp_path) == ["tmp"], "no connection, no database"


@pytest.mark.parametrize("command", [["connections"], ["serve", "--port", "0"]])
def test_a_database_folder_that_cannot_be_made_is_one_line(
    command: list[str], tmp_path: Path
) -> None:
    (tmp_path / "blocker").write_text("a file where a folder would go\n", encoding="utf-8")
    database = "blocker/data/front.sqlite3"
    env = {"CONNECTOR_FRONT_DATABASE": database, "FRONT_API_TOKEN": "unused"}
    done = run(*command, cwd=tmp_path, env=env)
    said_one_line(done, "database (CONNECTOR_FRONT_DATABASE)", "blocker/data", "cannot be made")
    assert files(tmp_path) == ["blocker", "tmp"]


@pytest.mark.parametrize("command", [["connections"], ["serve", "--port", "0"]])
def test_a_database_file_that_is_not_sqlite_is_left_alone(
    command: list[str], tmp_path: Path
) -> None:
    (tmp_path / "contacts.csv").write_text(NOT_SQLITE, encoding="utf-8")
    env = {"CONNECTOR_FRONT_DATABASE": "contacts.csv", "FRONT_API_TOKEN": "unused"}
    done = run(*command, cwd=tmp_path, env=env)
    said_one_line(done, "database (CONNECTOR_FRONT_DATABASE)", "not an SQLite database")
    assert files(tmp_path) == ["contacts.csv", "tmp"], "no contacts.csv.cursor-key beside it"
    assert (tmp_path / "contacts.csv").read_text(encoding="utf-8") == NOT_SQLITE


def test_a_database_setting_naming_a_folder_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    env = {"CONNECTOR_FRONT_DATABASE": "data", "FRONT_API_TOKEN": "unused"}
    done = run("connections", cwd=tmp_path, env=env)
    said_one_line(done, "database (CONNECTOR_FRONT_DATABASE)", "folder", "data/connector-front")
    assert files(tmp_path) == ["data", "tmp"]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "FRONT_CLIENT_ID and FRONT_CLIENT_SECRET"),
        ({"FRONT_CLIENT_ID": "my-app"}, "set FRONT_CLIENT_SECRET"),
    ],
    ids=["nothing", "no secret"],
)
def test_serve_without_front_credentials_refuses_to_start(
    env: dict[str, str], named: str, tmp_path: Path
) -> None:
    """Every resource call of such a host would fail: it says so at once instead."""
    done = run("serve", "--port", "0", cwd=tmp_path, env=env)
    said_one_line(done, named, "FRONT_API_TOKEN")
    assert files(tmp_path) == ["tmp"]
