"""``--help`` that shows each option's default, where it has a meaningful one, and the one way a
command module adds its sub-command (:func:`add_command`, called from its ``register``)."""

from __future__ import annotations

import argparse
from typing import Any

NO_DEFAULT: tuple[object, ...] = (None, False, [], argparse.SUPPRESS)


class DefaultsHelp(argparse.HelpFormatter):
    """Appends ``(default: X)`` to options whose default is not None, False or empty."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if action.option_strings and action.default not in NO_DEFAULT and "%(default)" not in text:
            text += " (default: %(default)s)"
        return text


def add_command(commands: Any, name: str, summary: str) -> argparse.ArgumentParser:
    """A subcommand with its one-line summary (in the parent's list and in its own --help)."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        formatter_class=DefaultsHelp,
    )
    return parser
