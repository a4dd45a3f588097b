"""Field mapping per owner: two customers map one declared key onto their own Front fields.

Runs as is against an embedded sandbox Front: ``python examples/field_mapping.py``.
"""

import asyncio
import tempfile
from pathlib import Path

from connector_front.connector import FrontConnector
from connector_front.dev.embedded import connect_owner, sandbox_settings
from connector_front.sandbox import SandboxConfig, SandboxServer
from connector_front.settings import ConnectorSettings


async def two_owners(settings: ConnectorSettings) -> None:
    connector = FrontConnector(settings)  # declares ticketIssue "priority", default "Priority"
    operations = ["ticketIssue::retrieve", "ticketIssue::update"]
    for owner in ("acme", "globex"):
        await connect_owner(connector, owner, operations)  # the sandbox approves at once

    globex = connector.connection("globex")
    shown = await globex.set_field_mapping({"ticketIssue": {"priority": "Order number"}})
    issue = shown["models"]["ticketIssue"]
    print("globex's fields:", [(f["name"], f["type"]) for f in issue["customFields"]])
    print("globex maps priority to:", issue["keys"]["priority"]["mappedTo"]["name"])

    for owner, issue_id, value in (("acme", "cnv_s001", "High"), ("globex", "cnv_s002", "PO-7")):
        issues = connector.connection(owner).resources("ticketIssue")
        record = await issues.update(issue_id, {"priority": value})  # read back once written
        print(owner, "reads priority:", record.to_json()["fields"]["priority"])
    await connector.aclose()


if __name__ == "__main__":
    config = SandboxConfig()
    with SandboxServer(config) as sandbox, tempfile.TemporaryDirectory() as folder:
        settings = sandbox_settings(
            sandbox,
            config,
            Path(folder) / "mapping.sqlite3",
            field_mapping={"ticketIssue": {"priority": "Priority"}},
        )
        asyncio.run(two_owners(settings))
