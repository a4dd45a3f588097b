"""The main job: a scripted tour of the connector against an embedded sandbox Front."""

from __future__ import annotations

import asyncio
import contextlib
import json
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from connector_front.connection import Connection
from connector_front.connector import FrontConnector
from connector_front.dev.embedded import EmbeddedSandbox, approve
from connector_front.errors import ConnectorError
from connector_front.host import create_app
from connector_front.sandbox import SandboxConfig

OPERATIONS = [
    "genericContact::list",
    "genericContact::retrieve",
    "genericContact::create",
    "genericContact::update",
    "genericContact::delete",
    "genericUser::list",
    "ticketProject::list",
    "ticketIssue::create",
    "ticketIssue::update",
    "ticketIssue::retrieve",
    "ticketComment::create",
    "ticketComment::list",
    "genericContact::events",
    "ticketIssue::events",
    "ticketComment::events",
]
FIELD_MAPPING = {
    "genericContact": {"tier": "Loyalty tier"},
    "ticketIssue": {"priority": "Priority"},
}


async def run_demo(out: Callable[[str], None] = print) -> None:
    """Connect, authorize, contacts CRUD, a token refresh, then a ticket flow."""
    started = time.perf_counter()
    step = _Steps(out)
    with tempfile.TemporaryDirectory(prefix="connector-front-demo-") as tmp:
        database = Path(tmp) / "demo.sqlite3"
        async with EmbeddedSandbox(database, SandboxConfig(), field_mapping=FIELD_MAPPING) as env:
            assert env.connector is not None
            connector, sandbox_url = env.connector, env.server.url
            step(f"Sandbox Front is up at {sandbox_url}")

            connection = connector.connection("demo")
            details = await connection.create(OPERATIONS)
            step("Connection created for owner 'demo'; the Front app needs these scopes:")
            out(_dump(details.to_json()))

            authorization = await connection.authorize()
            assert authorization.authorization_url is not None
            step("Customer sent to the authorization URL (the sandbox approves at once):")
            out(f"  {authorization.authorization_url.split('&state=')[0]}&state=…")
            code, state = await approve(authorization.authorization_url)
            owner = await connector.complete_authorization(code, state)
            step(f"OAuth callback completed for owner {owner!r}; tokens stored in SQLite")
            out("  customers do this on the connect page: serve --sandbox prints its URL")

            await connector.sync("demo", ["genericContact"])
            step("Event sync's first pass over contacts: the baseline (no events for what exists)")

            contacts = connection.resources("genericContact")
            page = await contacts.list(limit=3)
            step("genericContact::list (limit 3) -> unified records:")
            out(_dump(page.to_json()))

            created = await contacts.create(
                {
                    "firstName": "Ada",
                    "lastName": "Lovelace",
                    "email": "ada@analytical.example",
                    "description": "created by the demo",
                    "tier": "Gold",
                }
            )
            step(
                "genericContact::create (Front's custom field 'Loyalty tier' is mapped to 'tier'):"
            )
            out(_dump(created.to_json()))

            updated = await contacts.update(
                created.id, {"lastName": "King", "phoneNumber": "+44 20 7946 0000"}
            )
            step("genericContact::update (lastName, phoneNumber; 'tier' is kept):")
            out(_dump(updated.to_json()))

            grants_before = await _refresh_grants(sandbox_url)
            async with httpx.AsyncClient() as admin:
                (await admin.post(f"{sandbox_url}/_sandbox/tokens/expire")).raise_for_status()
            step("An hour passes: the sandbox expires every access token")
            retrieved = await contacts.retrieve(created.id)
            refreshes = await _refresh_grants(sandbox_url) - grants_before
            step(f"genericContact::retrieve after expiry: {refreshes} token refresh, then:")
            out(_dump(retrieved.to_json()))

            report = await connector.sync("demo", ["genericContact"])
            step(f"Event sync's next pass found the new contact: {report.emitted} event(s)")
            await contacts.delete(created.id)
            step("genericContact::delete -> done; retrieving it again gives a unified error:")
            try:
                await contacts.retrieve(created.id)
            except ConnectorError as exc:
                out(_dump(exc.to_dict()))
            async with _intake(connector, sandbox_url) as intake:
                step(f"Front's webhooks now go to the host's intake at {intake}")
                await _ticket_flow(connection, step, out)
                await _settle(connector, sandbox_url)
            await connector.sync("demo", ["genericContact"])
            page_of_events = await connector.events(owner_id="demo")
            step("Unified events at GET /events (sync found the contact; webhooks the rest):")
            out(_dump([_event_line(e.to_json()) for e in page_of_events.data]))
    step(f"Demo finished in {time.perf_counter() - started:.1f} s")


