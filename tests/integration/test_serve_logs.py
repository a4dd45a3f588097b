"""``connector-front serve``'s own log (uvicorn's access log and the host's records), as a user
sees it: a host key a caller puts in a query string is redacted, and a request cannot write a
log line of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.integration.test_serve import _free_port

SCRIPT = Path(sys.executable).parent / "connector-front"
KEY = "serve-log-host-key-7Qz"


def test_a_host_key_in_a_query_and_forged_lines_never_reach_the_log(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "CONNECTOR_FRONT_HOST_KEY": KEY, "TMPDIR": str(tmp_path)}
    process = subprocess.Popen(
        [str(SCRIPT), "serve", "--sandbox", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url, headers={"authorization": f"Bearer {KEY}"}) as http:
            _wait_ready_keyed(http, process)
            for name in ("hostkey", "key", "k", "x-api"):
                assert http.get(f"/events?{name}={KEY}").status_code == 200
            forged = "/resources/genericContact%0d%0aINFO:%20forged%20line"
            assert http.get(forged).status_code == 404
    finally:
        process.send_signal(signal.SIGINT)
        log, _ = process.communicate(timeout=30)
    assert KEY not in log
    assert log.count("/events?") == 4 and "hostkey=[redacted]" in log
    assert not any(line.startswith("INFO: forged line") for line in log.splitlines())
    assert process.returncode == 0, log


def _wait_ready_keyed(http: httpx.Client, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "serve exited early"
        try:
            if http.get("/connectors/front", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("serve --sandbox did not answer within 60 s")
