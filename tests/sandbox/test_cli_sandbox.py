"""The `connector-front sandbox` command's webhook flags."""

from __future__ import annotations

import pytest

from connector_front.cli import _parser, main
from connector_front.commands.sandbox import sandbox_config
from connector_front.sandbox import SandboxConfig


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
