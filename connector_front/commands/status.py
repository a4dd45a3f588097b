"""``connector-front status``: the figures of the dashboard for those without Grafana.

From the database (connections by token health, failing owners, the webhook queue, the
outbox) and from a running host's ``/metrics`` (each company's budget, requests and 429s by
lane, retries, token refreshes, webhook deliveries, event lag, sync freshness). A table on a
terminal (refreshing with ``--watch``), JSON on a pipe (a line per pass with ``--watch``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from connector_front.commands.help import DefaultsHelp
from connector_front.errors import InvalidInputError
from connector_front.settings import ConnectorSettings
from connector_front.store.database import parse_database

SUMMARY = "what an operator watches: connections, webhook queue, budget, 429s, event lag, sync"
DEFAULT_URL = "http://127.0.0.1:8000"


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "status",
        help=SUMMARY,
        description="The figures of the dashboard: from the database (connections by token "
        "health, the webhook queue, the outbox) and from a running host's /metrics (budget by "
        "company, requests and 429s by lane, token refreshes, webhook deliveries, event lag, "
        "sync freshness). A table on a terminal, JSON on a pipe.",
        formatter_class=DefaultsHelp,
    )
    parser.add_argument(
        "--url", default=DEFAULT_URL, help="the running host whose /metrics to read"
    )
    parser.add_argument("--config", type=Path, default=None, help="settings file (TOML or JSON)")
    parser.add_argument("--watch", action="store_true", help="keep refreshing")
    parser.add_argument(
        "--interval", type=float, default=5.0, metavar="SECONDS", help="seconds between refreshes"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.interval <= 0:
        raise InvalidInputError(
            f"--interval must be a positive number of seconds, got {args.interval}",
            fields=["interval"],
        )
    settings = ConnectorSettings.load(args.config)
    return asyncio.run(_passes(args, settings, _missing(settings)))


def _missing(settings: ConnectorSettings) -> str | None:
    """Why there is no database to read (an SQLite file is never made by looking at it)."""
    dialect, where = parse_database(settings.database)
    if dialect == "sqlite" and not Path(where).is_file():
        return f"no database at {where} (set database or CONNECTOR_FRONT_DATABASE)"
    return None


async def _passes(
    args: argparse.Namespace, settings: ConnectorSettings, missing: str | None
) -> int:
    from connector_front.readings import FigureSource

    terminal = sys.stdout.isatty()
    source = FigureSource(settings)
    try:
        if args.watch and terminal:
            await _live(args, settings, source, missing)
            return 0
        before: tuple[float, Any] | None = None
        while True:
            report, before = await _report(args.url, settings, source, before, missing)
            _print(report, terminal=terminal, watch=args.watch)
            if not args.watch:
                return 0 if report["database"].get("error") is None or report["host"].get(
                    "reachable"
                ) else 1
            await asyncio.sleep(args.interval)
    finally:
        await source.aclose()


async def _live(
    args: argparse.Namespace, settings: ConnectorSettings, source: Any, missing: str | None
) -> None:
    from rich.live import Live

    report, before = await _report(args.url, settings, source, None, missing)
    with Live(tables(report), auto_refresh=False) as live:
        while True:
            await asyncio.sleep(args.interval)
            report, before = await _report(args.url, settings, source, before, missing)
            live.update(tables(report), refresh=True)


async def _report(
    url: str,
    settings: ConnectorSettings,
    source: Any,
    before: tuple[float, Any] | None,
    missing: str | None,
) -> tuple[dict[str, Any], tuple[float, Any] | None]:
    """One pass: the database's figures and the host's summary (with per-minute rates since
    the previous pass); and what the next pass compares against."""
    from connector_front.ops.summary import per_minute, summarize

    database = {"error": missing} if missing is not None else await _database(source)
    host: dict[str, Any] = {"url": url, "reachable": False}
    now = time.monotonic()
    try:
        text = await _scrape(url, settings)
    except (httpx.HTTPError, _Refused) as exc:
        host["error"] = str(exc) if isinstance(exc, _Refused) else type(exc).__name__
        after = before
    else:
        summary = summarize(text)
        host.update({"reachable": True, **summary.to_json()})
        if before is not None:
            seconds, earlier = now - before[0], before[1]
            host["perMinute"] = {
                "requestsByLane": per_minute(earlier.requests, summary.requests, seconds),
                "rateLimitedByLane": per_minute(
                    earlier.rate_limited, summary.rate_limited, seconds
                ),
            }
        after = (now, summary)
    at = datetime.now(tz=UTC).isoformat(timespec="seconds")
    return {"at": at, "database": database, "host": host}, after


async def _database(source: Any) -> dict[str, Any]:
    try:
        figures = await asyncio.wait_for(source.figures(), 10)
    except Exception as exc:
        return {"error": f"the database could not be read ({type(exc).__name__})"}
    found: dict[str, Any] = figures.to_json()
    return found


class _Refused(Exception):
    """The host answered, but not with its metrics."""


async def _scrape(url: str, settings: ConnectorSettings) -> str:
    keys = settings.host_keys
    headers = {"authorization": f"Bearer {keys[0]}"} if keys else {}
    async with httpx.AsyncClient(timeout=5.0) as http:
        answer = await http.get(url.rstrip("/") + "/metrics", headers=headers)
    if answer.status_code != 200:
        unauthenticated = answer.status_code == 401
        hint = " (set CONNECTOR_FRONT_HOST_KEY to the host's key)" if unauthenticated else ""
        raise _Refused(f"GET /metrics answered {answer.status_code}{hint}")
    return answer.text


def _print(report: dict[str, Any], *, terminal: bool, watch: bool) -> None:
    if terminal:
        from rich.console import Console

        Console().print(tables(report))
    elif watch:
        print(json.dumps(report, separators=(",", ":")), flush=True)
    else:
        print(json.dumps(report, indent=2), flush=True)


def tables(report: dict[str, Any]) -> Any:
    """The report as rich tables (what a terminal shows)."""
    from rich.console import Group
    from rich.table import Table

    database, host = report["database"], report["host"]
    shown: list[Any] = []
    stored = Table(title=f"database ({report['at']})", show_header=False)
    if database.get("error"):
        stored.add_row("error", database["error"])
    else:
        health = database["connections"]
        stored.add_row("connections", ", ".join(f"{k} {v}" for k, v in health.items()))
        stored.add_row("failing owners", ", ".join(database["failingOwners"]) or "none")
        queue = database["webhookQueue"]
        oldest = queue["oldestSeconds"]
        stored.add_row(
            "webhook queue",
            f"{queue['depth']} waiting" + (f", oldest {oldest:.0f} s" if oldest else ""),
        )
        stored.add_row("outbox", f"{database['outboxDepth']} to push")
    shown.append(stored)
    if not host.get("reachable"):
        missing = Table(title=f"host {host['url']}", show_header=False)
        missing.add_row("not read", host.get("error", ""))
        shown.append(missing)
        return Group(*shown)
    budget = Table("company", "remaining", "limit", title="budget (last seen)")
    for company, seen in sorted(host["budget"].items()):
        budget.add_row(company, _number(seen.get("remaining")), _number(seen.get("limit")))
    shown.append(budget)
    rates = host.get("perMinute", {})
    lanes = Table("lane", "requests", "a minute", "429s", title="Front requests")
    for lane, count in sorted(host["requestsByLane"].items()):
        lanes.add_row(
            lane,
            _number(count),
            _number(rates.get("requestsByLane", {}).get(lane)),
            _number(host["rateLimitedByLane"].get(lane, 0)),
        )
    shown.append(lanes)
    other = Table(show_header=False, title="refreshes, webhooks, events, sync")
    other.add_row("retries", _number(host["retries"]))
    other.add_row("token refreshes", _pairs(host["tokenRefreshes"]))
    other.add_row("webhook deliveries", _pairs(host["webhookDeliveries"]))
    lag = host["eventLagSeconds"]
    other.add_row(
        "events", f"{_number(host['events'])} (lag p50 {_number(lag['p50'])} s, "
        f"p95 {_number(lag['p95'])} s)"
    )
    since = host["syncSinceCleanSeconds"]
    other.add_row(
        "sync: since clean",
        ", ".join(f"{model} {seconds:.0f} s" for model, seconds in sorted(since.items()))
        or "no clean pass yet",
    )
    shown.append(other)
    return Group(*shown)


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}" if value != int(value) else str(int(value))


def _pairs(counts: dict[str, float]) -> str:
    return ", ".join(f"{k} {_number(v)}" for k, v in sorted(counts.items())) or "none"
