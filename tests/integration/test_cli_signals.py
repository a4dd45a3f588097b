"""``kill`` (SIGTERM) ends a command as Ctrl-C does: its temporary folder is removed, and a
server (``serve``, ``sandbox``) shuts down and exits 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.conftest import quiet_port

SCRIPT = Path(sys.executable).parent / "connector-front"


def start(*args: str, temp: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FRONT_", "CONNECTOR_FRONT_"))}
    env["TMPDIR"] = str(temp)
    return subprocess.Popen(
        [str(SCRIPT), *args],
        cwd=temp.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def until(condition: Callable[[], bool], process: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert process.poll() is None, f"exited before {what}: {process.communicate()[1]}"
        assert time.monotonic() < deadline, f"no {what} within 60 s"
        time.sleep(0.1)


def answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=2)
    except httpx.TransportError:
        return False
    return True


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_serve_sandbox_removes_its_folder_when_stopped_by_a_signal(
    sig: signal.Signals, tmp_path: Path
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = quiet_port()
    process = start("serve", "--sandbox", "--port", str(port), temp=temp)
    until(lambda: answers(f"http://127.0.0.1:{port}/connectors/front"), process, "an answer")
    (folder,) = temp.iterdir()
    assert folder.name.startswith("connector-front-serve-")
    assert any(temp.rglob("host.sqlite3"))
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert list(temp.iterdir()) == [], "the temporary folder and its host.sqlite3 are gone"


def test_a_sandbox_command_removes_its_folder_when_killed(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = start(
        "sync", "--sandbox", "--model", "genericContact", "--watch", "--interval", "3600",
        temp=temp,
    )  # fmt: skip
    assert process.stdout is not None
    report = process.stdout.readline()  # the first pass is done; it now waits an hour
    assert '"owners"' in report, process.communicate()[1]
    (folder,) = temp.iterdir()
    assert folder.name.startswith("connector-front-cli-")
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    assert list(temp.iterdir()) == []


def test_the_standalone_sandbox_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = quiet_port()
    process = start("sandbox", "--port", str(port), temp=temp)
    until(lambda: answers(f"http://127.0.0.1:{port}/me"), process, "an answer")
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0 and "Traceback" not in err, err
