"""The README's coverage table, and the site's pages that hold the event translation table and
the settings table, say what the code does; the README's links lead somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

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

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
COVERAGE_PAGE = (REPO / "docs" / "reference" / "coverage.md").read_text(encoding="utf-8")
SETTINGS_PAGE = (REPO / "docs" / "reference" / "settings.md").read_text(encoding="utf-8")
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


def test_coverage_table_matches_the_manifest() -> None:
    start, end = README.index(START), README.index(END) + len(END)
    assert README[start:end] == readme_section(build_manifest(ModelRegistry())), (
        "README coverage table is stale: paste `connector-front manifest --markdown` over it"
    )


def test_translation_table_matches_the_code() -> None:
    start = COVERAGE_PAGE.index(EVENTS_START)
    end = COVERAGE_PAGE.index(EVENTS_END) + len(EVENTS_END)
    assert COVERAGE_PAGE[start:end] == events_section(), (
        "docs/reference/coverage.md's event translation table is stale: run "
        "python scripts/docs_reference.py (make docs)"
    )


def test_every_setting_and_environment_variable_is_documented() -> None:
    for name in ConnectorSettings.model_fields:
        assert f"| `{name}` |" in SETTINGS_PAGE, f"setting {name} missing from the settings page"
    for variable in ENVIRONMENT:
        assert f"`{variable}`" in SETTINGS_PAGE, f"{variable} missing from the settings page"


def test_every_relative_link_of_the_readme_points_to_a_file() -> None:
    targets = [found["target"] for found in LINK.finditer(README)]
    relative = [t for t in targets if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    assert relative, "the README links into the site"
    missing = [t for t in relative if not (REPO / t.split("#")[0]).is_file()]
    assert not missing, f"README links to files that do not exist: {missing}"


def test_the_readme_links_every_page_of_the_site_it_names_from_the_sites_navigation() -> None:
    """Each docs/ page the README links is a page of the site (mkdocs.yml's nav), so it is
    built and reachable there too."""

    def pages(entry: object) -> list[str]:
        if isinstance(entry, str):
            return [entry]
        if isinstance(entry, list):
            return [page for item in entry for page in pages(item)]
        if isinstance(entry, dict):
            return [page for value in entry.values() for page in pages(value)]
        return []

    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    in_nav = set(pages(config["nav"]))
    linked = {
        found["target"].split("#")[0].removeprefix("docs/")
        for found in LINK.finditer(README)
        if found["target"].startswith("docs/")
    }
    assert linked, "the README links into the site"
    assert linked <= in_nav, f"README links pages the site does not list: {linked - in_nav}"
