"""Benchmark: event sync passes over N contacts (genericContact, `updated_after` strategy).

    python bench/bench_sync.py --contacts 100000 --changes 100 --json bench/results/sync.json

A sandbox Front runs in its own process (`connector-front sandbox`), seeded with N contacts;
the connector syncs it with its API token into an SQLite file. Passes, each timed:

  baseline      the first pass: every contact listed and recorded as known (no events)
  after_changes K contacts updated through Front's API, then a pass (lists what changed since
                the cursor; `updated` events expected: K)
  full          a pass with full=True: every contact listed again and compared (deletions)
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from figures import add_json_option, emit, machine, table
from sandbox_process import LOOSE_LIMIT, SandboxProcess

from connector_front.connector import FrontConnector
from connector_front.settings import ConnectorSettings

MODEL = "genericContact"
OWNER = "bench"
"""The owner the passes run for (with an API token, any owner id reaches the one Front)."""
COLUMNS = ("pass", "contacts", "seconds", "pages", "records", "created", "updated", "deleted")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000, help="contacts to seed")
    parser.add_argument("--changes", type=int, default=100, help="contacts changed (K)")
    add_json_option(parser)
    args = parser.parse_args(argv)
    if args.contacts < 0 or args.changes < 0:
        parser.error("--contacts and --changes must not be negative")
    return args


def change_contacts(sandbox: SandboxProcess, count: int) -> int:
    """Rename the first `count` contacts through Front's API; answers how many changed."""
    headers = {"authorization": f"Bearer {sandbox.token}"}
    changed = 0
    next_url: str | None = f"{sandbox.url}/contacts?limit=100"
    with httpx.Client(headers=headers, timeout=60) as api:
        while next_url is not None and changed < count:
            page = api.get(next_url).raise_for_status().json()
            for contact in page["_results"][: count - changed]:
                body = {"description": f"changed for the benchmark at {time.time()}"}
                api.patch(f"{sandbox.url}/contacts/{contact['id']}", json=body).raise_for_status()
                changed += 1
            next_url = (page.get("_pagination") or {}).get("next")
    return changed


async def timed_pass(connector: FrontConnector, name: str, full: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    report = await connector.sync(OWNER, [MODEL], full=full)
    seconds = time.perf_counter() - started
    feeds = [feed for owner in report.to_json()["owners"] for feed in owner["models"]]
    errors = [feed["error"] for feed in feeds if feed["error"]]
    if errors or not feeds:
        raise SystemExit(f"the {name} pass failed: {errors or 'no model was synced'}")
    emitted: dict[str, int] = {}
    for feed in feeds:
        for kind, count in feed["emitted"].items():
            emitted[kind] = emitted.get(kind, 0) + count
    return {
        "pass": name,
        "seconds": seconds,
        "pages": sum(feed["pages"] for feed in feeds),
        "records": sum(feed["records"] for feed in feeds),
        "created": emitted.get("created", 0),
        "updated": emitted.get("updated", 0),
        "deleted": emitted.get("deleted", 0),
    }


async def passes(sandbox: SandboxProcess, changes: int, folder: str) -> list[dict[str, Any]]:
    settings = ConnectorSettings(
        api_base=sandbox.url, api_token=sandbox.token, database=str(Path(folder) / "sync.sqlite3")
    )
    async with FrontConnector(settings) as connector:
        baseline = await timed_pass(connector, "baseline")
        changed = change_contacts(sandbox, changes)
        after = await timed_pass(connector, "after_changes")
        after["changed"] = changed
        full = await timed_pass(connector, "full", full=True)
    return [baseline, after, full]


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    seeds = {"contacts": args.contacts}
    with (
        SandboxProcess(seeds) as sandbox,
        tempfile.TemporaryDirectory(prefix="bench-sync-") as folder,
    ):
        sandbox.configure(LOOSE_LIMIT, 60.0)  # the sync pass's own time, not the limit's
        runs = asyncio.run(passes(sandbox, args.changes, folder))
    for run in runs:
        run["contacts"] = runs[0]["records"]  # the seeded ones and the sandbox's own
    result = {
        "benchmark": "sync",
        "machine": machine(),
        "settings": {"contacts": args.contacts, "changes": args.changes, "model": MODEL},
        "runs": runs,
    }
    emit(result, "event sync passes (genericContact)\n\n" + table(runs, COLUMNS), args.json)


if __name__ == "__main__":
    main()
