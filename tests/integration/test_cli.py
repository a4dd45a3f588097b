"""The command line, run in-process: help everywhere, JSON out, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from connector_front.cli import main

COMMANDS = [
    [],
    ["demo"],
    ["sandbox"],
    ["serve"],
    ["manifest"],
    ["resources"],
    ["resources", "list"],
    ["resources", "get"],
    ["resources", "create"],
    ["resources", "update"],
    ["resources", "delete"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_every_command_answers_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    assert "usage: connector-front" in capsys.readouterr().out


def test_manifest_is_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manifest"]) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert manifest["id"] == "front"
    assert [m["model"] for m in manifest["models"]][:2] == ["genericContact", "genericCompany"]


def test_resources_on_an_embedded_sandbox(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resources", "list", "genericContact", "--sandbox", "--limit", "2"]) == 0
    page = json.loads(capsys.readouterr().out)
    assert len(page["data"]) == 2 and page["next"]
    assert main(["resources", "get", "ticketProject", "inb_s001", "--sandbox"]) == 0
    assert json.loads(capsys.readouterr().out)["fields"]["name"] == "Support"
    created = main(
        ["resources", "create", "genericCompany", "--sandbox", "--fields", '{"name": "Talus"}']
    )
    assert created == 0
    assert json.loads(capsys.readouterr().out)["fields"]["name"] == "Talus"


def test_bad_input_exits_non_zero_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["resources", "create", "genericContact", "--sandbox", "--fields", "{oops"])
    assert code == 1
    assert "--fields is not valid JSON" in capsys.readouterr().err
    code = main(["resources", "list", "genericContact", "--sandbox", "--filter", "nonsense"])
    assert code == 1
    assert "NAME=VALUE" in capsys.readouterr().err
    code = main(["resources", "delete", "genericWorkspace", "tim_s001", "--sandbox"])
    assert code == 1
    assert "not supported by Front" in capsys.readouterr().err


def test_unconnected_owner_is_told_to_authorize(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    for name in ("FRONT_CLIENT_ID", "FRONT_CLIENT_SECRET", "FRONT_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CONNECTOR_FRONT_DATABASE", f"{tmp_path}/cli.sqlite3")
    code = main(["resources", "list", "genericContact", "--owner", "nobody"])
    assert code == 1
    assert "authorization_required" in capsys.readouterr().err


def _cli(*args: str) -> Any:
    """Run the installed ``connector-front`` in its own process; its JSON output."""
    script = Path(sys.executable).parent / "connector-front"
    done = subprocess.run(
        [str(script), *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_cursor_continues_the_listing_in_another_cli_process() -> None:
    first = _cli("resources", "list", "genericContact", "--sandbox", "--limit", "2")
    assert first["next"]
    listing = ("resources", "list", "genericContact", "--sandbox", "--limit")
    second = _cli(*listing, "2", "--cursor", first["next"])
    both = _cli(*listing, "4")
    assert [r["id"] for r in first["data"] + second["data"]] == [r["id"] for r in both["data"]]
