"""The command line, run in-process: help everywhere, JSON out, clear errors."""

from __future__ import annotations

import argparse
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
    ["connect"],
    ["connections"],
    ["manifest"],
    ["webhooks"],
    ["webhooks", "verify"],
    ["webhooks", "replay"],
    ["keys"],
    ["keys", "new"],
    ["keys", "rotate"],
    ["mapping"],
    ["mapping", "show"],
    ["mapping", "set"],
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


def test_every_subcommand_has_a_one_line_summary(capsys: pytest.CaptureFixture[str]) -> None:
    from connector_front.cli import _parser

    def subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.Action]]:
        return [
            (name, choice)
            for action in parser._actions
            if isinstance(action, argparse._SubParsersAction)
            for choice in action._choices_actions
            for name in [choice.dest]
        ]

    top = subcommands(_parser())
    assert {name for name, _ in top} >= {"connect", "connections", "sandbox", "serve"}
    nested = [
        sub
        for action in _parser()._actions
        if isinstance(action, argparse._SubParsersAction)
        for parser in action.choices.values()
        for sub in subcommands(parser)
    ]
    for name, choice in [*top, *nested]:
        assert choice.help and "\n" not in choice.help, f"{name} has no one-line summary"


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (["serve"], ["(default: 8000)", "(default: 127.0.0.1)"]),
        (["sandbox"], ["(default: 8081)", "(default: 3600.0)"]),
        (["connect"], ["(default: 300.0)"]),
    ],
)
def test_help_shows_defaults(
    command: list[str], shown: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for default in shown:
        assert default in text
    assert "(default: None)" not in text and "(default: False)" not in text


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


def test_list_omits_fields(capsys: pytest.CaptureFixture[str]) -> None:
    command = ["resources", "list", "ticketProject", "--sandbox", "--omit", "members,workspace"]
    assert main(command) == 0
    records = json.loads(capsys.readouterr().out)["data"]
    assert records and all(set(r["fields"]) == {"name", "description"} for r in records)
    assert main([*command[:-2], "--all", "--omit", "name"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and all("name" not in row["fields"] for row in rows)
    assert main(["resources", "list", "ticketProject", "--sandbox", "--omit", "colour"]) == 1
    assert "colour" in capsys.readouterr().err


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


def test_manifest_includes_the_custom_models_of_a_config(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pathlib import Path

    host_toml = Path(__file__).resolve().parents[2] / "examples" / "host.toml"
    assert main(["manifest", "--config", str(host_toml)]) == 0
    models = [m["model"] for m in json.loads(capsys.readouterr().out)["models"]]
    assert models[-1] == "frontTag"


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


def test_with_a_configured_key_a_cursor_continues_across_runs_and_the_public_one_is_refused(
    tmp_path: Path,
) -> None:
    config = tmp_path / "host.toml"
    config.write_text('cursor_key = "a-key-of-this-host-only"\n', encoding="utf-8")
    listing = ("resources", "list", "genericContact", "--sandbox", "--config", str(config))
    first = _cli(*listing, "--limit", "2")
    second = _cli(*listing, "--limit", "2", "--cursor", first["next"])
    both = _cli(*listing, "--limit", "4")
    assert [r["id"] for r in first["data"] + second["data"]] == [r["id"] for r in both["data"]]
    public = _cli("resources", "list", "genericContact", "--sandbox", "--limit", "2")["next"]
    script = Path(sys.executable).parent / "connector-front"
    refused = subprocess.run(
        [str(script), *listing, "--limit", "2", "--cursor", public],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 1 and "invalid_cursor" in refused.stderr


def test_mapping_set_and_show_keep_an_owners_choices_between_runs(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    from connector_front.connector import FrontConnector
    from connector_front.settings import ConnectorSettings

    config = tmp_path / "front.toml"
    config.write_text(
        f'api_base = "{sandbox.url}"\napi_token = "sandbox-api-token"\n'
        f'database = "{tmp_path / "cli.sqlite3"}"\n'
        '[field_mapping.ticketIssue]\npriority = "Priority"\n'
        '[field_keys.ticketIssue]\nescalated = { type = "boolean" }\n'
    )

    async def connect() -> None:
        async with FrontConnector(ConnectorSettings.load(config, env={})) as connector:
            await connector.connection("acme").create(["ticketIssue::list"])

    asyncio.run(connect())
    args = ["--config", str(config)]
    pairs = ["ticketIssue.priority=Order number", "ticketIssue.escalated=fld_s033"]
    assert main(["mapping", "set", "acme", *pairs, *args]) == 0
    assert json.loads(capsys.readouterr().out)["mapping"] == {
        "ticketIssue": {"priority": "fld_s032", "escalated": "fld_s033"}
    }
    assert main(["mapping", "set", "acme", "ticketIssue.escalated=", *args]) == 0
    capsys.readouterr()
    assert main(["mapping", "set", "acme", "--default", "ticketIssue.priority", *args]) == 0
    capsys.readouterr()
    assert main(["mapping", "show", "acme", *args]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["mapping"] == {"ticketIssue": {"escalated": None}}  # priority: the default
    keys = shown["models"]["ticketIssue"]["keys"]
    assert keys["priority"]["source"] == "default" and keys["escalated"]["mappedTo"] is None
    types = {f["name"]: f["type"] for f in shown["models"]["ticketIssue"]["customFields"]}
    assert types == {"Priority": "enum", "Order number": "string", "Escalated": "boolean"}

    assert main(["mapping", "set", "acme", "ticketIssue.escalated=Priority", *args]) == 1
    assert "a boolean key maps onto a Front boolean custom field" in capsys.readouterr().err
    assert main(["mapping", "set", "acme", "priority", *args]) == 1
    assert "must be MODEL.KEY=FIELD" in capsys.readouterr().err
