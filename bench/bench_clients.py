"""Benchmark: one full Front listing by the connector, dlt's rest_api source and bare httpx
(an httpx.Client loop and an httpx.AsyncClient one).

    python bench/bench_clients.py --contacts 20000 --conversations 5000 \\
        --sizes 10000,100000 --rate-limit 20 --rate-window 1 --json bench/results/clients.json

A sandbox Front runs in its own process (`connector-front sandbox`), seeded through its admin
API, with the rate limit set there. Each client walks the listing in its own child process
(bench/clients.py), one after the other, each in a fresh rate-limit window; with `--repeat N`
the clients take N turns and each figure is the median of a client's N walks (429s: the most
any walk saw; every walk is kept in the JSON under `walks`). Per client:

  wall_s              the walk's wall time
  wall_over_bound     wall / (answered requests / (limit / window)): 1.0 is the fastest the
                      limit allows (a fixed window lets the first window's requests burst, so
                      short walks can come out below 1)
  requests_per_record requests the sandbox received (429s included) per record
  sandbox_429s        429s the sandbox answered during the walk
  cpu_per_10k_s       the child's CPU seconds (user + system) during the walk, per 10,000 records
  rss_peak_mib        the child's peak resident set (VmHWM) after the walk (libraries
                      imported before it)
  rss_growth_mib      that peak after the walk minus before it: flat means streaming

`--sizes` repeats the contact listing at other sizes (data for bench/plot.py and for memory
at 10,000 and 100,000). The mapping table compares, in this process, the connector's time
mapping the same pages to unified records with json.loads of those pages.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

from figures import add_json_option, emit, machine, table
from mapping_cost import fetch_pages, mapping_cost
from sandbox_process import LOOSE_LIMIT, SandboxProcess

HERE = Path(__file__).resolve().parent
CLIENTS = ("connector", "dlt", "httpx", "httpx-async")
MODELS = {"contacts": "genericContact", "conversations": "ticketIssue"}
RUN_COLUMNS = (
    "collection", "size", "client", "records", "wall_s", "bound_s", "wall_over_bound",
    "requests", "requests_per_record", "sandbox_429s", "cpu_per_10k_s", "rss_peak_mib",
    "rss_growth_mib",
)  # fmt: skip
MAPPING_COLUMNS = ("model", "records", "json_loads_s", "mapping_s", "mapping_over_json_loads")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20_000, help="contacts to seed and list")
    parser.add_argument(
        "--conversations", type=int, default=5_000, help="conversations to seed and list"
    )
    parser.add_argument(
        "--sizes",
        default="",
        help="more contact counts to list, comma-separated (e.g. 10000,100000)",
    )
    parser.add_argument("--clients", default=",".join(CLIENTS), help="which clients, in order")
    parser.add_argument(
        "--rate-limit", type=int, default=20, help="requests per window (0: no limit)"
    )
    parser.add_argument("--rate-window", type=float, default=1.0, help="window, in seconds")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="walks per client and listing, taken in turns; figures are their medians "
        "(429s: the most any walk saw)",
    )
    add_json_option(parser)
    args = parser.parse_args(argv)
    args.client_list = [c for c in args.clients.split(",") if c]
    unknown = set(args.client_list) - set(CLIENTS)
    if unknown:
        parser.error(f"unknown clients {sorted(unknown)}; choose from {', '.join(CLIENTS)}")
    try:
        args.size_list = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error(f"--sizes takes comma-separated integers, got {args.sizes!r}")
    if args.repeat < 1:
        parser.error(f"--repeat takes a count of 1 or more, got {args.repeat}")
    return args


def child_environment(folder: str, token: str) -> dict[str, str]:
    """The children's environment: the API token, and dlt kept off the network and the repo."""
    return {
        **os.environ,
        "BENCH_FRONT_TOKEN": token,
        "RUNTIME__DLTHUB_TELEMETRY": "false",
        "DLT_DATA_DIR": str(Path(folder) / "dlt-data"),
        "DLT_PROJECT_DIR": str(Path(folder) / "dlt-project"),
    }


