"""A scripted session against the host, then its ``/metrics`` (parsed with prometheus-client's
own text parser): each counter moved by exactly what the session did, as the sandbox Front
counted it (its request log, its token grants, the webhooks it sent).

The session: a listing, a create, a 429 retried, a refresh after the sandbox's clock passed
the token's expiry, a burst of webhooks (and one forged), a sync pass.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from connector_front.dev.embedded import connect_owner, sandbox_settings
from connector_front.host import create_app, load_connector
from connector_front.host.server import BackgroundServer
from connector_front.sandbox import SandboxServer
from connector_front.sync import background_sync
from tests.integration.operating_support import Scrape, moved, moved_by
from tests.limits import loose

OWNER = "acme"
TTL = 120.0
"""The sandbox's access tokens live 2 minutes: its clock moved past that, they are refused,
while its webhooks' timestamps stay within the host's 5 minutes of tolerance."""
BURST = 5
P = "connector_front_"


@dataclass
class Turns:
    """The sync loop's sleep, ended by the test: one pass at start, then one per turn."""

    passes: int = 0
    loop: asyncio.AbstractEventLoop | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    async def sleep(self, seconds: float) -> None:
        self.loop = asyncio.get_running_loop()
        self.wake = asyncio.Event()
        self.passes += 1
        await self.wake.wait()

    def turn(self) -> None:
        assert self.loop is not None
        self.loop.call_soon_threadsafe(self.wake.set)


@dataclass
class Session:
    http: httpx.Client
    sandbox: SandboxServer
    turns: Turns
    intake: str

    def scrape(self) -> Scrape:
        answer = self.http.get("/metrics")
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
        return Scrape.parse(answer.text)

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        answer = httpx.request(method, f"{self.sandbox.url}/_sandbox{path}", json=body, timeout=30)
        assert answer.status_code < 300, answer.text
        return answer.json() if answer.content else None

    def front_requests(self) -> list[dict[str, Any]]:
        """What reached the sandbox's API (not its OAuth endpoints, not its controls)."""
        found: list[dict[str, Any]] = self.admin("GET", "/requests")
        return [r for r in found if not r["path"].startswith(("/oauth", "/_sandbox"))]


