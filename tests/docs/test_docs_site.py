"""The site builds from a clean tree with ``mkdocs build --strict`` (the documented
``make docs``), every page is in its navigation, and the Python API page holds the
docstrings of the objects it documents."""

from __future__ import annotations

import html
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
API_PAGE = DOCS / "reference" / "python.md"
DIRECTIVE = re.compile(r"^::: ([\w.]+)$", re.MULTILINE)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stderr[-4000:]}"
    return out


def nav_pages(entries: object) -> set[str]:
    if isinstance(entries, str):
        return {entries}
    if isinstance(entries, list):
        return set().union(*(nav_pages(entry) for entry in entries))
    if isinstance(entries, dict):
        return set().union(*(nav_pages(value) for value in entries.values()))
    return set()


def test_every_page_is_in_the_navigation() -> None:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    assert nav_pages(config["nav"]) == pages


def test_the_python_api_page_holds_each_objects_docstring(site: Path) -> None:
    built = html.unescape(
        re.sub(r"<[^>]+>", "", (site / "reference/python/index.html").read_text())
    )
    built = " ".join(built.split())
    documented = DIRECTIVE.findall(API_PAGE.read_text(encoding="utf-8"))
    assert "connector_front.connector.FrontConnector" in documented
    for dotted in documented:
        module_name, _, attribute = dotted.rpartition(".")
        try:
            target = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, ValueError):
            target = importlib.import_module(dotted)
        doc = inspect.getdoc(target)
        assert doc, f"{dotted} has no docstring to render"
        first = " ".join(doc.split("\n\n")[0].split()).replace("``", "")
        assert first[:60] in built.replace("``", ""), f"{dotted}'s docstring is not on the page"


def test_the_site_has_every_page(site: Path) -> None:
    for page in DOCS.rglob("*.md"):
        relative = page.relative_to(DOCS).with_suffix("")
        built = site / ("index.html" if relative.name == "index" else f"{relative}/index.html")
        assert built.is_file(), f"{relative} was not built"
