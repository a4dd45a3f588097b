"""Unified events from Python: sync a connection, then read the event log.

Runs as is against an embedded sandbox Front: ``python examples/events.py``.
"""

import asyncio
import tempfile
from pathlib import Path

from connector_front.dev.embedded import EmbeddedSandbox, connect_owner


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with EmbeddedSandbox(Path(tmp) / "events.sqlite3") as env:
            connector = env.connector
            assert connector is not None
            await connect_owner(connector, "customer-42")  # every operation, ::events included

            await connector.sync("customer-42")  # the first pass records the baseline
            contacts = connector.connection("customer-42").resources("genericContact")
            created = await contacts.create({"email": "grace@example.com"})
            await contacts.update(created.id, {"lastName": "Hopper"})

            report = await connector.sync("customer-42", ["genericContact"])
            print("emitted:", report.to_json()["emitted"])

            page = await connector.events(owner_id="customer-42", model="genericContact")
            for event in page.data:
                print(event.event, event.id, event.source, event.idempotencyKey)
            # later: connector.events(after=page.next, ...) gives what came since


asyncio.run(main())
