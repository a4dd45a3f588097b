"""Benchmark: a busy inbox within Front's real budget, while a customer keeps listing.

    python bench/bench_budget.py --rate 4 --seconds 30 --conversations 200 \
        --json bench/results/budget.json

Runs `connector-front serve --sandbox` in its own process with the sandbox limited to
`--limit` requests per `--window` seconds (Front's 120 per minute by default), adds
`--conversations` conversations, then has customers write: `--rate` inbound messages a second
for `--seconds` seconds, each into a random conversation from that conversation's customer
(a new contact in Front the first time), sent through the sandbox's
`/_sandbox/simulate/inbound` so the sandbox fires Front's signed webhooks at the host. Meanwhile
a client lists `GET /resources/genericContact?limit=5` every `--listing-every` seconds. Each
mode of `--modes` runs in a fresh host: `events_api` (the connector's default: events read from
Front's Events API) and `per_delivery` (one read of each changed record per webhook delivery,
the `webhook_reads` setting). The host's own event sync runs meanwhile (every 60 s): its
requests count as background. Figures, per mode:

  background_per_message  Front requests other than the listing's, per message sent, from the
                          first message until the last message's events are in the event log
  queue_empty_after_s     seconds from the last message sent until its events were logged and
                          no delivery was pending
  event_lag_s             p50 / p99 from Front's event time to the unified event in the log
                          (as the host's `GET /events` shows it, polled every 0.2 s)
  listing_s               p50 / p99 / max of the listing's answer time (its wait for budget
                          included), from the first message until the queue was empty
  rate_limited            429 answers the sandbox gave
  background_by_endpoint  the background requests by Front endpoint
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from figures import add_json_option, emit, machine, table
from serve_process import ServeProcess

MODES = ("events_api", "per_delivery")
LISTING = "/resources/genericContact"
LISTING_FRONT_QUERY = "limit=5"
"""The Front request one listing makes (`GET /contacts?limit=5`): not background work."""
SETTLE_TIMEOUT = 600.0
POLL = 0.2
ID = re.compile(r"/[a-z]{3}_[A-Za-z0-9]+")
"""A Front id in a path (`/cnv_123`), shown as `/{id}` in the figures."""
COLUMNS = (
    "mode", "messages", "background", "background_per_message", "queue_empty_after_s",
    "lag_p50_s", "lag_p99_s", "listing_p50_s", "listing_p99_s", "listing_max_s",
    "rate_limited",
)  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=4.0, help="inbound messages per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long messages arrive")
    parser.add_argument(
        "--conversations", type=int, default=200, help="conversations the messages go to"
    )
    parser.add_argument("--limit", type=int, default=120, help="sandbox requests per window")
    parser.add_argument("--window", type=float, default=60.0, help="sandbox window (seconds)")
    parser.add_argument(
        "--listing-every", type=float, default=2.0, help="seconds between the client's listings"
    )
    parser.add_argument(
        "--modes", default=",".join(MODES), help=f"comma-separated, of {', '.join(MODES)}"
    )
    parser.add_argument("--seed", type=int, default=23, help="random seed (conversation picks)")
    add_json_option(parser)
    args = parser.parse_args(argv)
    args.mode_list = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
    unknown = sorted(set(args.mode_list) - set(MODES))
    if unknown or not args.mode_list:
        parser.error(f"--modes takes {', '.join(MODES)}, got {args.modes!r}")
    if min(args.rate, args.seconds, args.listing_every, args.window) <= 0 or args.limit < 1:
        parser.error("--rate, --seconds, --listing-every, --limit and --window must be positive")
    if args.conversations < 1:
        parser.error("--conversations must be at least 1")
    return args


@dataclass
class Run:
    """What one mode's run saw, as it happened (wall-clock seconds, perf_counter)."""

    sent: dict[str, float] = field(default_factory=dict)
    """message id -> when its simulate call was answered"""
    logged: dict[str, float] = field(default_factory=dict)
    """message id -> when its ticketComment::created was first seen in the log"""
    lags: list[float] = field(default_factory=list)
    listings: list[float] = field(default_factory=list)
    listing_errors: int = 0
    last_sent: float = 0.0
    drained_at: float | None = None


async def send_messages(
    sandbox: httpx.AsyncClient, conversations: list[str], args: argparse.Namespace, run: Run
) -> None:
    """`--rate` inbound messages a second on an open-loop schedule."""
    picks = random.Random(args.seed)
    count = round(args.rate * args.seconds)
    started = time.perf_counter()

    async def one(n: int) -> None:
        await asyncio.sleep(max(0.0, started + n / args.rate - time.perf_counter()))
        conversation = conversations[picks.randrange(len(conversations))]
        body = {
            "conversation_id": conversation,
            "from": f"{conversation}@customers.example",  # its customer (new the first time)
            "body": f"Message {n} of the busy-inbox benchmark.",
        }
        answer = await sandbox.post("/_sandbox/simulate/inbound", json=body)
        answer.raise_for_status()
        run.sent[answer.json()["message_id"]] = time.perf_counter()

    await asyncio.gather(*(one(n) for n in range(count)))
    run.last_sent = time.perf_counter()


