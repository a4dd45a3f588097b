"""What the database says of the connector right now, and whether it can serve.

Figures every worker shares (they are read from the one database, so any worker answers for
all): connections by token health, the webhook queue, the outbox. Read by the host's
``/metrics`` and ``/readyz`` and by ``connector-front status``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from connector_front.health import REFRESH_AHEAD
from connector_front.settings import ConnectorSettings
from connector_front.store import Database, LazyDatabase
from connector_front.store.migrations import missing

Health = Literal["valid", "expiring", "failed"]
HEALTHS: tuple[Health, ...] = ("valid", "expiring", "failed")

CONNECTIONS = (
    "SELECT c.owner_id, t.owner_id IS NOT NULL, t.expires_at,"
    " t.refresh_token IS NOT NULL AND t.refused_at IS NULL"
    " FROM connections c LEFT JOIN oauth_tokens t ON t.owner_id = c.owner_id"
)
QUEUE = "SELECT COUNT(*), MIN(received_at) FROM webhook_deliveries WHERE status = 'pending'"
OUTBOX = "SELECT COUNT(*) FROM event_outbox WHERE delivered_at IS NULL"
READY_TIMEOUT = 3.0
"""Seconds a readiness check waits for the database before calling it unreachable."""


def token_state(stored: bool, expires_at: float | None, refreshable: bool, now: float) -> Health:
    """``valid``; ``expiring`` (within the refresh margin, or expired and refreshable: it
    refreshes on the next call); ``failed`` (no tokens, or expired with no refresh token)."""
    if not stored:
        return "failed"
    if expires_at is None or expires_at - now > REFRESH_AHEAD:
        return "valid"
    if expires_at > now or refreshable:
        return "expiring"
    return "failed"


@dataclass(frozen=True)
class Figures:
    connections: dict[Health, int] = field(default_factory=lambda: dict.fromkeys(HEALTHS, 0))
    failing: tuple[str, ...] = ()
    """Owners whose connection is ``failed`` (for ``status``; never a metric label)."""
    queue_depth: int = 0
    """Webhook deliveries waiting to be processed."""
    queue_oldest: float | None = None
    """Seconds the oldest of them has waited."""
    outbox_depth: int = 0
    """Events not pushed to ``events_url`` yet."""

    def to_json(self) -> dict[str, Any]:
        return {
            "connections": dict(self.connections),
            "failingOwners": list(self.failing),
            "webhookQueue": {"depth": self.queue_depth, "oldestSeconds": self.queue_oldest},
            "outboxDepth": self.outbox_depth,
        }


async def read_figures(database: Database, *, now: float, tokens: bool = True) -> Figures:
    """The figures; ``tokens`` False (API-token mode): every connection counts as valid."""
    counts: dict[Health, int] = dict.fromkeys(HEALTHS, 0)
    failing: list[str] = []
    for owner, stored, expires_at, refreshable in await database.fetch(CONNECTIONS):
        state = (
            token_state(bool(stored), None if expires_at is None else float(expires_at),
                        bool(refreshable), now)
            if tokens
            else "valid"
        )
        counts[state] += 1
        if state == "failed":
            failing.append(str(owner))
    (depth, oldest), = await database.fetch(QUEUE)
    (outbox,), = await database.fetch(OUTBOX)
    return Figures(
        connections=counts,
        failing=tuple(sorted(failing)),
        queue_depth=int(depth or 0),
        queue_oldest=None if oldest is None else max(0.0, now - float(oldest)),
        outbox_depth=int(outbox or 0),
    )


class FigureSource:
    """The figures of a ``database`` setting, from a database of its own (a process or thread
    that has no connector: ``serve``'s metrics port)."""

    def __init__(self, settings: ConnectorSettings) -> None:
        self.database = LazyDatabase(settings.database)
        self._tokens = settings.uses_oauth

    async def figures(self) -> Figures:
        return await read_figures(self.database, now=time.time(), tokens=self._tokens)

    async def aclose(self) -> None:
        await self.database.close()


async def database_problems(database: Database) -> dict[str, str | None]:
    """``database`` (reachable within :data:`READY_TIMEOUT`) and ``migrations`` (every one
    applied): what is wrong with each, None when it is fine."""
    try:
        async with asyncio.timeout(READY_TIMEOUT):
            todo = await missing(database)
    except TimeoutError:
        why = f"no answer within {READY_TIMEOUT:g} s"
        return {"database": why, "migrations": "unknown: the database did not answer"}
    except Exception as exc:
        why = f"unreachable ({type(exc).__name__})"
        return {"database": why, "migrations": "unknown: the database did not answer"}
    waiting = (
        None if not todo else f"not applied: {', '.join(map(str, todo))} (restart to migrate)"
    )
    return {"database": None, "migrations": waiting}
