"""A reference host on a sandbox Front with webhook secrets set, and signing like Front's."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from connector_front.dev.embedded import connect_owner, sandbox_settings
from connector_front.host import create_app, load_connector
from connector_front.host.server import BackgroundServer
from connector_front.sandbox import SandboxServer

APP_SECRET = "app-webhook-secret"
OLD_SECRET = "previous-app-secret"
RULE_SECRET = "rule-api-secret"
OWNER = "acme"


def app_signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}:".encode() + body, hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def rule_signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha1).digest()).decode()


@dataclass
class EventsHost:
    url: str
    company: str
    http: httpx.Client

    def deliver(
        self,
        envelope: dict[str, Any],
        *,
        secret: str = APP_SECRET,
        at: float | None = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        raw = body if body is not None else json.dumps(envelope).encode()
        timestamp = str(int((at if at is not None else time.time()) * 1000))
        sent = {
            "x-front-signature": app_signature(secret, timestamp, raw),
            "x-front-request-timestamp": timestamp,
            "content-type": "application/json",
            **(headers or {}),
        }
        return self.http.post("/webhooks/front", content=raw, headers=sent)

    def settle(self) -> dict[str, Any]:
        """Wait (bounded) until the intake queue is processed; answers the host's counts."""
        deadline = time.monotonic() + 30
        while True:
            stats: dict[str, Any] = self.http.get("/webhooks/stats").json()
            if stats["deliveries"]["pending"] == 0 or time.monotonic() > deadline:
                return stats
            time.sleep(0.05)

    def events(self, after: str | None = None) -> list[dict[str, Any]]:
        """Every event after position ``after`` (all pages)."""
        return self.read(after)[0]

    def read(self, after: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """(every event after ``after``, the position to continue from)."""
        events: list[dict[str, Any]] = []
        while True:
            params = {"limit": "500", **({"after": after} if after else {})}
            answer = self.http.get("/events", params=params)
            assert answer.status_code == 200, answer.text
            page = answer.json()
            events += page["data"]
            if not page["data"]:
                return events, after
            after = page["next"]


@pytest.fixture
def events_host(tmp_path: Path, sandbox: SandboxServer) -> Iterator[EventsHost]:
    """The host on the module's sandbox, owner ``acme`` authorized for every operation and event."""
    settings = sandbox_settings(sandbox, sandbox.config, tmp_path / "host.sqlite3").model_copy(
        update={
            "webhook_secrets": [SecretStr(APP_SECRET), SecretStr(OLD_SECRET)],
            "rule_secrets": {"escalations": SecretStr(RULE_SECRET)},
        }
    )
    connector = load_connector("front", settings)

    async def authorize(plugin: Any) -> None:
        await connect_owner(plugin, OWNER)

    app = create_app(connector, default_owner=OWNER, on_startup=authorize)
    with BackgroundServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        company = http.get("/proxy/me").json()["id"]
        yield EventsHost(server.url, company, http)
