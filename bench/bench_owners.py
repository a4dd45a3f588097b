"""Benchmark: the memory a token-mode host keeps per owner id it is called for.

    python bench/bench_owners.py --owners 1500 --json bench/results/owners.json

Runs a sandbox Front (`connector-front sandbox`) and the reference host in API-token mode
(`connector-front serve --api-token ...`), each in its own process, then sends the host one
`GET /resources/genericContact?limit=1` per owner id, every id new (`x-owner-id`), as a
caller naming ever more owners would. Figures:

  rss_before_mib  the host's resident memory after a warm-up of 20 owners
  rss_after_mib   the same after `--owners` more distinct owners
  growth_mib      the difference; per_owner_kib: growth / owners
  answers         the host's answers by status (every one should be 200)

`--max-clients` sets `CONNECTOR_FRONT_MAX_CLIENTS` for the host (default: the setting's own).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from figures import add_json_option, emit, machine, table
from sandbox_process import SandboxProcess, connector_front_command, stop

WARM_UP = 20
COLUMNS = (
    "owners", "max_clients", "rss_before_mib", "rss_after_mib", "growth_mib", "per_owner_kib",
)  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--owners", type=int, default=1500, help="distinct owner ids to send")
    parser.add_argument("--max-clients", type=int, default=None, help="the host's client bound")
    add_json_option(parser)
    args = parser.parse_args(argv)
    if args.owners < 1 or (args.max_clients is not None and args.max_clients < 1):
        parser.error("--owners and --max-clients must be positive")
    return args


def rss_mib(pid: int) -> float:
    """Resident memory of process `pid` (from /proc), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_host(
    sandbox: SandboxProcess, folder: Path, max_clients: int | None
) -> tuple[subprocess.Popen[bytes], str]:
    """The host in API-token mode on the sandbox, answering: (its process, its URL)."""
    port = free_port()
    env = {**os.environ, "CONNECTOR_FRONT_DATABASE": str(folder / "host.sqlite3")}
    if max_clients is not None:
        env["CONNECTOR_FRONT_MAX_CLIENTS"] = str(max_clients)
    command = [
        *connector_front_command(), "serve", "--api-base", sandbox.url,
        "--api-token", sandbox.token, "--port", str(port), "--sync-interval", "0",
    ]  # fmt: skip
    process = subprocess.Popen(  # noqa: S603 (our own command, no shell)
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            httpx.get(f"{url}/connectors/front").raise_for_status()
            return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    stop(process, timeout=10)
    raise RuntimeError("the host did not start")


def measure(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, SandboxProcess() as sandbox:
        process, url = start_host(sandbox, Path(tmp), args.max_clients)
        answers: dict[str, int] = {}
        try:
            with httpx.Client(base_url=url, timeout=30) as http:

                def call(owner: str) -> None:
                    answer = http.get(
                        "/resources/genericContact", params={"limit": 1},
                        headers={"x-owner-id": owner},
                    )  # fmt: skip
                    answers[str(answer.status_code)] = answers.get(str(answer.status_code), 0) + 1

                for n in range(WARM_UP):
                    call(f"warm-{n}")
                before = rss_mib(process.pid)
                for n in range(args.owners):
                    call(f"owner-{n}")
                after = rss_mib(process.pid)
        finally:
            stop(process, timeout=15)
    return {
        "owners": args.owners,
        "max_clients": args.max_clients,
        "rss_before_mib": round(before, 1),
        "rss_after_mib": round(after, 1),
        "growth_mib": round(after - before, 1),
        "per_owner_kib": round((after - before) * 1024 / args.owners, 2),
        "answers": answers,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    row = measure(args)
    figures = {"machine": machine(), "owners": row}
    emit(figures, table([row], COLUMNS), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
