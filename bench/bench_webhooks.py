"""Benchmark: webhook intake through the reference host at a fixed offered rate.

    python bench/bench_webhooks.py --rate 100,200 --seconds 10 --json bench/results/webhooks.json

Runs `connector-front serve --sandbox` in its own process and sends it signed application
webhooks (HMAC-SHA256 over `timestamp:body`, as Front signs them) on an open-loop schedule:
delivery i leaves at start + i / rate whether or not earlier ones were answered (it waits for
one of `--connections` connections, each lent to one delivery at a time). Deliveries go
round-robin over every conversation the host lists (the embedded sandbox's 8), so that a
batch's deliveries share a conversation as a busy inbox's do. Each rate
(`--rate` takes several) runs in turn on the same host, once the previous run's queue is empty.
The deliveries are made up, so each is read on its own (`webhook_reads = "per_delivery"`), and
the sandbox's limit is set above Front's: this measures the host's intake and processing, not
Front's budget (bench_budget.py does). Figures, per rate:

  accepted_per_s  deliveries answered 200 (verified and stored) per second of sending
  latency_ms      p50 / p99 / max, from each delivery's scheduled time to its answer (a sender
                  that falls behind counts against the host, never hides it)
  errors          answers other than 200, and failed connections
  processed_per_s deliveries turned into events per second, until the queue was empty
  host_cpu_s      CPU seconds of the host process (host + embedded sandbox) during the run
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import statistics
import time
from typing import Any

import httpx
from figures import add_json_option, emit, machine, table
from sandbox_process import LOOSE_LIMIT
from serve_process import ServeProcess

PER_DELIVERY = {"CONNECTOR_FRONT_WEBHOOK_READS": "per_delivery"}
"""The deliveries are made up (no Events API lists their events): each is read on its own."""

SETTLE_TIMEOUT = 300.0
COLUMNS = (
    "offered_per_s", "sent", "accepted", "errors", "accepted_per_s", "p50_ms", "p99_ms",
    "max_ms", "processed_per_s", "host_cpu_s",
)  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rate", default="200", help="deliveries offered per second (several: comma-separated)"
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to offer them")
    parser.add_argument("--connections", type=int, default=64, help="sender's connection pool")
    add_json_option(parser)
    args = parser.parse_args(argv)
    try:
        args.rates = [float(rate) for rate in args.rate.split(",") if rate.strip()]
    except ValueError:
        parser.error(f"--rate takes numbers, comma-separated, got {args.rate!r}")
    if not args.rates or min(args.rates) <= 0 or args.seconds <= 0:
        parser.error("--rate and --seconds must be positive")
    return args


def signed(secret: str, body: bytes) -> dict[str, str]:
    """Front's application webhook headers for `body`, signed now."""
    timestamp = str(int(time.time() * 1000))
    mac = hmac.new(secret.encode(), f"{timestamp}:".encode() + body, hashlib.sha256)
    return {
        "x-front-signature": base64.b64encode(mac.digest()).decode(),
        "x-front-request-timestamp": timestamp,
        "content-type": "application/json",
    }


def delivery(n: int, company: str, conversation: str) -> bytes:
    """A `tag_added` application webhook with its own event id."""
    envelope = {
        "type": "tag_added",
        "authorization": {"id": company},
        "payload": {
            "_links": {"self": f"https://api2.frontapp.com/events/evt_bench{n}"},
            "id": f"evt_bench{n}",
            "type": "tag",
            "emitted_at": time.time(),
            "conversation": {"id": conversation},
            "source": {"_meta": {"type": "teammate"}, "data": {"id": "tea_s001"}},
            "target": {"_meta": {"type": "tag"}, "data": {"id": "tag_s001"}},
        },
    }
    return json.dumps(envelope).encode()


