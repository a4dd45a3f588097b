"""Every code block of the documentation site is tested the way the README's are: each page's
shell blocks run in one bash session (``tests/doc_examples.py``), its Python is a file of
``examples/`` (which all run: tests/integration/test_readme_examples.py), its TOML is valid
settings; a block that does not run says why."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from connector_front.settings import ConnectorSettings
from tests.doc_examples import (
    AUTHORIZE,
    EXAMPLES,
    REPO,
    blocks,
    commands,
    curl_without_fail,
    included,
    run_session,
    runnable,
    unwaited_servers,
)

DOCS = REPO / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
SHELL_PAGES = [page for page in PAGES if runnable(page.read_text(encoding="utf-8"), "sh")]
SHOWN_ONLY = {"console", "json", "text"}
"""Languages of transcripts and data: shown, never run."""
RUN = {"sh", "python", "toml"}


def name(page: Path) -> str:
    return str(page.relative_to(DOCS))


def text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


@pytest.mark.parametrize("page", SHELL_PAGES, ids=name)
def test_a_pages_shell_blocks_run_when_pasted_in_order(page: Path, tmp_path: Path) -> None:
    texts = runnable(text(page), "sh")
    session = run_session(texts, tmp_path, activate=True)
    assert session.status == 0, f"{name(page)}'s shell blocks failed:\n{session.shown}"
    assert not session.failures, session.failures
    assert "Traceback" not in session.shown, session.shown
    lines = [line for block in texts for line in commands(block)]
    if any(line.startswith("connector-front connect ") for line in lines):
        assert any(row.startswith(AUTHORIZE) for row in session.output), "connect printed no URL"


def test_the_pages_run_examples_of_every_kind() -> None:
    """The sessions above cover what a reader does first: the tutorial connects an account and
    reads events, and the how-to guides start servers."""
    tutorial = [
        line for block in runnable(text(DOCS / "tutorial.md"), "sh") for line in commands(block)
    ]
    assert any(line.startswith("connector-front connect ") for line in tutorial)
    assert any("/events" in line for line in tutorial)
    assert any(
        "--config examples/host.toml" in line
        for p in SHELL_PAGES
        for b in runnable(text(p), "sh")
        for line in commands(b)
    )


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_every_block_runs_or_says_why_not(page: Path) -> None:
    for block in blocks(text(page)):
        if block.not_run is not None:
            assert block.not_run.strip(), f"{name(page)}: say why a block is not run"
            continue
        assert block.language in RUN | SHOWN_ONLY, (
            f"{name(page)}: a {block.language!r} block neither runs nor is a transcript; use "
            f"one of {sorted(RUN | SHOWN_ONLY)}"
        )


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_a_pages_python_is_an_example_file(page: Path) -> None:
    examples = {p.read_text(encoding="utf-8") for p in EXAMPLES}
    for code in runnable(text(page), "python"):
        assert included(code) in examples, (
            f"{name(page)}: Python on a page is a file of examples/, included whole "
            '(--8<-- "examples/name.py"), so that it runs'
        )


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_a_pages_toml_is_valid_settings(page: Path) -> None:
    for block in runnable(text(page), "toml"):
        ConnectorSettings.model_validate(tomllib.loads(block).get("connector_front", {}))


@pytest.mark.parametrize("page", SHELL_PAGES, ids=name)
def test_curl_examples_fail_on_an_error_answer(page: Path) -> None:
    assert curl_without_fail(runnable(text(page), "sh")) == [], "give curl -f (curl -fsS)"


@pytest.mark.parametrize("page", SHELL_PAGES, ids=name)
def test_background_servers_are_waited_for_and_waited_out(page: Path) -> None:
    assert unwaited_servers(runnable(text(page), "sh")) == []
