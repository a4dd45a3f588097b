"""The `connector-front sandbox` command: its webhook and redirect URI flags, and its warning
when it listens beyond this machine."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connector_front.cli import _parser, main
from connector_front.commands.sandbox import exposure_warning, sandbox_config
from connector_front.sandbox import SandboxConfig
from tests.conftest import quiet_port

CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("FRONT_", "CONNECTOR_"))}

SCRIPT = Path(sys.executable).parent / "connector-front"
EVERY_INTERFACE = "0.0.0.0"  # noqa: S104 (an address under test)


def config_for(*flags: str) -> SandboxConfig:
    return sandbox_config(_parser().parse_args(["sandbox", *flags]))


def test_webhook_flags_reach_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRONT_WEBHOOK_SECRET", raising=False)
    config = config_for("--webhook-url", "http://127.0.0.1:8000/webhooks/front")
    assert config.webhook_url == "http://127.0.0.1:8000/webhooks/front"
    assert config.webhook_secret == "sandbox-webhook-secret"
    chosen = config_for("--webhook-secret", "flag-secret")
    assert chosen.webhook_secret == "flag-secret"
    assert "flag-secret" not in repr(chosen)


def test_secret_defaults_to_the_first_env_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONT_WEBHOOK_SECRET", "current, previous")
    assert config_for().webhook_secret == "current"
    assert config_for("--webhook-secret", "x").webhook_secret == "x"


def test_bad_webhook_url_exits_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "--port", "0", "--webhook-url", "localhost:8000"]) == 1
    err = capsys.readouterr().err
    assert "--webhook-url" in err
    assert "http://" in err


def test_webhook_backoff_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert config_for().webhook_backoff == 1.0
    assert config_for("--webhook-backoff", "2.5").webhook_backoff == 2.5
    assert main(["sandbox", "--port", "0", "--webhook-backoff", "0"]) == 1
    err = capsys.readouterr().err
    assert "--webhook-backoff must be a positive number of seconds, got 0" in err


def test_redirect_uri_flags_register_with_the_oauth_app(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert config_for().redirect_uris == ["http://127.0.0.1:8000/oauth/callback"]
    flags = ("--redirect-uri", "http://127.0.0.1:9000/cb", "--redirect-uri", "https://h/cb")
    chosen = config_for(*flags)
    assert chosen.redirect_uris == ["http://127.0.0.1:9000/cb", "https://h/cb"]
    assert main(["sandbox", "--port", "0", "--redirect-uri", "127.0.0.1:9000/cb"]) == 1
    assert "--redirect-uri '127.0.0.1:9000/cb' must be an absolute" in capsys.readouterr().err


def _started(host: str) -> str:
    """What `connector-front sandbox --host HOST` prints before it serves (then it is stopped)."""
    process = subprocess.Popen(
        [str(SCRIPT), "sandbox", "--host", host, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if line.startswith("application webhooks to:"):
                break
    finally:
        process.terminate()
        process.wait(timeout=30)
    return "".join(lines)


def test_a_sandbox_on_a_public_address_warns_that_its_control_routes_are_open() -> None:
    printed = _started(EVERY_INTERFACE)
    assert "warning: the sandbox listens on 0.0.0.0" in printed
    assert "/_sandbox/" in printed and "no authentication" in printed
    assert "--host 127.0.0.1" in printed
    assert "redirect URIs  http://127.0.0.1:8000/oauth/callback" in printed


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", EVERY_INTERFACE, "10.1.2.3"])
def test_the_warning_is_for_addresses_beyond_this_machine(host: str) -> None:
    warned = exposure_warning(host) is not None
    assert warned == (host in (EVERY_INTERFACE, "10.1.2.3"))


class Echo(http.server.BaseHTTPRequestHandler):
    """A webhook endpoint that passes Front's validation: it echoes the challenge."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        challenge = (self.headers.get("x-front-challenge") or "").encode()
        self.send_response(200)
        self.send_header("content-length", str(len(challenge)))
        self.end_headers()
        self.wfile.write(challenge)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def echo() -> Iterator[str]:
    """The URL of an endpoint that echoes Front's challenge."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/front"
    server.shutdown()
    server.server_close()


def banner(webhook_url: str) -> str:
    """What ``connector-front sandbox --webhook-url URL`` prints about application webhooks."""
    command = [str(SCRIPT), "sandbox", "--port", "0", "--webhook-url", webhook_url]
    job = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=CLEAN_ENV)
    assert job.stdout is not None
    try:
        for line in job.stdout:
            if line.startswith("application webhooks to:"):
                return line.strip()
    finally:
        job.send_signal(signal.SIGTERM)
        job.wait(timeout=15)
    raise AssertionError("the sandbox ended without a line on application webhooks")


def test_the_banner_says_a_webhook_url_passed_fronts_validation(echo: str) -> None:
    assert f"application webhooks to: {echo} (validated" in banner(echo)


def test_the_banner_says_when_a_webhook_url_failed_validation_and_why() -> None:
    url = f"http://127.0.0.1:{quiet_port()}/front"  # nothing listens there
    said = banner(url)
    assert said.startswith(f"application webhooks to: {url} (validation FAILED: the URL could not")
    assert "POST /_sandbox/webhooks" in said