def until(check: Any, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def session(tmp_path: Path, sandbox: SandboxServer) -> Iterator[Session]:
    settings = sandbox_settings(sandbox, sandbox.config, tmp_path / "host.sqlite3")
    connector = load_connector("front", settings.model_copy(update={"events_window": 0.0}))
    turns = Turns()

    async def authorize(plugin: Any) -> None:
        await connect_owner(plugin, OWNER)

    app = create_app(
        connector,
        default_owner=OWNER,
        on_startup=authorize,
        background=[background_sync(3600, sleep=turns.sleep)],
    )
    with BackgroundServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        until(lambda: turns.passes == 1, "the first (baseline) sync pass")
        yield Session(http, sandbox, turns, f"{server.url}/webhooks/front")


@pytest.mark.parametrize("sandbox_config", [loose(access_token_ttl=TTL)], indirect=True)
def test_a_session_moves_each_counter_by_what_it_did(session: Session) -> None:
    http = session.http
    session.admin("DELETE", "/requests")
    grants_before = session.admin("GET", "/stats")["grants"].get("refresh_token", 0)
    events_before = len(http.get("/events", params={"limit": 500}).json()["data"])
    before = session.scrape()

    # a listing, a create, a listing Front refuses once with a 429
    assert http.get("/resources/genericContact", params={"limit": 5}).status_code == 200
    made = http.post("/resources/genericContact", json={"fields": {"email": "m@example.com"}})
    assert made.status_code == 201, made.text
    fault = {"kind": "rate_limit", "path": "/contacts", "method": "GET", "retry_after": 0}
    session.admin("POST", "/faults", fault)
    assert http.get("/resources/genericContact", params={"limit": 1}).status_code == 200
    # the token expires at Front: the next call is refused (401), refreshes, goes again
    session.admin("POST", "/clock", {"advance": TTL + 1})
    assert http.get("/resources/genericContact", params={"limit": 1}).status_code == 200

    # a burst of webhooks from Front (its messages), and one forged
    session.admin("POST", "/webhooks", {"url": session.intake})
    session.admin("DELETE", "/webhooks/deliveries")
    conversation = http.get("/resources/ticketIssue", params={"limit": 1}).json()["data"][0]["id"]
    for n in range(BURST):
        body = {"conversation_id": conversation, "from": f"c{n}@x.example", "body": f"hi {n}"}
        session.admin("POST", "/simulate/inbound", body)
    session.admin("POST", "/webhooks/drain", {"timeout": 30})
    forged = {"x-front-signature": base64.b64encode(b"x" * 32).decode(),
              "x-front-request-timestamp": str(int(time.time() * 1000)),
              "content-type": "application/json"}  # fmt: skip
    assert http.post("/webhooks/front", content=b"{}", headers=forged).status_code == 401

    def settled() -> bool:
        stats = http.get("/webhooks/stats").json()["deliveries"]
        return stats["pending"] == 0 and stats["done"] == BURST

    until(settled, "the burst's deliveries to be processed")

    # a sync pass
    session.turns.turn()
    until(lambda: session.turns.passes == 2, "the sync pass")
    after = session.scrape()

    # Front requests: by status class, exactly what reached the sandbox
    reached = session.front_requests()
    classes = Counter(f"{r['status'] // 100}xx" for r in reached)
    assert moved_by(after, before, P + "front_requests_total", "status_class") == classes
    assert moved(after, before, P + "budget_requests_total") == len(reached)
    contacts_created = sum(1 for r in reached if (r["method"], r["path"]) == ("POST", "/contacts"))
    assert contacts_created == 1
    assert moved(
        after, before, P + "front_requests_total", model="genericContact", operation="create"
    ) == contacts_created
    sync_lanes = moved_by(after, before, P + "front_requests_total", "lane")
    assert sync_lanes.get("interactive", 0) > 0 and sync_lanes.get("sync", 0) > 0
    assert moved(after, before, P + "front_rate_limited_total") == classes_of(reached, 429) == 1
    assert moved(after, before, P + "front_retries_total") == 1
    # one refresh, as Front's token endpoint counted it
    grants = session.admin("GET", "/stats")["grants"].get("refresh_token", 0) - grants_before
    assert grants == 1
    assert moved_by(after, before, P + "token_refreshes_total", "outcome") == {"ok": 1}
    assert classes_of(reached, 401) == 1
    # webhooks: stored, refused (by reason), processed
    delivered = len(session.admin("GET", "/webhooks/deliveries"))
    assert delivered == BURST
    outcomes = moved_by(after, before, P + "webhook_deliveries_total", "outcome")
    assert outcomes == {"challenge": 1, "stored": BURST, "refused": 1, "processed": BURST}
    assert moved_by(after, before, P + "webhook_refusals_total", "reason") == {
        "invalid_signature": 1
    }
    # events logged, each with its lag
    events = len(http.get("/events", params={"limit": 500}).json()["data"]) - events_before
    assert events >= BURST
    assert moved(after, before, P + "events_total") == events
    assert moved(after, before, P + "event_lag_seconds_count") == events
    assert moved(after, before, P + "events_total", source="events_api") >= BURST
    # the sync pass: one clean pass of each model with events
    synced = moved_by(after, before, P + "sync_passes_total", "model")
    manifest = http.get("/connectors/front").json()
    with_events = {m["model"] for m in manifest["models"] if m["events"]["triggers"]}
    assert set(synced) == with_events and set(synced.values()) == {1}
    assert moved(after, before, P + "sync_passes_total", outcome="clean") == len(with_events)
    assert all(after.value(P + "sync_since_clean_seconds", model=m) < 60 for m in with_events)
    # the host's own answers, by route template (never a path with an id)
    assert moved(after, before, P + "host_requests_total", method="POST",
                 route="/resources/{model}", status="201") == 1  # fmt: skip
    assert moved(after, before, P + "host_requests_total", method="POST",
                 route="/webhooks/front", status="401") == 1  # fmt: skip
    # what the database says
    assert after.value(P + "database_up") == 1
    assert after.value(P + "webhook_queue_depth") == 0
    # (a 2-minute token is within the refresh margin: expiring, refreshed on the next call)
    assert after.by(P + "connections", "health") == {"valid": 0, "expiring": 1, "failed": 0}
    labels = {value for (_, found) in after.samples for _, value in found}
    assert OWNER not in labels and conversation not in labels


def classes_of(reached: list[dict[str, Any]], status: int) -> int:
    return sum(1 for r in reached if r["status"] == status)
