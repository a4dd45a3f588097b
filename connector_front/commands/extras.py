"""Which commands need which extra: checked before a command starts, so a missing one is named
(``pip install 'connector-front[host]'``) instead of failing halfway in a traceback."""

from __future__ import annotations

import argparse

from connector_front.extras import require_extra

COMMAND_EXTRAS: dict[str, str] = {
    "demo": "host",  # an embedded sandbox Front and the reference host
    "sandbox": "host",
    "serve": "host",
    "connect": "host",  # listens for Front's redirect
    "sync": "host",  # its progress display
    "status": "host",  # reads the host's Prometheus metrics; a table on a terminal
}
"""The commands that need more than the plugin's own install. The others (manifest,
resources, connections, keys, webhooks, wait, mapping) run on the core install. Traces (the
otel extra) are optional everywhere: without them the host says so and serves."""

OPTION_EXTRAS: dict[str, str] = {
    "sandbox": "host",  # --sandbox: an embedded sandbox Front
}
"""Options that need an extra whichever command they are given to."""


def check_extras(args: argparse.Namespace) -> None:
    """Raise MissingExtraError when the parsed command, or one of its options, needs an extra
    that is not installed."""
    command = args.command
    needs = (
        [(COMMAND_EXTRAS[command], f"connector-front {command}")]
        if command in COMMAND_EXTRAS
        else []
    )
    needs += [
        (extra, f"connector-front {command} --{option}")
        for option, extra in OPTION_EXTRAS.items()
        if getattr(args, option, False)
    ]
    for extra, needed_by in needs:
        require_extra(extra, needed_by)
