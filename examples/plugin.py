"""The plugin in a host: load it through its entry point and list a customer's contacts.

Runs as is against an embedded sandbox Front: ``python examples/plugin.py``.
"""

import asyncio
from importlib.metadata import entry_points

from connector_front.settings import ConnectorSettings


async def contacts(settings: ConnectorSettings) -> None:
    (plugin,) = entry_points(group="unified_api.connectors", name="front")
    connector = plugin.load()(settings)  # a FrontConnector
    page = await connector.connection("acme").resources("genericContact").list(limit=3)
    for record in page.data:
        print(record.id, record.fields["firstName"], record.fields["email"])
    await connector.aclose()


if __name__ == "__main__":  # a sandbox Front here; a host passes ConnectorSettings.load()
    import tempfile

    from connector_front.sandbox import SandboxConfig, SandboxServer

    with SandboxServer(SandboxConfig()) as front, tempfile.TemporaryDirectory() as folder:
        token, database = "sandbox-api-token", f"{folder}/plugin.sqlite3"
        settings = ConnectorSettings(api_base=front.url, api_token=token, database=database)
        asyncio.run(contacts(settings))
