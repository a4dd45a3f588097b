"""Which Front a command talks to: settings from ``--config`` (and the environment)."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from connector_front.settings import ConnectorSettings

DEFAULT_OWNER = "demo"
"""The owner a command acts for when ``--owner`` is not given."""


def config_settings(args: argparse.Namespace) -> ConnectorSettings | None:
    """The settings of ``--config FILE``, or None when no file was given."""
    path = getattr(args, "config", None)
    return ConnectorSettings.load(path) if path else None


def settings_for(args: argparse.Namespace) -> ConnectorSettings:
    """Settings from ``--config`` and the environment, with ``--api-base/--api-token`` on top."""
    flags = {name: getattr(args, name, None) for name in ("api_base", "api_token")}
    given = {name: value for name, value in flags.items() if value}
    return ConnectorSettings.load(getattr(args, "config", None), **given)


def settings_connector(args: argparse.Namespace) -> Any:
    """The connector for those settings, loaded through its entry point as a host would."""
    from connector_front.host.loader import load_connector

    return load_connector("front", settings_for(args))


@asynccontextmanager
async def command_connector(args: argparse.Namespace, owner: str) -> AsyncIterator[Any]:
    """The connector a command talks to, closed after: with ``--sandbox`` one on a fresh
    embedded sandbox with ``owner`` authorized, else the configured one."""
    if not getattr(args, "sandbox", False):
        connector = settings_connector(args)
        try:
            yield connector
        finally:
            await connector.aclose()
        return
    from connector_front.dev.embedded import EmbeddedSandbox, connect_owner

    with tempfile.TemporaryDirectory(prefix="connector-front-cli-") as tmp:
        database = Path(tmp) / "cli.sqlite3"
        async with EmbeddedSandbox(database, settings=config_settings(args)) as env:
            assert env.connector is not None
            await connect_owner(env.connector, owner)
            yield env.connector


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """``--sandbox``, ``--config``, ``--api-base``, ``--api-token`` and ``--owner``."""
    group = parser.add_argument_group("which Front")
    group.add_argument(
        "--sandbox", action="store_true", help="an embedded sandbox Front (a fresh one each run)"
    )
    group.add_argument(
        "--config",
        type=Path,
        default=None,
        help="settings file (TOML or JSON); with --sandbox its field_mapping, custom_models, "
        "timeout and max_attempts apply",
    )
    group.add_argument("--api-base", default=None, help="any Front-compatible API base URL")
    group.add_argument("--api-token", default=None, help="a Front API token (instead of OAuth)")
    group.add_argument(
        "--owner", default=None, help=f"connection owner id (when not given: {DEFAULT_OWNER})"
    )
