"""``connector-front connections``: every connection, its operations and token health (JSON)."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from connector_front.commands.help import DefaultsHelp
from connector_front.commands.targets import settings_connector
from connector_front.health import iso as _iso
from connector_front.health import token_health


def register(commands: Any) -> None:
    """Add ``connections`` to the CLI's sub-commands."""
    parser = commands.add_parser(
        "connections",
        help="list connections, their operations and token health (JSON)",
        description="List the connections in the settings' database: owner, operations, the "
        "Front scopes they need, and whether the stored token is usable.",
        formatter_class=DefaultsHelp,
    )
    parser.add_argument("--config", default=None, help="settings file (TOML or JSON)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    print(json.dumps(asyncio.run(_list(args)), indent=2))
    return 0


async def _list(args: argparse.Namespace) -> dict[str, Any]:
    connector = settings_connector(args)
    try:
        data = []
        for info in await connector.connections.all():
            data.append(
                {
                    "ownerId": info.owner_id,
                    "operations": list(info.operations),
                    "requiredScopes": connector.registry.required_scopes(info.operations),
                    "createdAt": _iso(info.created_at),
                    "token": await _health(connector, info.owner_id),
                }
            )
        return {"object": "list", "data": data}
    finally:
        await connector.aclose()


async def _health(connector: Any, owner_id: str) -> dict[str, Any]:
    """What the stored token can do, never the token itself."""
    if not connector.settings.uses_oauth:
        return {"status": "api_token", "message": "calls use the configured Front API token"}
    health = token_health(await connector.tokens.get(owner_id), owner_id)
    command = f"connector-front connect {owner_id} --operations ..."
    if health["status"] == "missing":
        health["message"] = f"not authorized: run {command}"
    elif "re-authorize" in health.get("message", ""):
        health["message"] = f"re-authorize: {command}"
    return health
