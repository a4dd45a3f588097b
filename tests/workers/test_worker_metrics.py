"""Several workers, one set of metrics: ``serve --workers 2`` and uvicorn's own ``--factory``
command export every worker's counts added up, whichever worker answers the scrape."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from tests.integration.operating_support import Scrape
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

COUNTED = "connector_front_host_requests_total"
UVICORN = Path(sys.executable).parent / "uvicorn"
FACTORY = ["--factory", "connector_front.commands.workers:app",
           "--http", "connector_front.commands.workers:WorkerH11"]  # fmt: skip


def _calls(scrape: Scrape) -> float:
    return scrape.value(COUNTED, route="/resources/{model}", status="200")


def _per_worker(folder: Path) -> dict[str, float]:
    """Each worker's own count, read from its files alone."""
    found: dict[str, float] = {}
    pids = {path.stem.rsplit("_", 1)[1] for path in folder.glob("counter_*.db")}
    for pid in pids:
        alone = folder.parent / f"alone-{pid}"
        alone.mkdir()
        for path in folder.glob(f"*_{pid}.db"):
            shutil.copy(path, alone / path.name)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(alone))  # type: ignore[no-untyped-call]
        found[pid] = _calls(Scrape.parse(generate_latest(registry).decode()))
        shutil.rmtree(alone)
    return found


@pytest.mark.parametrize("how", ["serve", "uvicorn"])
def test_two_workers_metrics_add_up_in_one_scrape(tmp_path: Path, how: str) -> None:
    sandbox = Sandbox(tmp_path, token_ttl=3600, webhook_url="http://127.0.0.1:9/unused")
    env = host_environment(sandbox, str(tmp_path / "hosts.sqlite3"))
    if how == "serve":
        shared = tmp_path / "metrics"
        env["PROMETHEUS_MULTIPROC_DIR"] = str(shared)  # the operator's own: the test reads it
    else:
        env["TMPDIR"] = str(tmp_path)  # where the workers make the directory they share
    port = free_port()
    log = tmp_path / "serve.log"
    command = (
        [str(SCRIPT), "serve", "--workers", "2", "--port", str(port), "--sync-interval", "0"]
        if how == "serve"
        else [str(UVICORN), *FACTORY, "--workers", "2", "--port", str(port)]
    )
    try:
        authorize(env)
        with log.open("wb") as out:
            serve = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=out,
                                     stderr=subprocess.STDOUT)  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_answers(f"{url}/healthz", serve, log)
            made = 0
            while made < 200:  # new connections, until both workers have answered some
                with httpx.Client(base_url=url, headers={"x-owner-id": OWNER}) as http:
                    assert http.get(CALL, params={"limit": "1"}).status_code == 200
                made += 1
                if how == "uvicorn":
                    (shared,) = tmp_path.glob("connector-front-metrics-*")
                if made >= 20 and len(_per_worker(shared)) == 2:
                    break
            scrapes = [Scrape.parse(httpx.get(f"{url}/metrics").text) for _ in range(6)]
            assert {_calls(scrape) for scrape in scrapes} == {made}  # whoever answers
            workers = _per_worker(shared)
            assert len(workers) == 2 and all(workers.values()), workers
            assert sum(workers.values()) == made
        finally:
            serve.send_signal(signal.SIGINT)
            serve.wait(timeout=60)
        assert serve.returncode == 0, log.read_text()
        if how == "uvicorn":  # the last worker to stop removed the directory they shared
            assert list(tmp_path.glob("connector-front-metrics-*")) == []
    finally:
        sandbox.stop()
