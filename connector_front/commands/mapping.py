"""connector-front mapping show|set OWNER: how an owner maps the host's declared keys onto
its Front custom fields (JSON, as GET /connections/{ownerId}/field-mapping answers).

set OWNER MODEL.KEY=FIELD ... maps each key to a Front custom field (its name or id);
MODEL.KEY= (nothing after =) maps it to nothing for this owner; --default MODEL.KEY drops
the owner's choice, so the host's default applies again. Keys not named keep their mapping.
Front's custom fields are read to check every change. Options go before OWNER or after the
pairs, not between them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Sequence
from typing import Any

from connector_front.commands.help import DefaultsHelp
from connector_front.commands.targets import command_connector
from connector_front.errors import InvalidInputError


def register(commands: Any) -> None:
    mapping = commands.add_parser(
        "mapping",
        help="show or set how an owner maps the declared keys onto its Front custom fields",
        description=__doc__,
        formatter_class=DefaultsHelp,
    )
    actions = mapping.add_subparsers(title="actions", metavar="ACTION", required=True)
    show = actions.add_parser(
        "show",
        help="declared keys, the owner's choices, its Front custom fields and problems (JSON)",
        formatter_class=DefaultsHelp,
    )
    put = actions.add_parser(
        "set",
        help="map keys to the owner's Front custom fields (MODEL.KEY=FIELD; empty: not used)",
        formatter_class=DefaultsHelp,
    )
    for parser, run in ((show, _show), (put, _set)):
        parser.add_argument("owner", metavar="OWNER", help="the connection's owner id")
        parser.add_argument(
            "--config", default=None, help="settings file (TOML or JSON): its declared keys"
        )
        parser.add_argument(
            "--sandbox",
            action="store_true",
            help="an embedded sandbox Front (a fresh one each run, OWNER authorized)",
        )
        parser.set_defaults(handler=run)
    put.add_argument(
        "pairs", nargs="*", metavar="MODEL.KEY=FIELD", help="a key and a Front field name or id"
    )
    put.add_argument(
        "--default",
        action="append",
        default=[],
        metavar="MODEL.KEY",
        help="drop the owner's choice for this key: the host's default applies (repeatable)",
    )


def _show(args: argparse.Namespace) -> int:
    print(json.dumps(asyncio.run(_run(args, None)), indent=2, ensure_ascii=False))
    return 0


def _set(args: argparse.Namespace) -> int:
    if not args.pairs and not args.default:
        raise InvalidInputError(
            "name what to map: MODEL.KEY=FIELD (a Front custom field name or id), MODEL.KEY= "
            "(not used), or --default MODEL.KEY",
            fields=["pairs"],
        )
    changes = parse_pairs(args.pairs, args.default)
    print(json.dumps(asyncio.run(_run(args, changes)), indent=2, ensure_ascii=False))
    return 0


async def _run(
    args: argparse.Namespace, changes: dict[tuple[str, str], Change] | None
) -> dict[str, Any]:
    async with command_connector(args, args.owner) as connector:
        connection = connector.connection(args.owner)
        if changes is None:
            shown: dict[str, Any] = await connection.field_mapping()
            return shown
        current = await connection.field_mapping()
        changed: dict[str, Any] = await connection.set_field_mapping(
            merged(current["mapping"], changes)
        )
        return changed


class Default:
    """The change that drops the owner's choice (``--default``)."""


DEFAULT = Default()
Change = str | None | Default
"""A key's change: a Front field name or id, None (not used), or :data:`DEFAULT`."""


def parse_pairs(pairs: Sequence[str], defaults: Sequence[str]) -> dict[tuple[str, str], Change]:
    """(model, key) -> its change."""
    changes: dict[tuple[str, str], Change] = {}
    for pair in pairs:
        target, sep, field = pair.partition("=")
        changes[_key(target, pair, sep)] = field.strip() or None
    for target in defaults:
        changes[_key(target, target, "=")] = DEFAULT
    return changes


def _key(target: str, given: str, sep: str) -> tuple[str, str]:
    model, dot, key = target.strip().partition(".")
    if not sep or not dot or not model or not key:
        raise InvalidInputError(
            f"{given!r} must be MODEL.KEY=FIELD (such as ticketIssue.priority=Priority), "
            "MODEL.KEY= or --default MODEL.KEY",
            fields=["pairs"],
        )
    return model, key


def merged(
    current: dict[str, dict[str, str | None]], changes: dict[tuple[str, str], Change]
) -> dict[str, dict[str, str | None]]:
    """The owner's choices with ``changes`` applied (the whole mapping, as PUT takes it)."""
    body = {model: dict(keys) for model, keys in current.items()}
    for (model, key), value in changes.items():
        keys = body.setdefault(model, {})
        if isinstance(value, Default):
            keys.pop(key, None)
        else:
            keys[key] = value
    return body