async def offer(
    host: ServeProcess,
    company: str,
    conversations: list[str],
    rate: float,
    first: int,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Send `rate * seconds` deliveries on schedule, event ids from `first` on; answers
    latencies and counts."""
    count = int(rate * args.seconds)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    # One client per connection, each lent to one delivery at a time: httpx's pool matches
    # every queued request against every connection, which at hundreds a second made the
    # sender, not the host, fall behind. A delivery waiting here still counts from its
    # scheduled time.
    one = httpx.Limits(max_connections=1)
    clients = [
        httpx.AsyncClient(base_url=host.url, limits=one, timeout=30)
        for _ in range(args.connections)
    ]
    free: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()
    for client in clients:
        free.put_nowait(client)
    started = time.perf_counter()

    async def send(n: int) -> None:
        due = started + n / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        conversation = conversations[(first + n) % len(conversations)]
        body = delivery(first + n, company, conversation)
        client = await free.get()
        try:
            headers = signed(host.secret, body)
            answer = await client.post("/webhooks/front", content=body, headers=headers)
            outcome = str(answer.status_code)
        except httpx.HTTPError as exc:
            outcome = type(exc).__name__
        finally:
            free.put_nowait(client)
        if outcome == "200":
            latencies.append(time.perf_counter() - due)
        else:
            errors[outcome] = errors.get(outcome, 0) + 1

    try:
        await asyncio.gather(*(send(n) for n in range(count)))
        sending = time.perf_counter() - started
    finally:
        for client in clients:
            await client.aclose()
    return {"sent": count, "latencies": latencies, "errors": errors, "sending_s": sending}


def settle(host: ServeProcess, started: float) -> tuple[dict[str, Any], float]:
    """Wait (bounded) until every stored delivery is processed: (host counts, seconds)."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        stats: dict[str, Any] = httpx.get(f"{host.url}/webhooks/stats").json()
        if stats["deliveries"]["pending"] == 0 or time.monotonic() > deadline:
            return stats, time.perf_counter() - started
        time.sleep(0.05)


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[int(share * 1000) - 1]


def measure(
    host: ServeProcess, company: str, conversations: list[str], rate: float, first: int, args: Any
) -> Any:
    """One run at `rate`: its figures, from the sender's measures and the host's counts."""
    before: dict[str, Any] = httpx.get(f"{host.url}/webhooks/stats").json()
    cpu_before, started = host.cpu_seconds(), time.perf_counter()
    sent = asyncio.run(offer(host, company, conversations, rate, first, args))
    stats, settled_s = settle(host, started)
    processed = stats["deliveries"]["done"] - before["deliveries"]["done"]
    ms = [seconds * 1000 for seconds in sent["latencies"]]
    return {
        "offered_per_s": rate,
        "seconds": args.seconds,
        "sent": sent["sent"],
        "accepted": len(ms),
        "errors": sum(sent["errors"].values()),
        "error_kinds": sent["errors"],
        "accepted_per_s": len(ms) / sent["sending_s"],
        "p50_ms": percentile(ms, 0.5),
        "p99_ms": percentile(ms, 0.99),
        "max_ms": max(ms) if ms else None,
        "processed": processed,
        "processed_per_s": processed / settled_s,
        "pending_after_s": stats["deliveries"]["pending"],
        "events": stats["events"] - before["events"],
        "host_cpu_s": host.cpu_seconds() - cpu_before,
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    runs = []
    with ServeProcess(PER_DELIVERY) as host:
        # the intake's and processing's own speed: a limit above Front's, not the limit's
        host.configure(rate_limit=LOOSE_LIMIT, rate_window=60.0, burst_limit=None)
        company = httpx.get(f"{host.url}/proxy/me").raise_for_status().json()["id"]
        issues = httpx.get(f"{host.url}/resources/ticketIssue", params={"limit": 100}).json()
        conversations = [issue["id"] for issue in issues["data"]]
        first = 0
        for rate in args.rates:
            runs.append(measure(host, company, conversations, rate, first, args))
            first += runs[-1]["sent"]  # every delivery has its own event id
    result = {
        "benchmark": "webhooks",
        "machine": machine(),
        "settings": {"conversations": len(conversations)},
        "runs": runs,
    }
    text = "webhook intake (signed application webhooks, open loop)\n\n" + table(runs, COLUMNS)
    emit(result, text, args.json)


if __name__ == "__main__":
    main()
