"""The README's examples run as written: its shell sessions, its Python, and ``examples/``.

Shell blocks run in order as one session (shared environment and background jobs), in a
scratch folder holding a copy of ``examples/``. Ports 8000 and 8081 are swapped for free
ones so the test never collides with anything on the machine; a command ending in ``&``
runs in the background and is waited for until its port answers; ``kill %N`` stops job N;
``connector-front connect`` gets its authorization URL opened, as a customer would.
Each line runs as one command (no shell in between), so stopping a job stops the server.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from connector_front.settings import ConnectorSettings
from tests.conftest import quiet_port

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
EXAMPLES = sorted(p for p in (REPO / "examples").glob("*.py") if p.name != "__init__.py")
NOT_RUN = {"make": "make targets are the suite and the demo themselves (run by CI)"}
TIMEOUT = 120


def blocks(language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(README) if lang == language]


def commands(block: str) -> list[str]:
    """Shell lines, continuation lines joined, comments dropped."""
    joined = block.replace("\\\n", " ")
    lines = [re.sub(r"\s+#.*$", "", line).strip() for line in joined.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


@dataclass
class Session:
    """One shell session: environment, port swaps and background jobs."""

    cwd: Path
    env: dict[str, str] = field(repr=False)  # the machine's environment: never printed
    ports: dict[str, str]
    jobs: dict[int, tuple[subprocess.Popen[str], int]] = field(default_factory=dict, repr=False)
    once: dict[str, str] = field(default_factory=dict, repr=False)
    """``NAME=value command``: variables for that one command only."""

    @property
    def command_env(self) -> dict[str, str]:
        return {**self.env, **self.once}

    def swap(self, text: str) -> str:
        for old, new in self.ports.items():
            text = text.replace(old, new)
        return text

    def run(self, line: str) -> None:
        if line.startswith("connector-front serve") and "--port" not in line:
            line = line.replace(" &", "") + " --port 8000 &" if line.endswith("&") else line
        line = self.swap(line)
        self.once = {}
        while re.match(r"^[A-Z_][A-Z0-9_]*=\S* ", line):
            assignment, line = line.split(" ", 1)
            name, _, value = assignment.partition("=")
            self.once[name] = value
        word = line.split()[0]
        if word in NOT_RUN:
            print(f"not run: {line!r}: {NOT_RUN[word]}")
        elif word == "export":
            for pair in shlex.split(line)[1:]:
                name, _, value = pair.partition("=")
                self.env[name] = value
        elif word == "kill":
            self.stop(int(line.split("%")[1].split()[0]))
        elif line.endswith("&"):
            self.background(line[:-1].strip())
        elif line.startswith("connector-front connect "):
            self.connect(line)
        else:
            self.foreground(line)

    def foreground(self, line: str) -> None:
        done = subprocess.run(
            shlex.split(line),
            cwd=self.cwd,
            env=self.command_env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, f"{line!r} exited {done.returncode}: {done.stderr[-2000:]}"
        if line.startswith("curl"):
            answer = json.loads(done.stdout)
            assert "error" not in answer, f"{line!r} answered an error: {answer['error']}"
        elif line.startswith("connector-front keys new"):
            Fernet(done.stdout.strip())  # a bare key, for $(...) in a shell
        elif "resources list" in line and "--all" in line:
            records = [json.loads(row) for row in done.stdout.splitlines()]
            assert records and all(r["object"] == "resource" for r in records)
        elif line.startswith("connector-front"):
            json.loads(done.stdout)  # every such command prints JSON

    def background(self, line: str) -> None:
        port = int(re.findall(r"--port (\d+)", line)[0])
        number = max(self.jobs, default=0) + 1
        log = self.cwd / f"job-{len(list(self.cwd.glob('job-*.log')))}-{port}.log"
        with log.open("w") as sink:
            job = subprocess.Popen(
                shlex.split(line),
                cwd=self.cwd,
                env=self.command_env,
                text=True,
                start_new_session=True,
                stdout=sink,
                stderr=sink,
            )
        self.jobs[number] = (job, port)
        deadline = time.monotonic() + 60
        while True:
            assert job.poll() is None, f"{line!r} stopped: {log.read_text()[-2000:]}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                assert time.monotonic() < deadline, f"{line!r} never listened on {port}"
                time.sleep(0.1)
                continue
            time.sleep(0.3)  # a job that lost its port exits at once: make sure this one lives
            assert job.poll() is None, f"{line!r} stopped: {log.read_text()[-2000:]}"
            return

    def connect(self, line: str) -> None:
        job = subprocess.Popen(
            shlex.split(line),
            cwd=self.cwd,
            env=self.command_env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert job.stdout is not None
        url = None
        for row in job.stdout:
            if row.startswith("authorization URL: "):
                url = row.split(": ", 1)[1].strip()
            if row.startswith("waiting for Front's redirect"):
                break
        assert url, (
            f"{line!r} printed no authorization URL: {job.stderr.read() if job.stderr else ''}"
        )
        answer = httpx.get(url, follow_redirects=True, timeout=30)  # the customer approves
        assert answer.status_code == 200, answer.text
        out, err = job.communicate(timeout=TIMEOUT)
        assert job.returncode == 0, err
        assert json.loads(out.strip().splitlines()[-1])["authorized"] is True

    def stop(self, number: int) -> None:
        job, _ = self.jobs.pop(number)
        os.killpg(job.pid, signal.SIGTERM)
        try:
            job.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(job.pid, signal.SIGKILL)
            job.wait()

    def close(self) -> None:
        for number in list(self.jobs):
            self.stop(number)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FRONT_", "CONNECTOR_FRONT_", "PYTHON"))
    }
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    ports = {"8000": str(quiet_port()), "8081": str(quiet_port())}
    shell = Session(tmp_path, env, ports)
    yield shell
    shell.close()


def test_readme_shell_examples_run_as_written(session: Session) -> None:
    lines = [line for block in blocks("sh") for line in commands(block)]
    assert any(line.startswith("connector-front connect ") for line in lines)
    assert any("--config examples/host.toml" in line for line in lines)
    for line in lines:
        session.run(line)
    assert not session.jobs, "every background job the README starts, it stops"


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
