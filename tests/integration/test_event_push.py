"""Unified events pushed to a receiver over real HTTP, signed per Standard Webhooks, retried."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from connector_front.events.log import EventLog
from connector_front.events.outbound import RETRY_SCHEDULE, EventPusher
from connector_front.host.server import BackgroundServer
from connector_front.models.event import UnifiedEvent
from connector_front.store import LazyDatabase
from tests.clock import FakeClock

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class Receiver:
    """Answers 500 to the first ``failures`` deliveries, then 204; verifies every one."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.seen: list[dict[str, Any]] = []
        self.verified: list[Any] = []

    async def endpoint(self, request: Request) -> Response:
        body = await request.body()
        self.seen.append(dict(request.headers))
        self.verified.append(Webhook(SECRET).verify(body, dict(request.headers)))
        if self.failures > 0:
            self.failures -= 1
            return Response(status_code=500)
        return Response(status_code=204)


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    target = Receiver(failures=2)
    app = Starlette(routes=[Route("/hook", target.endpoint, methods=["POST"])])
    with BackgroundServer(app) as server:
        yield target, f"{server.url}/hook"


def event(n: int) -> UnifiedEvent:
    return UnifiedEvent.build(
        model="genericContact",
        trigger="created",
        record_id=f"crd_{n}",
        owner_id="acme",
        key=f"genericContact:crd_{n}:created",
        occurred_at=1_700_000_000.0,
        source="sync",
    )


async def test_pushed_signed_retried_until_taken_never_dropped(
    tmp_path: Path, receiver: tuple[Receiver, str], clock: FakeClock
) -> None:
    target, url = receiver
    clock.now = time.time()  # the receiver checks timestamps against its own clock
    database = LazyDatabase(str(tmp_path / "events.sqlite3"))
    log = EventLog(database, outbox=True, clock=clock)
    pusher = EventPusher(log, url, SECRET, clock=clock)
    await log.append([event(1), event(2)])
    await log.append([event(1)])  # a duplicate is neither stored nor pushed again

    assert await pusher.run_once() == 0  # the receiver fails the first two
    assert await log.outbox_counts() == {"delivered": 0, "pending": 2}
    assert await pusher.run_once() == 0  # not due yet: waiting out the backoff
    clock.now += RETRY_SCHEDULE[0]
    assert await pusher.run_once() == 2
    assert await log.outbox_counts() == {"delivered": 2, "pending": 0}

    ids = [headers["webhook-id"] for headers in target.seen]
    assert ids == ["msg_1", "msg_2", "msg_1", "msg_2"]  # the same id on every retry
    bodies = [json.dumps(v) for v in target.verified]
    assert all("crd_" in body for body in bodies)
    await pusher.aclose()
    await database.close()
