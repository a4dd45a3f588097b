"""``--help`` that shows each option's default, where it has a meaningful one."""

from __future__ import annotations

import argparse

NO_DEFAULT: tuple[object, ...] = (None, False, [], argparse.SUPPRESS)


class DefaultsHelp(argparse.HelpFormatter):
    """Appends ``(default: X)`` to options whose default is not None, False or empty."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if action.option_strings and action.default not in NO_DEFAULT and "%(default)" not in text:
            text += " (default: %(default)s)"
        return text
