"""The CLI as a user runs it, in subprocesses: connect against a standalone sandbox, connections,
``list --all``, ``--config`` with custom models, and what ``serve --sandbox`` prints."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import quiet_port

REPO = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).parent / "connector-front")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FRONT_", "CONNECTOR_FRONT_"))}
    return {**env, **extra}


def read_until(stream: object, marker: str) -> list[str]:
    lines = []
    for line in stream:  # type: ignore[attr-defined]
        lines.append(line)
        if marker in line:
            return lines
    raise AssertionError(f"the command ended without printing {marker!r}")


@pytest.fixture
def standalone() -> Iterator[dict[str, str]]:
    """``connector-front sandbox --port 0`` in its own process; what it printed, parsed."""
    job = subprocess.Popen(
        [CLI, "sandbox", "--port", "0"], stdout=subprocess.PIPE, text=True, env=clean_env()
    )
    assert job.stdout is not None
    printed = read_until(job.stdout, "FRONT_CLIENT_SECRET=")
    details = {}
    for line in printed:
        label, _, value = line.strip().rpartition("  ")
        if label.strip() in ("base URL", "client id", "client secret", "API token"):
            details[label.strip()] = value.strip()
    yield details
    job.send_signal(signal.SIGTERM)
    job.wait(timeout=15)


def oauth_env(details: dict[str, str], tmp_path: Path, redirect_port: int) -> dict[str, str]:
    """Settings for the sandbox's OAuth app, whose redirect URI it registers first."""
    base = details["base URL"]
    redirect = {"redirect_uris": [f"http://127.0.0.1:{redirect_port}/oauth/callback"]}
    httpx.post(f"{base}/_sandbox/config", json=redirect, timeout=10).raise_for_status()
    return clean_env(
        FRONT_API_BASE=base,
        FRONT_AUTHORIZE_URL=f"{base}/oauth/authorize",
        FRONT_TOKEN_URL=f"{base}/oauth/token",
        FRONT_CLIENT_ID=details["client id"],
        FRONT_CLIENT_SECRET=details["client secret"],
        FRONT_REDIRECT_URI=f"http://127.0.0.1:{redirect_port}/oauth/callback",
        CONNECTOR_FRONT_DATABASE=str(tmp_path / "cli.sqlite3"),
    )


