"""A command that needs an extra which is not installed names it and exits 2, never a traceback;
the commands of the core install run without the extras.

Each case is a real ``connector-front`` process whose interpreter cannot import the extras'
modules (``without_extras/sitecustomize.py`` hides them, as an install without them would).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from connector_front.commands.extras import COMMAND_EXTRAS, OPTION_EXTRAS
from connector_front.extras import EXTRAS
from connector_front.sandbox import SandboxServer

HIDER = Path(__file__).resolve().parent / "without_extras"
CLI = Path(sys.prefix) / "bin" / "connector-front"
EVERY_EXTRA = ",".join(module for modules in EXTRAS.values() for module in modules)
HOST = "pip install 'connector-front[host]'"


def run(
    *args: str, hide: str = EVERY_EXTRA, cwd: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("FRONT_", "CONNECTOR_FRONT_"))
    }
    environment.update(env, PYTHONPATH=str(HIDER), HIDE_MODULES=hide)
    return subprocess.run(
        [str(CLI), *args], cwd=cwd, env=environment, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


ARGUMENTS = {
    "demo": [],
    "sandbox": ["--port", "0"],
    "serve": ["--sandbox", "--port", "0"],
    "connect": ["customer-1", "--operations", "genericContact::list"],
    "sync": ["--owner", "demo"],
    "status": [],
}
"""A command line for each command of COMMAND_EXTRAS that would start it."""


def test_every_command_needing_an_extra_has_a_command_line_here() -> None:
    assert set(ARGUMENTS) == set(COMMAND_EXTRAS)


@pytest.mark.parametrize("command", sorted(COMMAND_EXTRAS))
def test_a_command_without_its_extra_names_the_extra(command: str, tmp_path: Path) -> None:
    done = run(command, *ARGUMENTS[command], cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    extra = COMMAND_EXTRAS[command]
    assert f"connector-front {command} needs the {extra!r} extra" in done.stderr
    assert f"pip install 'connector-front[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == [], "it started before checking (files left behind)"


def test_the_message_names_only_the_modules_that_are_missing(tmp_path: Path) -> None:
    done = run("serve", hide="rich", cwd=tmp_path)
    assert done.returncode == 2
    assert "needs the 'host' extra (rich not installed)" in done.stderr


@pytest.mark.parametrize("option", sorted(OPTION_EXTRAS))
def test_an_option_needing_an_extra_names_it(option: str, tmp_path: Path) -> None:
    done = run("resources", "list", "genericContact", f"--{option}", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert f"connector-front resources --{option} needs the 'host' extra" in done.stderr
    assert HOST in done.stderr
    assert "Traceback" not in done.stderr


def test_a_postgresql_database_without_its_extra_names_it(tmp_path: Path) -> None:
    done = run(
        "connections",
        cwd=tmp_path,
        CONNECTOR_FRONT_DATABASE="postgresql://nobody@127.0.0.1:9/none",
        CONNECTOR_FRONT_CURSOR_KEY="k" * 32,
        CONNECTOR_FRONT_ENCRYPTION_KEY="",
    )
    assert done.returncode == 2, done.stderr
    assert "a PostgreSQL database needs the 'postgres' extra" in done.stderr
    assert "pip install 'connector-front[postgres]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_core_commands_run_without_any_extra(sandbox: SandboxServer, tmp_path: Path) -> None:
    manifest = run("manifest", cwd=tmp_path)
    assert manifest.returncode == 0, manifest.stderr
    assert json.loads(manifest.stdout)["id"] == "front"
    token = sorted(sandbox.state.config.api_tokens)[0]
    listed = run(
        "resources", "list", "genericContact", "--limit", "2",
        "--api-base", sandbox.url, "--api-token", token, cwd=tmp_path,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert [record["model"] for record in json.loads(listed.stdout)["data"]] == [
        "genericContact"
    ] * 2
    assert run("--version", cwd=tmp_path).stdout.startswith("connector-front ")
