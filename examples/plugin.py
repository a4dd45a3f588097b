"""The plugin in a host: load it through its entry point and list a customer's contacts from
the Front the environment names (FRONT_API_BASE and FRONT_API_TOKEN; a sandbox Front's will do).
"""

import asyncio
from importlib.metadata import entry_points

from connector_front.settings import ConnectorSettings


async def main() -> None:
    (plugin,) = entry_points(group="unified_api.connectors", name="front")
    async with plugin.load()(ConnectorSettings.load()) as connector:  # a FrontConnector
        page = await connector.connection("acme").resources("genericContact").list(limit=3)
        for record in page.data:
            print(record.id, record.fields["firstName"], record.fields["email"])


asyncio.run(main())