def run(
    *args: str, env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_standalone_sandbox_prints_what_reaches_it(standalone: dict[str, str]) -> None:
    assert standalone["base URL"].startswith("http://127.0.0.1:")
    assert standalone["client id"] and standalone["client secret"]
    contacts = httpx.get(
        f"{standalone['base URL']}/contacts",
        headers={"authorization": f"Bearer {standalone['API token']}"},
    )
    assert contacts.status_code == 200 and contacts.json()["_results"]


def test_connect_completes_oauth_from_the_shell(standalone: dict[str, str], tmp_path: Path) -> None:
    env = oauth_env(standalone, tmp_path, quiet_port())
    before = json.loads(run("connections", env=env).stdout)
    assert before["data"] == []
    job = subprocess.Popen(
        [CLI, "connect", "acme", "--operations", "genericContact::list", "genericContact::update"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert job.stdout is not None
    printed = read_until(job.stdout, "waiting for Front's redirect")
    assert any("contacts:read, contacts:write" in line for line in printed)
    (url,) = [line.split(": ", 1)[1].strip() for line in printed if "authorization URL" in line]
    page = httpx.get(url, follow_redirects=True, timeout=30)  # the customer approves
    assert page.status_code == 200 and "Connected" in page.text
    out, _ = job.communicate(timeout=60)
    assert job.returncode == 0
    assert json.loads(out.strip().splitlines()[-1]) == {"ownerId": "acme", "authorized": True}

    listed = json.loads(run("connections", env=env).stdout)["data"]
    assert [c["ownerId"] for c in listed] == ["acme"]
    assert listed[0]["token"]["status"] == "valid" and listed[0]["token"]["refreshable"]
    assert listed[0]["requiredScopes"] == ["contacts:read", "contacts:write"]
    assert "access_token" not in json.dumps(listed)
    page_of = run("resources", "list", "genericContact", "--owner", "acme", "--limit", "2", env=env)
    assert page_of.returncode == 0, page_of.stderr
    assert len(json.loads(page_of.stdout)["data"]) == 2


def test_connect_with_code_and_state_after_no_wait(
    standalone: dict[str, str], tmp_path: Path
) -> None:
    env = oauth_env(standalone, tmp_path, quiet_port())
    started = run("connect", "beta", "--operations", "genericCompany::list", "--no-wait", env=env)
    assert started.returncode == 0, started.stderr
    (url,) = [
        line.split(": ", 1)[1]
        for line in started.stdout.splitlines()
        if "authorization URL" in line
    ]
    redirect = httpx.get(url, follow_redirects=False).headers["location"]
    query = httpx.URL(redirect).params
    finished = run("connect", "beta", "--code", query["code"], "--state", query["state"], env=env)
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout)["ownerId"] == "beta"
    reused = run("connect", "beta", "--code", query["code"], "--state", query["state"], env=env)
    assert reused.returncode == 1 and "Traceback" not in reused.stderr
    assert query["state"] not in reused.stderr and query["code"] not in reused.stderr


def test_list_all_on_a_pipe_is_json_lines_of_every_record(standalone: dict[str, str]) -> None:
    target = ["--api-base", standalone["base URL"], "--api-token", standalone["API token"]]
    env = clean_env()
    every = run("resources", "list", "genericContact", "--all", "--limit", "5", *target, env=env)
    assert every.returncode == 0, every.stderr
    records = [json.loads(line) for line in every.stdout.splitlines()]
    ids = [r["id"] for r in records]
    first = json.loads(
        run("resources", "list", "genericContact", "--limit", "100", *target, env=env).stdout
    )
    assert sorted(ids) == sorted(r["id"] for r in first["data"]) and len(ids) > 5
    assert every.stderr == ""  # no progress bar on a pipe


def on_terminals(command: list[str], env: dict[str, str]) -> tuple[str, str]:
    """Run ``command`` with stdout and stderr on two terminals (pseudo-terminals) of their own;
    what each showed."""
    ends = {name: pty.openpty() for name in ("out", "err")}
    job = subprocess.Popen(command, stdout=ends["out"][1], stderr=ends["err"][1], env=env)
    for _, follower in ends.values():
        os.close(follower)
    shown = {name: b"" for name in ends}
    open_ends = {leader: name for name, (leader, _) in ends.items()}
    while open_ends:
        ready, _, _ = select.select(list(open_ends), [], [], 30)
        assert ready, f"{command[1:3]} printed nothing for 30 s"
        for leader in ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the command ended: its side of the terminal is gone
                chunk = b""
            if chunk:
                shown[open_ends[leader]] += chunk
            else:
                os.close(leader)
                del open_ends[leader]
    assert job.wait(timeout=30) == 0
    return shown["out"].decode(), shown["err"].decode()


def test_list_all_on_a_terminal_prints_json_lines_and_counts_them_on_stderr(
    standalone: dict[str, str],
) -> None:
    target = ["--api-base", standalone["base URL"], "--api-token", standalone["API token"]]
    command = [CLI, "resources", "list", "genericContact", "--all", "--limit", "5", *target]
    out, err = on_terminals(command, clean_env(TERM="xterm", COLUMNS="40"))
    lines = out.replace("\r\n", "\n").splitlines()
    records = [json.loads(line) for line in lines]  # one object a line, never wrapped
    assert len(records) == len({r["id"] for r in records}) > 10
    assert "\x1b" not in out  # no progress, colour or cursor control among the records
    last = err.rsplit("\x1b[2K", 1)[-1].strip()  # the progress line as it was left
    assert last == f"genericContact: {len(records)} records, {-(-len(records) // 5)} pages"


def test_config_custom_model_from_the_config_folder_or_the_current_one(tmp_path: Path) -> None:
    beside = tmp_path / "beside.toml"
    beside.write_text('custom_models = ["front_tag:TagMapper"]\n')
    (tmp_path / "front_tag.py").write_text((REPO / "examples" / "front_tag.py").read_text())
    listed = run(
        "resources",
        "list",
        "frontTag",
        "--sandbox",
        "--config",
        str(beside),
        "--limit",
        "1",
        env=clean_env(),
        cwd=REPO,
    )
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["data"][0]["model"] == "frontTag"

    elsewhere = tmp_path / "conf" / "host.toml"
    elsewhere.parent.mkdir()
    elsewhere.write_text('custom_models = ["examples.front_tag:TagMapper"]\n')
    from_repo = run(
        "resources",
        "list",
        "frontTag",
        "--sandbox",
        "--config",
        str(elsewhere),
        env=clean_env(),
        cwd=REPO,
    )
    assert from_repo.returncode == 0, from_repo.stderr
    lost = run(
        "resources",
        "list",
        "frontTag",
        "--sandbox",
        "--config",
        str(elsewhere),
        env=clean_env(),
        cwd=tmp_path,
    )
    assert lost.returncode == 2 and "Traceback" not in lost.stderr  # a setting to fix
    assert "cannot load custom model 'examples.front_tag:TagMapper'" in lost.stderr
    assert str(elsewhere.parent) in lost.stderr  # where it looked


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    """Until something accepts connections on the loopback ``port`` (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"nothing listened on {port}"
            time.sleep(0.05)


def test_serve_on_a_sandbox_prints_its_url_and_honours_config(tmp_path: Path) -> None:
    port = quiet_port()
    job = subprocess.Popen(
        [
            CLI,
            "serve",
            "--sandbox",
            "--port",
            str(port),
            "--config",
            str(REPO / "examples" / "host.toml"),
        ],
        env=clean_env(),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        assert job.stderr is not None
        printed = read_until(job.stderr, "authorized on the sandbox")
        wait_for_port(port)  # the host listens once its start-up (the line above) is over
        (line,) = [row for row in printed if row.startswith("embedded sandbox Front on ")]
        sandbox_url = line.split(" on ", 1)[1].strip()
        assert (
            httpx.get(
                f"{sandbox_url}/contacts", headers={"authorization": "Bearer sandbox-api-token"}
            ).status_code
            == 200
        )
        tags = httpx.get(f"http://127.0.0.1:{port}/resources/frontTag?limit=1")
        assert tags.status_code == 200, tags.text
        issue = httpx.patch(
            f"http://127.0.0.1:{port}/resources/ticketIssue/cnv_s001",
            json={"fields": {"priority": "High"}},
        )
        assert issue.status_code == 200 and issue.json()["fields"]["priority"] == "High"
    finally:
        os.killpg(job.pid, signal.SIGTERM)
        job.wait(timeout=15)
