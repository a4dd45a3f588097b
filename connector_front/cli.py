"""``connector-front``: demo, sandbox, serve, connect, connections, manifest, sync, webhooks,
status, keys, wait, mapping, resources.

JSON where programs read it. Each command is a module of ``commands/`` whose ``register`` adds
its sub-command (:data:`COMMANDS`, in the order ``--help`` lists them).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from connector_front import __version__
from connector_front.commands import (
    connect,
    connections,
    demo,
    keys,
    manifest,
    mapping,
    resources,
    sandbox,
    serve,
    status,
    sync,
    wait,
    webhooks,
)
from connector_front.commands.extras import check_extras
from connector_front.commands.stopping import Stopped, stopped_like_ctrl_c
from connector_front.errors import ConfigurationError, ConnectorError

COMMANDS = (
    demo,
    sandbox,
    serve,
    connect,
    connections,
    manifest,
    sync,
    webhooks,
    status,
    keys,
    wait,
    mapping,
    resources,
)
"""The CLI's commands, in the order ``--help`` lists them."""

USAGE_ERROR = 2
"""Exit status of a command that did not start: a flag, a setting, a port or a file to fix
(as argparse exits for a wrong command line)."""

FAILED = 1
"""Exit status of a command that ran and failed."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return USAGE_ERROR
    try:
        check_extras(args)
        with stopped_like_ctrl_c():
            result: int = args.handler(args)
        return result
    except ConnectorError as exc:
        print(f"error ({exc.code}): {exc.message}", file=sys.stderr)
        return USAGE_ERROR if isinstance(exc, ConfigurationError) else FAILED
    except Stopped as stop:
        return stop.exit_status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="connector-front", description="Front connector for unified-API hosts."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")
    for command in COMMANDS:
        command.register(commands)
    return parser


if __name__ == "__main__":
    sys.exit(main())
