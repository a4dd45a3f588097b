"""The README's examples run as written: its shell blocks, its Python, and ``examples/``.

The shell blocks run as a reader pastes them (``tests/doc_examples.py`` says how): in order, as
one bash session whose PATH does not hold the virtualenv, so the README's own activation line
must put it there. Each example runs with a sandbox Front's URL and token in its environment
(``FRONT_API_BASE``, ``FRONT_API_TOKEN``), as the README runs ``examples/plugin.py``; the
others start their own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from connector_front.sandbox import SandboxServer
from connector_front.settings import ConnectorSettings
from tests.doc_examples import (
    ACTIVATE,
    AUTHORIZE,
    EXAMPLES,
    REPO,
    commands,
    curl_without_fail,
    included,
    run_script,
    run_session,
    runnable,
    unwaited_servers,
)

README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.fixture
def front(sandbox: SandboxServer) -> dict[str, str]:
    """A sandbox Front given by URL and token, as the environment gives it to an example."""
    (token, *_) = sorted(sandbox.config.api_tokens)
    return {"FRONT_API_BASE": sandbox.url, "FRONT_API_TOKEN": token}


def test_readme_shell_blocks_run_when_pasted_in_order(tmp_path: Path) -> None:
    texts = runnable(README, "sh")
    lines = [line for text in texts for line in commands(text)]
    assert lines[0] == ACTIVATE, "the first block activates the virtualenv"
    session = run_session(texts, tmp_path, activate=False)
    assert session.status == 0, f"the README's shell blocks failed:\n{session.shown}"
    assert not session.failures, session.failures
    assert "Traceback" not in session.shown, session.shown
    if any(line.startswith("connector-front connect ") for line in lines):
        assert any(row.startswith(AUTHORIZE) for row in session.output), "connect printed no URL"


def test_readme_curl_examples_fail_on_an_error_answer() -> None:
    assert curl_without_fail(runnable(README, "sh")) == [], "give curl -f (curl -fsS)"


def test_readme_background_servers_are_waited_for_and_waited_out() -> None:
    assert unwaited_servers(runnable(README, "sh")) == []


def test_readme_python_is_an_example_that_runs(tmp_path: Path, front: dict[str, str]) -> None:
    shown = runnable(README, "python")
    assert shown, "the README shows Python"
    examples = {p.read_text(encoding="utf-8") for p in EXAMPLES}
    for number, code in enumerate(shown):
        assert included(code) in examples, "README Python differs from examples/: copy it over"
        script = tmp_path / f"readme_{number}.py"
        script.write_text(included(code), encoding="utf-8")
        run_script(script, tmp_path, env=front)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_runs(example: Path, tmp_path: Path, front: dict[str, str]) -> None:
    run_script(example, tmp_path, env=front)


def test_the_plugin_example_closes_the_connector_when_front_refuses(
    tmp_path: Path, front: dict[str, str]
) -> None:
    # a host author's first run often has a wrong token: the error names it, and the example
    # still closes its connector (no "Unclosed client session" after the traceback)
    done = subprocess.run(
        [sys.executable, str(REPO / "examples" / "plugin.py")],
        cwd=tmp_path,
        env={**os.environ, **front, "FRONT_API_TOKEN": "not-a-token"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1 and "configure a valid API token" in done.stderr, done.stderr
    assert "Unclosed" not in done.stderr, done.stderr[-2000:]


def test_readme_toml_is_valid_settings() -> None:
    for block in runnable(README, "toml"):
        ConnectorSettings.model_validate(tomllib.loads(block).get("connector_front", {}))