async def _ticket_flow(connection: Connection, step: _Steps, out: Callable[[str], None]) -> None:
    """Inboxes as projects, a conversation as an issue, an internal comment, a status change."""
    projects = await connection.resources("ticketProject").list()
    step("ticketProject::list -> Front inboxes as projects (members are genericUser refs):")
    out(
        _dump(
            [
                {"id": p.id, "name": p.fields["name"], "members": len(p.fields["members"] or [])}
                for p in projects.data
            ]
        )
    )
    project = projects.data[0]
    issues = connection.resources("ticketIssue")
    issue = await issues.create(
        {
            "title": "Tent pole snapped on first pitch",
            "description": "Customer sent photos; replacement requested.",
            "project": {"object": "resourceRef", "model": "ticketProject", "id": project.id},
            "priority": "High",
        }
    )
    step(
        f"ticketIssue::create in {project.fields['name']!r} (priority is mapped from "
        "Front's 'Priority' custom field):"
    )
    out(_dump(issue.to_json()))

    comment = await connection.resources("ticketComment").create(
        {
            "issue": {"object": "resourceRef", "model": "ticketIssue", "id": issue.id},
            "content": "Checked stock: two replacement poles in the Portland store.",
            "isInternal": True,
        }
    )
    step("ticketComment::create (internal) -> a Front comment:")
    out(_dump(comment.to_json()))

    assignee = (await connection.resources("genericUser").list(limit=1)).data[0]
    updated = await issues.update(
        issue.id,
        {
            "status": "inProgress",
            "assignee": {"object": "resourceRef", "model": "genericUser", "id": assignee.id},
        },
    )
    step(f"ticketIssue::update: assigned to {assignee.fields['firstName']}, status inProgress:")
    out(_dump({k: updated.fields[k] for k in ("status", "assignee", "priority", "tags")}))

    again = await issues.retrieve(issue.id)
    comments = await connection.resources("ticketComment").list(filters={"issue": issue.id})
    step("ticketIssue::retrieve and its ticketComment::list, read back from Front:")
    out(_dump({"issue": again.to_json(), "comments": [c.to_json() for c in comments.data]}))


class _Steps:
    def __init__(self, out: Callable[[str], None]) -> None:
        self._out = out
        self._n = 0

    def __call__(self, text: str) -> None:
        self._n += 1
        self._out(f"\n[{self._n}] {text}")


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


async def _refresh_grants(sandbox_url: str) -> int:
    async with httpx.AsyncClient() as admin:
        stats = (await admin.get(f"{sandbox_url}/_sandbox/stats")).json()
    return int(stats["grants"]["refresh_token"])


@contextlib.asynccontextmanager
async def _intake(connector: FrontConnector, sandbox_url: str) -> AsyncIterator[str]:
    """The reference host in this event loop, the sandbox's application webhooks aimed at it."""
    app = create_app(connector)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}/webhooks/front"
    async with httpx.AsyncClient(timeout=30) as admin:
        answer = await admin.post(f"{sandbox_url}/_sandbox/webhooks", json={"url": url})
        answer.raise_for_status()
    try:
        yield url
    finally:
        server.should_exit = True
        await task


async def _settle(connector: FrontConnector, sandbox_url: str) -> None:
    """Wait until the sandbox sent its webhooks and the host turned them into events."""
    async with httpx.AsyncClient(timeout=30) as admin:
        await admin.post(f"{sandbox_url}/_sandbox/webhooks/drain", json={"timeout": 20})
    for _ in range(400):
        if (await connector.deliveries.counts())["pending"] == 0:
            return
        await asyncio.sleep(0.05)


def _event_line(event: dict[str, Any]) -> dict[str, Any]:
    shown = {k: event[k] for k in ("event", "id", "source", "idempotencyKey")}
    fields = (event.get("data") or {}).get("fields") or {}
    if "status" in fields:
        shown["status"] = fields["status"]
    return shown
