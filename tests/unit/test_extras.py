"""The extras a message names are the extras ``pyproject.toml`` declares, with their modules."""

from __future__ import annotations

import argparse
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from connector_front.cli import _parser
from connector_front.commands.extras import COMMAND_EXTRAS, OPTION_EXTRAS
from connector_front.extras import EXTRAS

PYPROJECT = tomllib.loads(
    (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
)
DECLARED: dict[str, list[str]] = PYPROJECT["project"]["optional-dependencies"]


def distribution(requirement: str) -> str:
    """``psycopg[binary]>=3.2,<4`` -> ``psycopg``."""
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return match.group(0).lower().replace("_", "-")


def test_each_extra_lists_the_distributions_of_its_modules() -> None:
    """Each module an extra names comes from a distribution that extra declares, and each
    distribution it declares brings one of those modules (a namespace package, such as
    opentelemetry, is shared by several)."""
    installs = packages_distributions()
    for extra, modules in EXTRAS.items():
        assert extra in DECLARED, f"extra {extra!r} is not in pyproject.toml"
        declared = {distribution(requirement) for requirement in DECLARED[extra]}
        providers = {
            module: {distribution(name) for name in installs[module]} for module in modules
        }
        for module, names in providers.items():
            assert names & declared, f"[{extra}] declares none of {names}, which bring {module}"
        brought = set().union(*providers.values())
        assert declared <= brought, f"[{extra}] declares {declared - brought}, unused"


def test_all_is_every_extra_the_plugin_can_use() -> None:
    (everything,) = DECLARED["all"]
    named = set(everything.partition("[")[2].rstrip("]").split(","))
    assert named == set(EXTRAS)


def test_no_core_dependency_belongs_to_an_extra() -> None:
    core = {distribution(requirement) for requirement in PYPROJECT["project"]["dependencies"]}
    for extra in EXTRAS:
        assert not core & {distribution(r) for r in DECLARED[extra]}, extra


def flags(parser: argparse.ArgumentParser) -> set[str]:
    """The options of ``parser`` and of every command below it."""
    found = {flag for action in parser._actions for flag in action.option_strings}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= flags(sub)
    return found


def test_the_tables_name_commands_and_options_that_exist() -> None:
    parser = _parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(COMMAND_EXTRAS) <= set(commands.choices)
    assert {f"--{option}" for option in OPTION_EXTRAS} <= flags(parser)
    assert set(COMMAND_EXTRAS.values()) | set(OPTION_EXTRAS.values()) <= set(EXTRAS)
