"""``connector-front serve`` as a user runs it: its log, its refusal to listen unprotected,
and the temporary folder of ``--sandbox`` removed on Ctrl-C.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from connector_front.cli import main
from connector_front.connect_session import SessionCodec
from connector_front.cursor import CursorCodec

SCRIPT = Path(sys.executable).parent / "connector-front"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_ready(
    url: str, process: subprocess.Popen[str], headers: dict[str, str] | None = None
) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "serve exited early"
        try:
            answer = httpx.get(f"{url}/connectors/front", timeout=2, headers=headers)
            if answer.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("serve --sandbox did not answer within 60 s")


def test_serve_sandbox_redacts_oauth_values_and_cleans_up(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "CONNECTOR_FRONT_HOST_KEY"}
    env["TMPDIR"] = str(tmp_path)
    process = subprocess.Popen(
        [str(SCRIPT), "serve", "--sandbox", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # uvicorn's access log goes to stdout
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url, process)
        assert list(tmp_path.glob("connector-front-serve-*")), "the sandbox database folder"
        answer = httpx.get(
            f"{url}/oauth/callback", params={"code": "SECRETCODE42", "state": "SECRETSTATE42"}
        )
        assert answer.status_code == 400
        assert httpx.get(f"{url}/resources/genericContact?limit=1").status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        log, _ = process.communicate(timeout=30)
    assert "SECRETCODE42" not in log and "SECRETSTATE42" not in log
    assert "/oauth/callback?code=[redacted]&state=[redacted]" in log
    assert not re.search(r"state=(?!\[redacted\])", log), log
    assert "GET /oauth/authorize" not in log  # the sandbox keeps its access log off
    assert log.count("no CONNECTOR_FRONT_HOST_KEY set") == 1
    assert process.returncode == 0, log
    assert list(tmp_path.glob("connector-front-serve-*")) == []


@pytest.mark.parametrize("sandbox", [[], ["--sandbox"]])
def test_serve_refuses_a_public_address_without_a_key(
    sandbox: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CONNECTOR_FRONT_HOST_KEY", raising=False)
    monkeypatch.setenv("FRONT_API_TOKEN", "unused")
    assert main(["serve", "--host", "0.0.0.0", *sandbox]) == 2  # noqa: S104 (refused)
    err = capsys.readouterr().err
    assert "refusing to serve on 0.0.0.0 without a host key" in err
    assert "CONNECTOR_FRONT_HOST_KEY" in err


def test_a_blank_host_key_does_not_count(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "host.toml"
    config.write_text('host_key = " , "\n', encoding="utf-8")
    monkeypatch.delenv("CONNECTOR_FRONT_HOST_KEY", raising=False)
    monkeypatch.setenv("FRONT_API_TOKEN", "unused")
    assert main(["serve", "--host", "0.0.0.0", "--config", str(config)]) == 2  # noqa: S104
    assert "without a host key" in capsys.readouterr().err


PUBLIC_SANDBOX_KEY = hashlib.sha256(b"cursor:sandbox-client-secret").hexdigest().encode()
"""The key every embedded sandbox derives from its app's well-known secret."""


def test_with_a_host_key_serve_sandbox_refuses_a_session_signed_with_the_public_value(
    tmp_path: Path,
) -> None:
    port = _free_port()
    env = {**os.environ, "CONNECTOR_FRONT_HOST_KEY": "change-me", "TMPDIR": str(tmp_path)}
    process = subprocess.Popen(
        [str(SCRIPT), "serve", "--sandbox", "--port", str(port), "--sync-interval", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    keyed = {"authorization": "Bearer change-me"}
    try:
        _wait_ready(url, process, headers=keyed)
        forged, _ = SessionCodec([PUBLIC_SANDBOX_KEY]).issue("demo", ["genericContact::list"])
        with httpx.Client(base_url=url, timeout=30, follow_redirects=False) as browser:
            page = browser.get("/connect", params={"session": forged})
            form = {"session": forged, "action": "disconnect"}
            disconnect = browser.post("/connect", data=form)
        cursor = CursorCodec([PUBLIC_SANDBOX_KEY]).encode("genericContact", "/contacts?limit=1")
        listed = httpx.get(
            f"{url}/resources/genericContact", params={"cursor": cursor}, headers=keyed
        )
        status = httpx.get(f"{url}/connections/demo", headers=keyed)
    finally:
        process.send_signal(signal.SIGINT)
        log, _ = process.communicate(timeout=30)
    assert page.status_code == 401 and "not valid" in page.text
    assert disconnect.status_code == 401 and "location" not in disconnect.headers
    assert listed.status_code == 400 and listed.json()["error"]["code"] == "invalid_cursor"
    assert status.status_code == 200, log
    assert status.json()["token"]["status"] == "valid"  # the forged disconnect changed nothing
