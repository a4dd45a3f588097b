"""``connector-front webhooks verify|replay`` on captured deliveries, against a real host."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from connector_front.cli import main
from tests.integration.webhook_support import APP_SECRET, EventsHost, app_signature, events_host

__all__ = ["events_host"]


def capture(
    tmp_path: Path, body: bytes, *, secret: str = APP_SECRET, at: float | None = None
) -> Path:
    timestamp = str(int((at if at is not None else time.time()) * 1000))
    headers = {
        "x-front-signature": app_signature(secret, timestamp, body),
        "x-front-request-timestamp": timestamp,
    }
    path = tmp_path / "delivery.json"
    path.write_text(json.dumps({"headers": headers, "body": body.decode()}))
    return path


BODY = json.dumps(
    {
        "type": "conversation_archived",
        "authorization": {"id": "cmp_s001"},
        "payload": {"id": "evt_cli", "type": "archive", "emitted_at": 1.0,
                    "conversation": {"id": "cnv_s001"}},
    }
).encode()  # fmt: skip


def test_verify_says_valid_or_exactly_why_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = capture(tmp_path, BODY)
    assert main(["webhooks", "verify", str(good), "--secret", APP_SECRET]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] and report["type"] == "conversation_archived"
    assert report["event"] == "evt_cli" and report["company"] == "cmp_s001"

    assert main(["webhooks", "verify", str(good), "--secret", "other"]) == 1
    out = capsys.readouterr().out
    assert json.loads(out)["code"] == "invalid_signature" and APP_SECRET not in out

    stale = capture(tmp_path, BODY, at=time.time() - 3600)
    assert main(["webhooks", "verify", str(stale), "--secret", APP_SECRET]) == 1
    assert json.loads(capsys.readouterr().out)["code"] == "stale_timestamp"


def test_verify_reads_a_raw_body_with_headers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRONT_WEBHOOK_SECRET", f"rotated,{APP_SECRET}")
    raw = tmp_path / "body.json"
    raw.write_bytes(BODY)
    timestamp = str(int(time.time() * 1000))
    signature = app_signature(APP_SECRET, timestamp, BODY)
    args = [
        "webhooks", "verify", str(raw),
        "--header", f"x-front-signature: {signature}",
        "--header", f"x-front-request-timestamp: {timestamp}",
    ]  # fmt: skip
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True


def test_not_a_capture_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("[]")
    assert main(["webhooks", "verify", str(junk)]) == 1
    assert "--header" in capsys.readouterr().err


def test_replay_resends_once_and_the_event_is_not_emitted_twice(
    tmp_path: Path, events_host: EventsHost, capsys: pytest.CaptureFixture[str]
) -> None:
    body = BODY.replace(b"cmp_s001", events_host.company.encode())
    path = capture(tmp_path, body, at=time.time() - 3600)  # an old capture
    intake = f"{events_host.url}/webhooks/front"
    assert main(["webhooks", "replay", str(path), "--to", intake]) == 1
    assert json.loads(capsys.readouterr().out)["answer"]["error"]["code"] == "stale_timestamp"
    for _ in range(2):
        assert main(["webhooks", "replay", str(path), "--to", intake, "--resign", APP_SECRET]) == 0
        assert json.loads(capsys.readouterr().out)["status"] == 200
    events_host.settle()
    assert [e["event"] for e in events_host.events()] == ["ticketIssue::updated"]
