"""Faults dealt out at seeded random points of a listing or a sync pass, on the sandbox's clock."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from connector_front.connector import FrontConnector
from connector_front.sandbox import SandboxServer
from connector_front.transport import Pacer
from tests.clock import SandboxTime

SLOW_DELAY = 3.0
"""A slow answer's delay: six times the connector's timeout in these tests (``TIMEOUT``)."""
TIMEOUT = 0.5

KINDS: dict[str, dict[str, Any]] = {
    "5xx": {"kind": "status", "status": 503},
    "429 retry-after": {"kind": "rate_limit", "retry_after": 7},
    "429 no retry-after": {"kind": "rate_limit", "retry_after": None},
    "drop": {"kind": "drop"},
    "cut mid-body": {"kind": "cut", "keep": 0.4},
    "truncated body": {"kind": "truncate", "keep": 0.6},
    "slow": {"kind": "slow", "delay": SLOW_DELAY},
}
"""Every injected fault, by name: each is survivable when fewer than the attempts in a row."""


async def lend_time(connector: FrontConnector, sandbox: SandboxServer, owner: str) -> SandboxTime:
    """Make the owner's Front client wait on the sandbox's clock (its retries, and no pacing:
    the pacer would read the sandbox's rate-limit reset times against the wall clock)."""
    time = SandboxTime(sandbox)
    connector.clients.sleep = time.sleep
    connector.clients.clock = time.clock
    await connector.clients.aclose(owner)  # the next client is made with the lent time
    client = connector.clients.get(owner)
    client.pacer = Pacer.off()
    return time


@dataclass
class FaultDealer:
    """Before a seeded random share of the requests, queues a fault for the next GET: the kinds
    in a seeded order, round and round, so a short run still meets every kind."""

    sandbox: SandboxServer
    kinds: list[str]
    seed: int
    share: float = 0.5
    burst: int = 2
    """Faults in a row: below the connector's attempts, so each request still succeeds."""
    dealt: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._order = self._random.sample(self.kinds, len(self.kinds))

    def deal(self) -> None:
        if self._random.random() >= self.share:
            return
        name = self._order[len(self.dealt) % len(self._order)]  # every kind in the first few
        self.dealt.append(name)
        spec = {**KINDS[name], "method": "GET", "path": "/*", "count": self.burst}
        self.sandbox.state.add_fault(spec)

    def hook(self) -> Callable[[Any], None]:
        return lambda *_: self.deal()