def run_client(client: str, collection: str, sandbox: SandboxProcess, env: dict[str, str]) -> Any:
    done = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, str(HERE / "clients.py"), client, collection, sandbox.url],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{client} failed listing {collection}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def figures(child: dict[str, Any], requests: int, limited: int, args: argparse.Namespace) -> Any:
    """The figures of one walk, from the child's measures and the sandbox's counts."""
    records = child["records"]
    answered = requests - limited
    bound = answered / (args.rate_limit / args.rate_window) if args.rate_limit else None
    return {
        "client": child["client"],
        "collection": child["collection"],
        "records": records,
        "wall_s": child["wall_s"],
        "bound_s": bound,
        "wall_over_bound": child["wall_s"] / bound if bound else None,
        "requests": requests,
        "requests_per_record": requests / records if records else None,
        "sandbox_429s": limited,
        "client_429s": child["client_429s"],
        "cpu_s": child["cpu_s"],
        "cpu_per_10k_s": child["cpu_s"] * 10_000 / records if records else None,
        "rss_before_mib": child["rss_before_mib"],
        "rss_peak_mib": child["rss_peak_mib"],
        "rss_growth_mib": child["rss_peak_mib"] - child["rss_before_mib"],
    }


MEDIAN_FIGURES = (
    "wall_s", "bound_s", "wall_over_bound", "requests", "requests_per_record", "cpu_s",
    "cpu_per_10k_s", "rss_before_mib", "rss_peak_mib", "rss_growth_mib",
)  # fmt: skip
MOST_FIGURES = ("sandbox_429s", "client_429s")


def medians(walks: list[dict[str, Any]]) -> dict[str, Any]:
    """One client's figures over its walks of one listing: the median of each, the most 429s
    any walk saw, and every walk as measured (``walks``)."""
    first = walks[0]
    if any(walk["records"] != first["records"] for walk in walks):
        counts = [walk["records"] for walk in walks]
        raise SystemExit(f"{first['client']} listed {counts} records in its walks: not equal")

    def median(name: str) -> Any:
        values = [walk[name] for walk in walks]
        return None if None in values else statistics.median(values)

    def most(name: str) -> Any:
        values = [walk[name] for walk in walks]
        return None if None in values else max(values)

    return {
        **first,
        **{name: median(name) for name in MEDIAN_FIGURES},
        **{name: most(name) for name in MOST_FIGURES},
        "repeats": len(walks),
        "walks": walks,
    }


def measure_sandbox(
    contacts: int, conversations: int, args: argparse.Namespace
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Seed one sandbox, walk each collection with each client: (runs, mapping costs)."""
    runs: list[dict[str, Any]] = []
    costs: list[dict[str, Any]] = []
    limit = args.rate_limit or LOOSE_LIMIT
    seeds = {"contacts": contacts, "conversations": conversations}
    with SandboxProcess(seeds) as sandbox, tempfile.TemporaryDirectory(prefix="bench-") as folder:
        env = child_environment(folder, sandbox.token)
        collections = ["contacts"] + (["conversations"] if conversations else [])
        for collection in collections:
            walks: dict[str, list[dict[str, Any]]] = {client: [] for client in args.client_list}
            for _ in range(args.repeat):
                for client in args.client_list:  # in turns, so drift touches every client
                    sandbox.configure(limit, args.rate_window)  # a fresh window for each walk
                    before = sandbox.stats()
                    child = run_client(client, collection, sandbox, env)
                    after = sandbox.stats()
                    requests = after["requests"] - before["requests"]
                    limited = after["rate_limited"] - before["rate_limited"]
                    walks[client].append(figures(child, requests, limited, args))
            size = contacts if collection == "contacts" else conversations
            runs += [{**medians(walks[client]), "size": size} for client in args.client_list]
            sandbox.configure(LOOSE_LIMIT, 60.0)  # no limit to speak of while fetching pages
            pages = fetch_pages(sandbox.url, sandbox.token, collection)
            costs.append(mapping_cost(pages, MODELS[collection]))
    return runs, costs


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    runs, costs = measure_sandbox(args.contacts, args.conversations, args)
    for size in args.size_list:
        if size != args.contacts:
            more, _ = measure_sandbox(size, 0, args)
            runs += more
    runs.sort(key=lambda run: (run["collection"], run["size"]))  # clients keep their order
    result = {
        "benchmark": "clients",
        "machine": machine(),
        "settings": {
            "contacts": args.contacts,
            "conversations": args.conversations,
            "sizes": args.size_list,
            "rate_limit": args.rate_limit or None,
            "rate_window_s": args.rate_window,
            "repeat": args.repeat,
            "page_size": 100,
            "memory": "peak resident set (VmHWM) of each client's own process",
            "dlt": "rest_api source, resource iterated directly (no pipeline, no destination)",
            "versions": {name: version(name) for name in ("connector-front", "dlt", "httpx")},
        },
        "runs": runs,
        "mapping": costs,
    }
    text = "\n\n".join(
        [
            "listing (one child process per client)",
            table(runs, RUN_COLUMNS),
            "mapping vs json.loads (same pages, in-process, best of 3)",
            table(costs, MAPPING_COLUMNS),
        ]
    )
    emit(result, text, args.json)


if __name__ == "__main__":
    main()
