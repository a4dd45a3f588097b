"""Quick start for host authors: load the connector, authorize a customer, list and update.

Runs as is against an embedded sandbox Front: ``python examples/quickstart.py``.
"""

import asyncio
import json
import tempfile
from importlib.metadata import entry_points
from pathlib import Path

from connector_front.dev.embedded import approve, sandbox_settings
from connector_front.sandbox import SandboxConfig, SandboxServer
from connector_front.settings import ConnectorSettings


async def quickstart(settings: ConnectorSettings) -> None:
    (plugin,) = entry_points(group="unified_api.connectors", name="front")
    connector = plugin.load()(settings)  # a FrontConnector

    connection = connector.connection("customer-42")  # one connection per owner
    details = await connection.create(operations=["genericContact::list", "genericContact::update"])
    print("the Front app needs:", details.required_scopes)  # ('contacts:read', 'contacts:write')
    url = (await connection.authorize()).authorization_url  # send the customer here
    code, state = await approve(url)  # the sandbox approves at once; Front calls your callback
    owner = await connector.complete_authorization(code, state)  # in your OAuth callback
    print("authorized:", owner)

    contacts = connection.resources("genericContact")
    page = await contacts.list(limit=50, filters={"updatedAfter": "2024-02-01T00:00:00Z"})
    record = await contacts.update(page.data[0].id, {"lastName": "King"})
    print(json.dumps(record.to_json(), indent=2))
    await connector.aclose()


if __name__ == "__main__":
    config = SandboxConfig()
    with SandboxServer(config) as sandbox, tempfile.TemporaryDirectory() as folder:
        settings = sandbox_settings(sandbox, config, Path(folder) / "quickstart.sqlite3")
        asyncio.run(quickstart(settings))
