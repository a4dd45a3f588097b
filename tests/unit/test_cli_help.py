"""Every command's ``--help``: plain text a user reads, naming only options that exist."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from connector_front.cli import _parser


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Each parser of the CLI with its command path (the top one's is empty)."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*path, name))


def options(parser: argparse.ArgumentParser) -> set[str]:
    """The options of ``parser`` and of every command below it."""
    return {flag for _, one in commands(parser) for a in one._actions for flag in a.option_strings}


COMMANDS = dict(commands(_parser()))


@pytest.mark.parametrize("path", list(COMMANDS), ids=lambda path: " ".join(path) or "top")
def test_help_is_plain_text_naming_only_options_that_exist(path: tuple[str, ...]) -> None:
    parser = COMMANDS[path]
    text = parser.format_help()
    assert "``" not in text, f"markup in `{' '.join(path)} --help`"
    named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", text))
    assert named <= options(parser), f"`{' '.join(path)} --help` names {named - options(parser)}"
