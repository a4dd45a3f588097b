"""``connector-front connections``: every connection, its operations and token health (JSON)."""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from datetime import UTC, datetime
from typing import Any

from connector_front.commands.help import DefaultsHelp
from connector_front.commands.targets import settings_connector

REFRESH_AHEAD = 300.0
"""Seconds before expiry when a token counts as expiring (it refreshes on the next call)."""


def add_parser(commands: Any) -> None:
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
    tokens = await connector.tokens.get(owner_id)
    if tokens is None:
        return {
            "status": "missing",
            "message": f"not authorized: run connector-front connect {owner_id} --operations ...",
        }
    health: dict[str, Any] = {
        "expiresAt": _iso(tokens.expires_at),
        "refreshable": tokens.refresh_token is not None,
    }
    if not tokens.expires_within(0, now=time.time()):
        expiring = tokens.expires_within(REFRESH_AHEAD)
        health["status"] = "expiring" if expiring else "valid"
    elif tokens.refresh_token is not None:
        health["status"] = "expired"
        health["message"] = "refreshes on the next call"
    else:
        health["status"] = "expired"
        health["message"] = f"re-authorize: connector-front connect {owner_id} --operations ..."
    return health


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat().replace("+00:00", "Z")
