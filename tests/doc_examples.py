"""The code blocks of a Markdown page (the README, a page of the documentation site), and a
bash session that runs its shell blocks as a reader pastes them.

A page's shell blocks run in order, as one bash session, in a scratch folder holding a copy of
``examples/`` and the project's virtualenv as ``.venv``, with ``set -e``: the first line that
fails fails the session, which says which. The session's PATH does not hold the virtualenv: the
page activates it (the README's first line does), or the session does it first (a site page,
whose readers activated it as the site's first page says). The one change made to the text:
ports 8000, 8001, 8081 and 9000 become free ones, so a session never meets another process. A
customer approves every authorization ``connector-front connect`` prints, as a browser would.

A block preceded by ``<!-- not run: why -->`` is shown, not run; ``console``, ``json`` and
``text`` blocks are transcripts and data.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.conftest import quiet_port

REPO = Path(__file__).resolve().parent.parent
BASH = shutil.which("bash") or "/bin/bash"
FENCE = re.compile(
    r"^(?:<!-- not run: (?P<reason>[^\n]*?) -->\n)?```(?P<lang>\w+)\n(?P<body>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
SNIPPET = re.compile(r'^--8<-- "(?P<path>[^"]+)"\n$')
EXAMPLES = sorted(p for p in (REPO / "examples").glob("*.py") if p.name != "__init__.py")
PORTS = ("8000", "8001", "8081", "9000")
ACTIVATE = ". .venv/bin/activate"
AUTHORIZE = "authorization URL: "
SESSION_TIMEOUT = 900


@dataclass(frozen=True)
class Block:
    """One fenced block: its language, its text, and why it is not run (None: it runs)."""

    language: str
    body: str
    not_run: str | None = None


def blocks(text: str) -> list[Block]:
    return [Block(found["lang"], found["body"], found["reason"]) for found in FENCE.finditer(text)]


def runnable(text: str, language: str) -> list[str]:
    """The bodies of the blocks of ``language`` that run."""
    return [b.body for b in blocks(text) if b.language == language and b.not_run is None]


def included(body: str) -> str:
    """A block's code: the file a snippet line (``--8<-- "examples/x.py"``) includes, else
    the block itself."""
    found = SNIPPET.match(body)
    return (REPO / found["path"]).read_text(encoding="utf-8") if found else body


def commands(block: str) -> list[str]:
    """Shell lines, continuation lines joined, comments dropped."""
    joined = block.replace("\\\n", " ")
    lines = [re.sub(r"\s+#.*$", "", line).strip() for line in joined.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def session_script(texts: list[str], ports: dict[str, str], *, activate: bool) -> str:
    """The blocks as one bash script, ports swapped; it stops at the first failing line
    (saying which) and fails when a background job is left running."""
    body = "\n".join(([ACTIVATE] if activate else []) + texts)
    for old, new in ports.items():
        body = re.sub(rf"(?<!\d){old}(?!\d)", new, body)
    return "\n".join(
        [
            "set -e",
            """trap 'echo "page line failed (status $?): $BASH_COMMAND"' ERR""",
            body,
            'if [ -n "$(jobs -pr)" ]; then echo "the page left jobs running:"; jobs; exit 97; fi',
        ]
    )


def session_environment(scratch: Path) -> dict[str, str]:
    """The machine's environment without the connector's settings, and without the virtualenv
    on PATH; temporary files in ``scratch/tmp``."""
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


@dataclass
class Session:
    """What a session printed, how it ended, and what went wrong beside it."""

    status: int
    output: list[str]
    failures: list[str] = field(default_factory=list)

    @property
    def shown(self) -> str:
        return "".join(self.output)[-6000:]


def run_session(texts: list[str], scratch: Path, *, activate: bool) -> Session:
    """Run the blocks in ``scratch`` (made ready here); approve each authorization printed."""
    if not (Path(sys.prefix) / "bin" / "activate").is_file():
        raise AssertionError(
            "run the suite with the project's virtualenv (make test): the pages activate .venv"
        )
    shutil.copytree(REPO / "examples", scratch / "examples")
    (scratch / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    (scratch / "tmp").mkdir()
    ports = {port: str(quiet_port()) for port in PORTS}
    result = Session(status=-1, output=[])
    process = subprocess.Popen(
        [BASH, "-c", session_script(texts, ports, activate=activate)],
        cwd=scratch,
        env=session_environment(scratch),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )

    def read() -> None:
        assert process.stdout is not None
        for row in process.stdout:
            result.output.append(row)
            if row.startswith(AUTHORIZE):
                url = row[len(AUTHORIZE) :].strip()
                threading.Thread(target=approve, args=(url, result.failures), daemon=True).start()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        result.status = process.wait(timeout=SESSION_TIMEOUT)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 9)
            process.wait()
        reader.join(timeout=10)
    left = sorted(p.name for p in (scratch / "tmp").iterdir())
    if left:
        result.failures.append(f"temporary folders left behind: {left}")
    return result


def approve(url: str, failures: list[str]) -> None:
    """The customer opens the authorization URL; the sandbox approves and redirects."""
    try:
        answer = httpx.get(url, follow_redirects=True, timeout=30)
    except httpx.HTTPError as exc:
        failures.append(f"opening {url} failed: {exc!r}")
        return
    if answer.status_code != 200:
        failures.append(f"opening the authorization URL answered {answer.status_code}")


def curl_without_fail(texts: list[str]) -> list[str]:
    """``curl`` lines without ``-f``: ``curl -s`` alone prints an error answer as if it were
    the result, and exits 0."""
    found = []
    for line in (line for text in texts for line in commands(text)):
        if line.startswith("curl "):
            flags = "".join(word[1:] for word in line.split() if re.fullmatch(r"-[a-zA-Z]+", word))
            if "f" not in flags:
                found.append(line)
    return found


def unwaited_servers(texts: list[str]) -> list[str]:
    """Lines that start a server with ``&`` not followed by ``connector-front wait ... --pid
    $!``, and ``kill %N`` without ``wait %N``: the next block may need the port."""
    found = []
    for text in texts:
        lines = commands(text)
        for number, line in enumerate(lines):
            if line.endswith("&"):
                following = lines[number + 1] if number + 1 < len(lines) else ""
                if not (following.startswith("connector-front wait ") and "--pid $!" in following):
                    found.append(line)
            for job in re.findall(r"\bkill %(\d+)", line):
                if f"wait %{job}" not in line:
                    found.append(line)
    return found


def run_script(
    script: Path, cwd: Path, timeout: float = 120, env: dict[str, str] | None = None
) -> None:
    """Run an example with this interpreter; ``env`` is added to the environment (a Front's
    URL and token for an example that reads them from there)."""
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{script.name} failed: {done.stderr[-2000:]}"
    assert done.stdout.strip(), f"{script.name} printed nothing"
