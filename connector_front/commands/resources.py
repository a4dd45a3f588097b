"""``connector-front resources``: list, get, create, update and delete records of a unified
model from the shell, as one owner; JSON out (JSON lines for ``list --all``)."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Sequence
from typing import Any

from connector_front.commands.help import add_command
from connector_front.commands.list_all import walk_all
from connector_front.commands.targets import DEFAULT_OWNER, add_target_options, command_connector
from connector_front.errors import InvalidInputError


def register(commands: Any) -> None:
    """Add ``resources`` and its actions to the CLI's sub-commands."""
    resources = add_command(commands, "resources", "CRUD on unified models from the shell (JSON)")
    actions = resources.add_subparsers(title="actions", metavar="ACTION", required=True)
    for action, summary, needs_id, needs_fields in (
        ("list", "list records of a unified model: one page, or every page with --all", 0, 0),
        ("get", "retrieve one record by id", 1, 0),
        ("create", "create a record from --fields", 0, 1),
        ("update", "change the --fields of a record", 1, 1),
        ("delete", "delete a record", 1, 0),
    ):
        sub = add_command(actions, action, summary)
        sub.add_argument("model", help="unified model, e.g. genericContact")
        if needs_id:
            sub.add_argument("id", help="record id")
        if needs_fields:
            sub.add_argument(
                "--fields", required=True, help='JSON object, e.g. \'{"email": "a@b.co"}\''
            )
        if action == "list":
            sub.add_argument("--limit", type=int, default=None, help="records per page (1-100)")
            sub.add_argument("--cursor", default=None, help="the 'next' of a previous page")
            sub.add_argument(
                "--filter", action="append", default=[], metavar="NAME=VALUE", help="a filter"
            )
            sub.add_argument(
                "--all",
                action="store_true",
                help="walk every page: JSON lines on stdout, and a progress line on stderr "
                "when it is a terminal",
            )
            sub.add_argument(
                "--omit",
                action="append",
                default=[],
                metavar="FIELD",
                help="leave a field out (repeatable or comma-separated); a related field left "
                "out (ticketIssue project, ticketProject members) costs no request",
            )
        if action in ("list", "get"):
            sub.add_argument("--raw", action="store_true", help="include Front's rawResource")
        if action == "delete":
            sub.add_argument("--permanent", action="store_true", help="delete for good")
        add_target_options(sub)
        sub.set_defaults(handler=run, action=action)


def run(args: argparse.Namespace) -> int:
    result = asyncio.run(_run_resources(args))
    if result is not None:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


async def _run_resources(args: argparse.Namespace) -> Any:
    owner = args.owner or DEFAULT_OWNER
    async with command_connector(args, owner) as connector:
        return await _call(connector, owner, args)


def _names(values: list[str]) -> list[str]:
    """``--omit a --omit b,c`` as ["a", "b", "c"]."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


async def _call(connector: Any, owner: str, args: argparse.Namespace) -> Any:
    resources = connector.connection(owner).resources(args.model)
    if args.action == "list" and args.all:
        filters = _filters(args.filter)
        await walk_all(
            resources,
            limit=args.limit,
            cursor=args.cursor,
            filters=filters,
            raw=args.raw,
            omit=_names(args.omit),
        )
        return None
    if args.action == "list":
        page = await resources.list(
            limit=args.limit,
            cursor=args.cursor,
            filters=_filters(args.filter),
            raw=args.raw,
            omit=_names(args.omit),
        )
        return page.to_json()
    if args.action == "get":
        return (await resources.retrieve(args.id, raw=args.raw)).to_json()
    if args.action == "create":
        return (await resources.create(_fields(args.fields))).to_json()
    if args.action == "update":
        return (await resources.update(args.id, _fields(args.fields))).to_json()
    await resources.delete(args.id, permanent=args.permanent)
    return None


def _fields(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"--fields is not valid JSON: {exc}", fields=["fields"]) from None


def _filters(pairs: Sequence[str]) -> dict[str, str]:
    filters = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise InvalidInputError(f"--filter {pair!r} must be NAME=VALUE", fields=["filter"])
        filters[name] = value
    return filters
