"""The README's examples run as written: its shell blocks, its Python, and ``examples/``.

The shell blocks run as a reader pastes them: in order, as one bash session, in a scratch
folder holding a copy of ``examples/`` and the project's virtualenv as ``.venv``. The session's
PATH does not hold the virtualenv: the README's own activation line must put it there. It runs
with ``set -e``, so the first line that fails fails the test; nothing waits for a server on the
README's behalf (its blocks wait themselves). The one change made to the text: ports 8000,
8001, 8081 and 9000 become free ones, so the session never meets another process. A customer
approves the authorization ``connector-front connect`` prints, as a browser would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import httpx
import pytest

from connector_front.settings import ConnectorSettings
from tests.conftest import quiet_port

REPO = Path(__file__).resolve().parents[2]
BASH = shutil.which("bash") or "/bin/bash"
README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
EXAMPLES = sorted(p for p in (REPO / "examples").glob("*.py") if p.name != "__init__.py")
PORTS = ("8000", "8001", "8081", "9000")
SETUP = "make "
"""The block of the two set-up commands: the suite and the demo themselves (CI runs them)."""
TIMEOUT = 120
SESSION_TIMEOUT = 900
AUTHORIZE = "authorization URL: "


def blocks(language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(README) if lang == language]


def shell_blocks() -> list[str]:
    return [block for block in blocks("sh") if not block.startswith(SETUP)]


def commands(block: str) -> list[str]:
    """Shell lines, continuation lines joined, comments dropped."""
    joined = block.replace("\\\n", " ")
    lines = [re.sub(r"\s+#.*$", "", line).strip() for line in joined.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def session_script(texts: list[str], ports: dict[str, str]) -> str:
    """The blocks as one bash script, ports swapped; it stops at the first failing line
    (saying which) and fails when a background job is left running."""
    body = "\n".join(texts)
    for old, new in ports.items():
        body = re.sub(rf"(?<!\d){old}(?!\d)", new, body)
    return "\n".join(
        [
            "set -e",
            """trap 'echo "README line failed (status $?): $BASH_COMMAND"' ERR""",
            body,
            'if [ -n "$(jobs -pr)" ]; then echo "the README left jobs running:"; jobs; exit 97; fi',
        ]
    )


def session_environment(scratch: Path) -> dict[str, str]:
    """The machine's environment without the connector's settings, and without the virtualenv
    on PATH (the README activates it); temporary files in ``scratch/tmp``."""
    venv_bin = str(Path(sys.prefix) / "bin")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("FRONT_", "CONNECTOR_FRONT_", "PYTHON", "VIRTUAL_ENV"))
    }
    env["PATH"] = os.pathsep.join(
        part for part in env.get("PATH", "").split(os.pathsep) if part and part != venv_bin
    )
    env["TMPDIR"] = str(scratch / "tmp")
    return env


def approve(url: str, failures: list[str]) -> None:
    """The customer opens the authorization URL; the sandbox approves and redirects."""
    try:
        answer = httpx.get(url, follow_redirects=True, timeout=30)
    except httpx.HTTPError as exc:
        failures.append(f"opening {url} failed: {exc!r}")
        return
    if answer.status_code != 200:
        failures.append(f"opening the authorization URL answered {answer.status_code}")


def test_readme_shell_blocks_run_when_pasted_in_order(tmp_path: Path) -> None:
    if not (Path(sys.prefix) / "bin" / "activate").is_file():
        pytest.fail(
            "run the suite with the project's virtualenv (make test): the README activates .venv"
        )
    texts = shell_blocks()
    lines = [line for text in texts for line in commands(text)]
    assert lines[0] == ". .venv/bin/activate", "the first block activates the virtualenv"
    assert any(line.startswith("connector-front connect ") for line in lines)
    assert any("--config examples/host.toml" in line for line in lines)
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    (tmp_path / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    (tmp_path / "tmp").mkdir()
    ports = {port: str(quiet_port()) for port in PORTS}
    output: list[str] = []
    failures: list[str] = []
    session = subprocess.Popen(
        [BASH, "-c", session_script(texts, ports)],
        cwd=tmp_path,
        env=session_environment(tmp_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )

    def read() -> None:
        assert session.stdout is not None
        for row in session.stdout:
            output.append(row)
            if row.startswith(AUTHORIZE):
                url = row[len(AUTHORIZE) :].strip()
                threading.Thread(target=approve, args=(url, failures), daemon=True).start()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        status = session.wait(timeout=SESSION_TIMEOUT)
    finally:
        if session.poll() is None:
            os.killpg(session.pid, 9)
            session.wait()
        reader.join(timeout=10)
    shown = "".join(output)[-6000:]
    assert status == 0, f"the README's shell blocks failed:\n{shown}"
    assert not failures, failures
    assert "Traceback" not in shown, shown
    assert any(row.startswith(AUTHORIZE) for row in output), "connect printed no URL"
    left = sorted(p.name for p in (tmp_path / "tmp").iterdir())
    assert left == [], f"temporary folders left behind: {left}"


def test_readme_curl_examples_fail_on_an_error_answer() -> None:
    """``curl -s`` alone prints an error answer as if it were the result, and exits 0."""
    for line in (line for text in shell_blocks() for line in commands(text)):
        if line.startswith("curl "):
            flags = "".join(word[1:] for word in line.split() if re.fullmatch(r"-[a-zA-Z]+", word))
            assert "f" in flags, f"{line!r}: give curl -f (curl -fsS)"


def test_readme_background_servers_are_waited_for_and_waited_out() -> None:
    """A block that starts a server with ``&`` waits until it answers before using it, and
    waits for it to end after stopping it, so the next block may take its port."""
    for text in shell_blocks():
        lines = commands(text)
        for number, line in enumerate(lines):
            if line.endswith("&"):
                following = lines[number + 1] if number + 1 < len(lines) else ""
                assert following.startswith("connector-front wait ") and "--pid $!" in following
            for job in re.findall(r"\bkill %(\d+)", line):
                assert f"wait %{job}" in line, f"{line!r}: wait for job {job} after stopping it"


def test_readme_python_is_an_example_that_runs(tmp_path: Path) -> None:
    shown = blocks("python")
    assert shown, "the README shows Python"
    examples = {p.read_text(encoding="utf-8") for p in EXAMPLES}
    for number, code in enumerate(shown):
        assert code in examples, "README Python differs from examples/: copy the file over"
        script = tmp_path / f"readme_{number}.py"
        script.write_text(code, encoding="utf-8")
        run_script(script, tmp_path)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_runs(example: Path, tmp_path: Path) -> None:
    run_script(example, tmp_path)


def test_readme_toml_is_valid_settings() -> None:
    for block in blocks("toml"):
        ConnectorSettings.model_validate(tomllib.loads(block).get("connector_front", {}))


def run_script(script: Path, cwd: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{script.name} failed: {done.stderr[-2000:]}"
    assert done.stdout.strip(), f"{script.name} printed nothing"
