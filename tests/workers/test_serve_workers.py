"""``connector-front serve --workers N``: N processes on one port and one database, and the
setups it refuses."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from connector_front.cli import main
from tests.workers.harness import (
    CALL,
    OWNER,
    SCRIPT,
    Sandbox,
    authorize,
    free_port,
    host_environment,
    wait_until_answers,
)

pytestmark = pytest.mark.workers


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    found = " ".join((task / "children").read_text() for task in tasks.iterdir())
    return [int(child) for child in found.split()]


def _is_worker(pid: int) -> bool:
    return "spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")


def test_two_workers_serve_one_port_on_one_database(tmp_path: Path) -> None:
    sandbox = Sandbox(tmp_path, token_ttl=3600, webhook_url="http://127.0.0.1:9/unused")
    env = host_environment(sandbox, str(tmp_path / "hosts.sqlite3"))
    port = free_port()
    log = tmp_path / "serve.log"
    try:
        authorize(env)
        command = [str(SCRIPT), "serve", "--workers", "2", "--port", str(port)]
        with log.open("wb") as out:
            serve = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_answers(f"{url}/connectors/front", serve, log)
            workers = [pid for pid in _children(serve.pid) if _is_worker(pid)]
            assert len(workers) == 2, log.read_text()
            with httpx.Client(base_url=url, headers={"x-owner-id": OWNER}, timeout=30) as http:
                statuses = {http.get(CALL, params={"limit": "1"}).status_code for _ in range(20)}
            assert statuses == {200}
            assert (tmp_path / "hosts.sqlite3").is_file()
        finally:
            serve.send_signal(signal.SIGINT)
            serve.wait(timeout=60)
        text = log.read_text()
        assert text.count("Application startup complete.") == 2, text
        assert serve.returncode == 0, text
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers), "a worker outlived serve"
    finally:
        sandbox.stop()


@pytest.mark.parametrize(
    ("flags", "database", "message"),
    [
        (["--workers", "2", "--sandbox"], None, "--workers 2 cannot run with --sandbox"),
        (["--workers", "0"], None, "--workers must be 1 or more, got 0"),
        (["--workers", "3"], "mysql://db.example/front", "database"),
    ],
)
def test_serve_refuses_workers_it_cannot_run(
    flags: list[str],
    database: str | None,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FRONT_API_TOKEN", "unused")
    if database is not None:
        monkeypatch.setenv("CONNECTOR_FRONT_DATABASE", database)
    assert main(["serve", *flags]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert list(tmp_path.iterdir()) == [], "nothing is created for a refused setup"
