"""The README's coverage table and settings table say what the code does."""

from __future__ import annotations

from pathlib import Path

from connector_front.dev.coverage import (
    END,
    EVENTS_END,
    EVENTS_START,
    START,
    events_section,
    readme_section,
)
from connector_front.manifest import build_manifest
from connector_front.registry import ModelRegistry
from connector_front.settings import ENVIRONMENT, ConnectorSettings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_coverage_table_matches_the_manifest() -> None:
    start, end = README.index(START), README.index(END) + len(END)
    assert README[start:end] == readme_section(build_manifest(ModelRegistry())), (
        "README coverage table is stale: paste `connector-front manifest --markdown` over it"
    )


def test_translation_table_matches_the_code() -> None:
    start, end = README.index(EVENTS_START), README.index(EVENTS_END) + len(EVENTS_END)
    assert README[start:end] == events_section(), (
        "README event translation table is stale: paste it from `connector-front manifest "
        "--markdown`"
    )


def test_every_setting_and_environment_variable_is_documented() -> None:
    for name in ConnectorSettings.model_fields:
        assert f"| `{name}` |" in README, f"setting {name} missing from the README table"
    for variable in ENVIRONMENT:
        assert f"`{variable}`" in README, f"{variable} missing from the README"
