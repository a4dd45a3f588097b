"""``connector-front demo``: the scripted tour against an embedded sandbox Front."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from connector_front.commands.help import add_command


def register(commands: Any) -> None:
    """Add ``demo`` to the CLI's sub-commands."""
    demo = add_command(commands, "demo", "scripted tour against an embedded sandbox Front")
    demo.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from connector_front.dev.demo import run_demo

    asyncio.run(run_demo())
    return 0
