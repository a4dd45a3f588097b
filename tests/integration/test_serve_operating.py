"""Checked from outside, on ``connector-front serve --sandbox --log-format json``: ``/metrics``
parses as Prometheus text and its Front request, 429, refresh, webhook queue, event lag and sync
series move when the host is used; the metrics port answers without the key; ``/healthz`` and
``/readyz`` answer 200; every log line is JSON and holds no secret; ``connector-front status``
reads the same figures (JSON on a pipe)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from connector_front.ops.exposition import exported_names
from connector_front.sandbox import SandboxConfig
from tests.integration.operating_support import Scrape, moved
from tests.integration.test_serve import _free_port
from tests.unit.test_dashboard import dashboard, queried

SCRIPT = Path(sys.executable).parent / "connector-front"
KEY = "serve-operating-host-key-9Lk"
P = "connector_front_"


def _until(check: Callable[[], Any], what: str, process: subprocess.Popen[str]) -> Any:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"serve exited while waiting for {what}"
        try:
            found = check()
        except httpx.TransportError:
            found = None
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_serve_sandbox_exports_metrics_probes_and_json_logs(tmp_path: Path) -> None:
    port, metrics_port = _free_port(), _free_port()
    env = {**os.environ, "CONNECTOR_FRONT_HOST_KEY": KEY, "TMPDIR": str(tmp_path)}
    log = tmp_path / "serve.log"
    command = [str(SCRIPT), "serve", "--sandbox", "--port", str(port), "--log-format", "json",
               "--metrics-port", str(metrics_port), "--sync-interval", "2"]  # fmt: skip
    with log.open("w") as sink:
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=sink, text=True)
    url = f"http://127.0.0.1:{port}"
    http = httpx.Client(base_url=url, timeout=30, headers={"authorization": f"Bearer {KEY}"})
    try:
        _until(lambda: httpx.get(f"{url}/healthz").status_code == 200, "/healthz", process)
        ready = httpx.get(f"{url}/readyz")  # open: no key
        assert ready.status_code == 200 and ready.json()["ready"], ready.text
        sandbox = _sandbox_url(log)
        before = Scrape.parse(http.get("/metrics").text)

        # use the host: a listing Front refuses once (429), a change Front sends webhooks for
        fault = {"kind": "rate_limit", "path": "/contacts", "method": "GET", "retry_after": 0}
        httpx.post(f"{sandbox}/_sandbox/faults", json=fault).raise_for_status()
        assert http.get("/resources/genericContact", params={"limit": 3}).status_code == 200
        issue = http.get("/resources/ticketIssue", params={"limit": 1}).json()["data"][0]["id"]
        ref = {"object": "resourceRef", "model": "ticketIssue", "id": issue}
        comment = {"fields": {"issue": ref, "content": "x"}}
        made = http.post("/resources/ticketComment", json=comment)
        assert made.status_code == 201, made.text

        def logged() -> Scrape | None:
            found = Scrape.parse(http.get("/metrics").text)
            return found if moved(found, before, P + "event_lag_seconds_count") > 0 else None

        _until(logged, "the webhook's event in the log", process)
        # the token expires at Front: a refresh
        httpx.post(f"{sandbox}/_sandbox/clock", json={"advance": 3700}).raise_for_status()
        assert http.get("/resources/genericContact", params={"limit": 1}).status_code == 200

        def passed() -> Scrape | None:
            found = Scrape.parse(http.get("/metrics").text)
            return found if moved(found, before, P + "sync_passes_total") > 0 else None

        after = _until(passed, "a sync pass", process)
        assert moved(after, before, P + "front_requests_total") > 0
        assert moved(after, before, P + "front_rate_limited_total") == 1
        assert moved(after, before, P + "token_refreshes_total", outcome="ok") == 1
        assert moved(after, before, P + "webhook_deliveries_total", outcome="stored") >= 1
        assert after.value(P + "webhook_queue_depth") >= 0
        assert P + "webhook_queue_depth" in after.names
        assert moved(after, before, P + "sync_pass_seconds_count") > 0
        assert after.value(P + "sync_since_clean_seconds") >= 0
        assert after.names - exported_names() == set()  # what the dashboard test trusts
        assert queried(dashboard()) - after.names <= {
            P + "event_pushes_total",  # no events_url: nothing pushed
            P + "webhook_refusals_total",  # nothing refused
        }
        # the metrics port: the same figures, no key
        open_scrape = Scrape.parse(httpx.get(f"http://127.0.0.1:{metrics_port}/metrics").text)
        assert open_scrape.value(P + "front_rate_limited_total") >= 1
        status = _status(url, tmp_path)
        assert status["host"]["reachable"] and status["host"]["requestsByLane"]["interactive"] > 0
        assert status["database"]["connections"]["valid"] + status["database"]["connections"][
            "expiring"
        ] >= 1
    finally:
        http.close()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    lines = log.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line is a JSON object
    assert {"time", "level", "logger", "message", "request_id", "lane"} <= set(records[0])
    assert any(r["request_id"] and r["logger"] == "uvicorn.access" for r in records)
    assert records[0]["lane"] is None  # the banner: written in no work
    retried = [r for r in records if "retrying in" in r["message"]]  # Front's 429, in a call
    assert retried and all(r["lane"] == "interactive" and r["request_id"] for r in retried)
    text = log.read_text()
    config = SandboxConfig()
    for secret in (KEY, config.client_secret, config.webhook_secret, *config.api_tokens):
        assert secret not in text
    assert process.returncode == 0


def _sandbox_url(log: Path) -> str:
    for line in log.read_text().splitlines():
        message = json.loads(line)["message"]
        if message.startswith("embedded sandbox Front on "):
            return str(message.split()[4])
    raise AssertionError("serve --sandbox did not log its sandbox's URL")


def _status(url: str, folder: Path) -> dict[str, Any]:
    (database,) = folder.glob("connector-front-serve-*/host.sqlite3")
    env = {**os.environ, "CONNECTOR_FRONT_HOST_KEY": KEY, "CONNECTOR_FRONT_DATABASE": str(database)}
    done = subprocess.run(
        [str(SCRIPT), "status", "--url", url],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report
