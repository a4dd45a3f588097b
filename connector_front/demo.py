"""The main job: a scripted tour of the connector against an embedded sandbox Front."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from connector_front.embedded import EmbeddedSandbox, approve
from connector_front.errors import ConnectorError
from connector_front.sandbox import SandboxConfig

OPERATIONS = [
    "genericContact::list",
    "genericContact::retrieve",
    "genericContact::create",
    "genericContact::update",
    "genericContact::delete",
]
FIELD_MAPPING = {"genericContact": {"tier": "Loyalty tier"}}


async def run_demo(out: Callable[[str], None] = print) -> None:
    """Connect, authorize, list / create / update / retrieve / delete, refresh a token."""
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
            step("genericContact::create (Front's custom field 'Loyalty tier' is mapped to 'tier'):")
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

            await contacts.delete(created.id)
            step("genericContact::delete -> done; retrieving it again gives a unified error:")
            try:
                await contacts.retrieve(created.id)
            except ConnectorError as exc:
                out(_dump(exc.to_dict()))
    step(f"Demo finished in {time.perf_counter() - started:.1f} s")


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
