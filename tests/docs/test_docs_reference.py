"""The generated reference pages say what the code says: each committed page equals what
``scripts/docs_reference.py`` writes from its source (the settings model, the parser, the
host's /openapi.json, the manifest), and each source's every item is on its page."""

from __future__ import annotations

import argparse
import importlib.util
import json
from pathlib import Path

import pytest

from connector_front.cli import _parser
from connector_front.dev.coverage import END, EVENTS_END, EVENTS_START, START
from connector_front.settings import ENVIRONMENT, ConnectorSettings

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "docs_reference", REPO / "scripts" / "docs_reference.py"
)
assert _spec and _spec.loader
generator = importlib.util.module_from_spec(_spec)  # scripts/ is a folder of scripts
_spec.loader.exec_module(generator)
REFERENCE = REPO / "docs" / "reference"


def page(name: str) -> str:
    return (REFERENCE / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(generator.PAGES))
def test_the_committed_page_is_what_its_source_generates(name: str) -> None:
    assert page(name) == generator.PAGES[name](), (
        f"docs/reference/{name} is stale: run python scripts/docs_reference.py (make docs)"
    )


def test_every_setting_is_on_the_settings_page_with_its_variable_and_meaning() -> None:
    text = page("settings.md")
    for name, field in ConnectorSettings.model_fields.items():
        assert field.description, f"setting {name} has no description to show"
        (row,) = [line for line in text.splitlines() if line.startswith(f"| `{name}` |")]
        assert " ".join(field.description.split()) in row.replace("\\|", "|")
    for variable in ENVIRONMENT:
        assert f"`{variable}`" in text, f"{variable} missing from the settings page"


def test_every_command_and_option_is_on_the_command_line_page() -> None:
    text = page("cli.md")
    for path, parser in generator._commands(_parser(), ("connector-front",)):
        assert f"## {' '.join(path)}\n" in text
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction):
                continue  # every command's -h, --help
            for flag in action.option_strings:
                assert f"`{flag}`" in text, f"{' '.join(path)} {flag} missing"


def test_every_route_of_the_hosts_document_is_on_the_http_page() -> None:
    text = page("http.md")
    document = json.loads(json.dumps(generator.asyncio.run(generator._openapi())))
    for path, operations in document["paths"].items():
        assert f"## `{path}`" in text
        for method in operations:
            assert f"| {method.upper()} | [`{path}`]" in text


def test_the_coverage_page_carries_both_tables() -> None:
    text = page("coverage.md")
    assert START in text and END in text and EVENTS_START in text and EVENTS_END in text


def test_a_stale_page_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--check`` fails on a page that differs from its source, and names it."""
    for name in generator.PAGES:
        (tmp_path / name).write_text(page(name), encoding="utf-8")
    (tmp_path / "cli.md").write_text(page("cli.md").replace("--limit", "--lim"), encoding="utf-8")
    monkeypatch.setattr(generator, "REFERENCE", tmp_path)
    assert generator.main(["--check"]) == 1
    monkeypatch.setattr(generator, "REFERENCE", REFERENCE)
    assert generator.main(["--check"]) == 0