async def keep_listing(host: httpx.AsyncClient, every: float, run: Run) -> None:
    """The customer's call, started every ``every`` seconds (whether or not the previous one
    was answered) until the run is drained."""

    async def one() -> None:
        started = time.perf_counter()
        try:
            answer = await host.get(LISTING, params={"limit": 5})
            if answer.status_code != 200:
                run.listing_errors += 1
        except httpx.HTTPError:
            run.listing_errors += 1
        run.listings.append(time.perf_counter() - started)

    calls: list[asyncio.Task[None]] = []
    first = time.perf_counter()
    while run.drained_at is None:
        calls.append(asyncio.create_task(one()))
        due = first + len(calls) * every
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
    await asyncio.gather(*calls)


async def watch_events(host: httpx.AsyncClient, run: Run, sending: asyncio.Task[None]) -> None:
    """Follow the host's event log: each message's comment event, its lag; until drained."""
    position: str | None = None
    clock_offset = time.time() - time.perf_counter()
    while True:
        params: dict[str, Any] = {"limit": 500, "model": "ticketComment"}
        if position is not None:
            params["after"] = position
        page = (await host.get("/events", params=params)).raise_for_status().json()
        now = time.perf_counter()
        for event in page["data"]:
            if event["event"] == "ticketComment::created" and event["id"] not in run.logged:
                run.logged[event["id"]] = now
                occurred = _epoch(event["occurredAt"]) - clock_offset
                run.lags.append(now - occurred)
        position = page.get("next") or position
        if sending.done() and set(run.sent) <= set(run.logged):
            stats = (await host.get("/webhooks/stats")).json()
            if stats["deliveries"]["pending"] == 0:
                run.drained_at = time.perf_counter()
                return
        if now - run.last_sent > SETTLE_TIMEOUT and sending.done():
            raise RuntimeError("the queue did not empty in time")
        await asyncio.sleep(POLL)


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


Journal = list[dict[str, Any]]


async def exercise(host: ServeProcess, args: argparse.Namespace) -> tuple[Run, Journal]:
    """One run on a started host: (what happened, the sandbox's request journal for it)."""
    async with (
        httpx.AsyncClient(base_url=host.url, timeout=120) as client,
        httpx.AsyncClient(base_url=host.sandbox, timeout=30) as sandbox,
    ):
        seeded = await sandbox.post(
            "/_sandbox/seed/conversations", json={"count": args.conversations}
        )
        conversations = list(seeded.raise_for_status().json()["ids"])
        host.configure(rate_limit=args.limit, rate_window=args.window)  # a fresh window too
        (await sandbox.delete("/_sandbox/requests")).raise_for_status()
        run = Run()
        sending = asyncio.create_task(send_messages(sandbox, conversations, args, run))
        listing = keep_listing(client, args.listing_every, run)
        await asyncio.gather(sending, listing, watch_events(client, run, sending))
        journal: Journal = (await sandbox.get("/_sandbox/requests")).json()
        return run, journal


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[int(share * 1000) - 1]


def figures(mode: str, run: Run, journal: Journal) -> dict[str, Any]:
    listing = [
        e for e in journal if e.get("path") == "/contacts" and e.get("query") == LISTING_FRONT_QUERY
    ]
    background = len(journal) - len(listing)
    endpoints = Counter(
        f"{e['method']} {ID.sub('/{id}', e['path'])}" for e in journal if e not in listing
    )
    messages = len(run.sent)
    assert run.drained_at is not None
    return {
        "mode": mode,
        "messages": messages,
        "background": background,
        "background_per_message": background / messages if messages else None,
        "listing_requests": len(listing),
        "queue_empty_after_s": run.drained_at - run.last_sent,
        "lag_p50_s": percentile(run.lags, 0.5),
        "lag_p99_s": percentile(run.lags, 0.99),
        "listing_p50_s": percentile(run.listings, 0.5),
        "listing_p99_s": percentile(run.listings, 0.99),
        "listing_max_s": max(run.listings) if run.listings else None,
        "listings": len(run.listings),
        "listing_errors": run.listing_errors,
        "rate_limited": sum(1 for e in journal if e.get("status") == 429),
        "background_by_endpoint": dict(endpoints.most_common()),
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    runs = []
    for mode in args.mode_list:
        with ServeProcess({"CONNECTOR_FRONT_WEBHOOK_READS": mode}) as host:
            run, journal = asyncio.run(exercise(host, args))
        runs.append(figures(mode, run, journal))
    result = {
        "benchmark": "budget",
        "machine": machine(),
        "settings": {
            "rate_per_s": args.rate,
            "seconds": args.seconds,
            "conversations": args.conversations,
            "rate_limit": args.limit,
            "rate_window_s": args.window,
            "listing_every_s": args.listing_every,
        },
        "runs": runs,
    }
    text = (
        f"busy inbox at {args.limit} requests per {args.window:g} s: {args.rate:g} messages/s "
        f"for {args.seconds:g} s over {args.conversations} conversations\n\n"
        + table(runs, COLUMNS)
    )
    emit(result, text, args.json)


if __name__ == "__main__":
    main()
