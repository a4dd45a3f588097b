"""Two connectors on one sandbox Front: a control that syncs cleanly, a subject that is hurt.

Both connect before any change, so both must end with the same events: the control's log is
the oracle, counted by idempotency key (and by model, trigger and id, so an event emitted
twice under two keys is caught too).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx

from connector_front.connector import FrontConnector
from connector_front.dev.embedded import connect_owner, sandbox_settings
from connector_front.sandbox import SandboxServer

OWNER = "acme"
API_TOKEN = "sandbox-api-token"
EVENT_MODELS = [
    "genericContact",
    "genericCompany",
    "genericUser",
    "genericWorkspace",
    "ticketProject",
    "ticketIssue",
    "ticketComment",
]


@dataclass
class SyncWorld:
    sandbox: SandboxServer
    folder: Path

    def connector(self, name: str, **updates: object) -> FrontConnector:
        """A connector on its own database ``name`` (a new one is a restarted process)."""
        settings = sandbox_settings(self.sandbox, self.sandbox.config, self.folder / name)
        return FrontConnector(settings.model_copy(update=updates))

    async def connected(self, name: str, **updates: object) -> FrontConnector:
        connector = self.connector(name, **updates)
        await connect_owner(connector, OWNER)
        return connector


async def make_changes(connector: FrontConnector, sandbox: SandboxServer, seed: int) -> None:
    """A seeded mix of creations, updates and deletions over the polled and streamed models."""
    rng = random.Random(seed)
    conn = connector.connection(OWNER)
    contacts = conn.resources("genericContact")
    listed = [r.id for r in (await contacts.list(limit=100)).data]
    for n in range(rng.randint(2, 4)):
        await contacts.create({"email": f"rel-{seed}-{n}@example.com"})
    for rid in rng.sample(listed, 3):
        await contacts.update(rid, {"lastName": f"Changed {seed}"})
    for rid in rng.sample(listed, 2):
        await contacts.delete(rid)
    companies = conn.resources("genericCompany")
    await companies.create({"name": f"Rel {seed} Co"})
    conversations = sorted(sandbox.state.db.conversations)
    async with httpx.AsyncClient(
        base_url=sandbox.url, headers={"authorization": f"Bearer {API_TOKEN}"}, timeout=10
    ) as front:
        for n in range(rng.randint(3, 8)):
            answer = await front.post(
                f"/conversations/{rng.choice(conversations)}/comments",
                json={"body": f"rel note {seed}-{n}", "author_id": "tea_s001"},
            )
            answer.raise_for_status()


async def logged(connector: FrontConnector) -> Counter[tuple[str, str, str, str]]:
    """The owner's events in the log, counted by (idempotency key, model, trigger, id)."""
    found: Counter[tuple[str, str, str, str]] = Counter()
    after: str | None = None
    while True:
        page = await connector.events(owner_id=OWNER, limit=500, after=after)
        found.update((e.idempotencyKey, e.model, e.trigger, e.id) for e in page.data)
        if not page.data or page.next is None:
            return found
        after = page.next


def once_each(found: Counter[tuple[str, str, str, str]]) -> bool:
    """Every key once, and no record created or deleted under two keys."""
    changes = Counter(key[1:] for key in found if key[2] in ("created", "deleted"))
    return max(found.values(), default=1) == 1 and max(changes.values(), default=1) == 1
