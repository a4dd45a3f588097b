"""Benchmark: list N contacts from an embedded sandbox Front through FrontClient.

    python bench/bench_listing.py --contacts 1000 --page-size 100 --rate-limit 4 --rate-window 1

Prints only what it measures: pages, records, wall time, pages/s, records/s, the 429s
the client saw (and the sandbox counted), and the time spent waiting in the pacer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter

from connector_front.auth import StaticTokenAuth
from connector_front.paging import all_results
from connector_front.sandbox import SandboxConfig, SandboxServer
from connector_front.transport import FrontClient, Pacer, RetryPolicy


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1000, help="contacts to list")
    parser.add_argument("--page-size", type=int, default=100, help="limit per page (max 100)")
    parser.add_argument("--rate-limit", type=int, default=None, help="requests per window")
    parser.add_argument("--rate-window", type=float, default=60.0, help="window in seconds")
    parser.add_argument("--no-pacing", action="store_true", help="turn the pacer off")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser.parse_args()


async def run(args: argparse.Namespace, url: str) -> dict[str, float | int | bool]:
    pacer = Pacer.off() if args.no_pacing else Pacer()
    retry = RetryPolicy(max_attempts=10, max_retry_after=120.0)
    async with FrontClient(
        url, StaticTokenAuth("sandbox-api-token"), retry=retry, pacer=pacer
    ) as client:
        started = time.perf_counter()
        listed = await all_results(client, "/contacts", params={"limit": args.page_size})
        ids = [c["id"] for c in listed]
        wall = time.perf_counter() - started
    counts = Counter(ids)
    pages = client.stats.requests
    return {
        "pacing": not args.no_pacing,
        "records": len(ids),
        "distinct_records": len(counts),
        "duplicates": sum(n - 1 for n in counts.values()),
        "pages": pages,
        "attempts": client.stats.attempts,
        "wall_s": round(wall, 3),
        "pages_per_s": round(pages / wall, 2),
        "records_per_s": round(len(ids) / wall, 1),
        "client_429s": client.stats.rate_limited,
        "paced_wait_s": round(sum(pacer.waited.values()), 3),
    }


def main() -> None:
    args = parse_args()
    config = SandboxConfig(
        seed=False,
        extra_contacts=args.contacts,
        rate_limit=args.rate_limit,
        rate_window=args.rate_window,
    )
    with SandboxServer(config) as sandbox:
        result = asyncio.run(run(args, sandbox.url))
        result["sandbox_429s"] = sandbox.state.stats()["rate_limited"]
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:>17}: {value}")


if __name__ == "__main__":
    main()
