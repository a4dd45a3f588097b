"""``connector-front wait URL``: a shell line that holds the next one until a server answers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from connector_front.cli import main
from connector_front.commands.wait import NotReady, address, wait_for
from tests.clock import FakeClock
from tests.conftest import quiet_port

SCRIPT = Path(sys.executable).parent / "connector-front"
BASH = shutil.which("bash") or "/bin/bash"


def test_it_returns_once_the_server_answers(clock: FakeClock) -> None:
    attempts = iter([False, False, True])
    seconds = wait_for(
        "http://localhost:8000",
        timeout=60,
        alive=lambda: True,
        answers=lambda url: next(attempts),
        clock=clock,
        sleep=clock.advance,
    )
    assert seconds == pytest.approx(0.2)


def test_it_fails_at_once_when_the_server_process_exited(clock: FakeClock) -> None:
    with pytest.raises(NotReady, match="process exited before http://localhost:8000 answered"):
        wait_for(
            "http://localhost:8000",
            timeout=60,
            alive=lambda: False,
            answers=lambda url: False,
            clock=clock,
            sleep=clock.advance,
        )
    assert clock.slept == []


def test_it_gives_up_after_the_timeout(clock: FakeClock) -> None:
    with pytest.raises(NotReady, match="nothing answered at http://localhost:8000 within 5 s"):
        wait_for(
            "http://localhost:8000",
            timeout=5,
            alive=lambda: True,
            answers=lambda url: False,
            clock=clock,
            sleep=clock.advance,
        )
    assert sum(clock.slept) == pytest.approx(5, abs=0.11)


def test_an_address_may_leave_out_the_scheme() -> None:
    assert address("localhost:8000") == "http://localhost:8000"
    assert address("http://127.0.0.1:8081/x") == "http://127.0.0.1:8081/x"


def test_a_wrong_address_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wait", "ftp://files"]) == 1
    assert "give http://HOST:PORT or HOST:PORT" in capsys.readouterr().err


def test_from_a_shell_it_waits_for_a_sandbox_and_notices_a_server_that_died(
    tmp_path: Path,
) -> None:
    """As the README uses it: a server started with ``&``, then ``wait ... --pid $!``; a second
    server on the same port exits at once, and its ``wait`` says so instead of waiting."""
    port = quiet_port()
    script = f"""
        set -e
        {SCRIPT} sandbox --port {port} > first.log 2>&1 &
        {SCRIPT} wait localhost:{port} --pid $!
        curl -fsS -H "authorization: Bearer sandbox-api-token" localhost:{port}/me > me.json
        {SCRIPT} sandbox --port {port} > second.log 2>&1 &
        if {SCRIPT} wait localhost:{port}/nowhere --pid $! --timeout 60 2> wait.err; then
            echo "wait did not notice"; exit 3
        fi
        kill %1; wait %1
    """
    done = subprocess.run(
        [BASH, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"id"' in (tmp_path / "me.json").read_text()
    assert "in use" in (tmp_path / "second.log").read_text()
    assert "process exited" in (tmp_path / "wait.err").read_text()
