"""``connector-front``: demo, sandbox, serve, connect, connections, manifest, resources, sync,
webhooks, keys, mapping.

JSON where programs read it. Commands with more than a few lines live in ``commands/``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from connector_front.commands import connect as connect_command
from connector_front.commands import connections as connections_command
from connector_front.commands import keys as keys_command
from connector_front.commands import mapping as mapping_command
from connector_front.commands import sandbox as sandbox_command
from connector_front.commands import status as status_command
from connector_front.commands import sync, wait, webhooks
from connector_front.commands.addresses import is_loopback
from connector_front.commands.help import DefaultsHelp
from connector_front.commands.list_all import walk_all
from connector_front.commands.listen import bound_port, listen
from connector_front.commands.stopping import Stopped, stopped_like_ctrl_c
from connector_front.commands.targets import (
    DEFAULT_OWNER,
    add_target_options,
    command_connector,
    config_settings,
    settings_connector,
    settings_for,
)
from connector_front.errors import ConfigurationError, ConnectorError, InvalidInputError

HELP = DefaultsHelp
"""Every command's --help shows its defaults."""


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
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    demo = _command(commands, "demo", "scripted tour against an embedded sandbox Front")
    demo.set_defaults(handler=_demo)

    sandbox_command.add_parser(commands)

    serve = _command(commands, "serve", "run the reference host (HTTP) on a Front or a sandbox")
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument(
        "--sync-interval",
        type=float,
        default=None,
        metavar="SECONDS",
        help="seconds between background event-sync passes (when not given: the sync_interval "
        "setting, 60; 0 = off)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="host processes sharing the port and the database (more than 1: not with "
        "--sandbox; use a PostgreSQL database for real load)",
    )
    serve.add_argument(
        "--log-format",
        choices=("text", "json"),
        default=None,
        help="the log's format: text lines, or one JSON object a line (when not given: the "
        "log_format setting, text)",
    )
    serve.add_argument(
        "--metrics-port",
        type=int,
        default=None,
        metavar="PORT",
        help="also answer GET /metrics on this port, without the host key (when not given: "
        "the metrics_port setting; none)",
    )
    add_target_options(serve)
    serve.set_defaults(handler=_serve)

    connect_command.add_parser(commands)
    connections_command.add_parser(commands)

    manifest = _command(commands, "manifest", "print the connector manifest (JSON)")
    manifest.add_argument(
        "--markdown", action="store_true", help="print the coverage table for the README instead"
    )
    manifest.add_argument(
        "--config",
        type=Path,
        default=None,
        help="settings file: adds its custom_models and its declared keys (field_mapping, "
        "field_keys)",
    )
    manifest.set_defaults(handler=_manifest)

    sync.register(commands)
    webhooks.register(commands)
    status_command.register(commands)
    keys_command.register(commands)
    wait.register(commands)
    mapping_command.register(commands)

    resources = _command(commands, "resources", "CRUD on unified models from the shell (JSON)")
    actions = resources.add_subparsers(title="actions", metavar="ACTION", required=True)
    for action, summary, needs_id, needs_fields in (
        ("list", "list records of a unified model: one page, or every page with --all", 0, 0),
        ("get", "retrieve one record by id", 1, 0),
        ("create", "create a record from --fields", 0, 1),
        ("update", "change the --fields of a record", 1, 1),
        ("delete", "delete a record", 1, 0),
    ):
        sub = _command(actions, action, summary)
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
        sub.set_defaults(handler=_resources, action=action)
    return parser


def _command(commands: Any, name: str, summary: str) -> argparse.ArgumentParser:
    """A subcommand with its one-line summary (in the parent's list and in its own --help)."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, description=summary[0].upper() + summary[1:] + ".", formatter_class=HELP
    )
    return parser


def _demo(args: argparse.Namespace) -> int:
    from connector_front.dev.demo import run_demo

    asyncio.run(run_demo())
    return 0


def _manifest(args: argparse.Namespace) -> int:
    from connector_front.dev.coverage import events_section, readme_section
    from connector_front.field_mapping.declared import declarations
    from connector_front.manifest import build_manifest
    from connector_front.registry import ModelRegistry, load_mapper

    registry = ModelRegistry()
    settings = config_settings(args)
    declared = None
    if settings is not None:
        for spec in settings.custom_models:
            registry.register(load_mapper(spec, settings.module_dirs))
        fields_of = registry.field_annotations()
        declared = declarations(settings.field_mapping, settings.field_keys, fields_of)
    manifest = build_manifest(registry, declared)
    if args.markdown:
        print(readme_section(manifest))
        print()
        print(events_section())
    else:
        print(json.dumps(manifest.model_dump(mode="json"), indent=2))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from connector_front.commands.operating import (
        metrics_listener,
        metrics_socket,
        notice,
        serving_logs,
    )
    from connector_front.commands.workers import check_workers, hand_over, run_workers
    from connector_front.host import create_app

    loaded = settings_for(args)
    args.log_format = serving_logs(args.log_format or loaded.log_format)
    check_workers(args.workers, sandbox=args.sandbox, settings=loaded)
    note = _exposure(args.host, loaded.host_keys)
    if not args.sandbox:
        loaded.require_credentials()  # a host that could reach no Front does not start
    args.metrics_port = args.metrics_port or loaded.metrics_port
    listener = listen(args.host, args.port)  # before any banner or database file
    args.port = bound_port(listener)
    args.metrics_socket = metrics_socket(args.host, args.metrics_port)
    connector = None if args.sandbox else settings_connector(args)  # checks the database
    if note:
        notice(note)
    if args.workers > 1:
        listener.close()  # uvicorn's supervisor binds it again, for its workers
        hand_over(args, loaded)
        with metrics_listener(loaded, args.metrics_socket, workers=True):
            run_workers(args, args.workers)
        return 0
    if connector is None:
        return _serve_on_sandbox(args, loaded, listener)
    asyncio.run(_open_database(connector))
    jobs = sync.serve_jobs(args.sync_interval, connector)
    _serve_app(create_app(connector, default_owner=args.owner, background=jobs), args, listener)
    return 0


async def _open_database(connector: Any) -> None:
    """Reach the database and migrate it before serving: a server that cannot be reached is
    said at once, as a configuration error, not in a failed server start."""
    await connector.database.opened()
    await connector.database.close()


def _serve_on_sandbox(args: argparse.Namespace, loaded: Any, listener: socket.socket) -> int:
    """The host on an embedded sandbox: the config's and environment's own settings kept (host
    key, limits, field mapping, custom models), the sandbox's webhooks aimed at the intake."""
    from connector_front.commands.operating import notice
    from connector_front.commands.sandbox import describe
    from connector_front.dev.embedded import (
        connect_owner,
        intake_url,
        sandbox_settings,
        webhook_secret,
    )
    from connector_front.host import create_app
    from connector_front.host.loader import load_connector
    from connector_front.sandbox import SandboxConfig, SandboxServer

    callback = f"http://{args.host}:{args.port}/oauth/callback"
    config = SandboxConfig(webhook_url=intake_url(args.host, args.port), redirect_uris=[callback])
    config.webhook_secret = webhook_secret() or config.webhook_secret
    owner = args.owner or DEFAULT_OWNER
    with (
        tempfile.TemporaryDirectory(prefix="connector-front-serve-") as tmp,
        SandboxServer(config, host="127.0.0.1", port=0) as sandbox,
    ):
        settings = sandbox_settings(
            sandbox,
            config,
            Path(tmp) / "host.sqlite3",
            redirect_uri=callback,
            base=loaded,
        )
        connector = load_connector("front", settings)
        if args.log_format == "json":  # a log keeps no credentials: the text banner has them
            notice(f"embedded sandbox Front on {sandbox.url} (its OAuth app and API token: "
                   "see `connector-front serve --sandbox` with the text log)")  # fmt: skip
        else:
            notice(f"embedded {describe(sandbox.url, config)}")

        async def preauthorize(plugin: Any) -> None:
            await connect_owner(plugin, owner)
            jobs = sync.serve_jobs(args.sync_interval, plugin)
            if jobs:  # the first (baseline) pass before requests, so later changes are events
                await plugin.sync(owner)
            company = await plugin.connection(owner).company()
            sandbox.state.configure(interactive_consent=True)  # a person sees the consent page
            # printed last: the host starts listening right after this
            notice(
                f"the sandbox's webhooks (company {company}) go to {config.webhook_url}; events "
                f"at http://{args.host}:{args.port}/events"
            )
            notice(connect_page_line(plugin, f"http://{args.host}:{args.port}"))
            notice(f"owner {owner!r} authorized on the sandbox at {sandbox.url}")

        app = create_app(
            connector,
            default_owner=owner,
            on_startup=preauthorize,
            background=sync.serve_jobs(args.sync_interval, connector),
        )
        _serve_app(app, args, listener)
    return 0


CONNECT_OWNER = "customer-1"
"""The owner ``serve --sandbox``'s ready connect page session is for."""


def connect_page_line(connector: Any, base: str) -> str:
    """The connect page's URL with a fresh session for :data:`CONNECT_OWNER`, offering every
    supported operation, and how long it is valid."""
    offered = [op.id for model in connector.manifest().models for op in model.operations
               if op.supported]  # fmt: skip
    token, _ = connector.sessions.issue(CONNECT_OWNER, offered)
    minutes = connector.sessions.ttl / 60
    return (
        f"connect page for owner {CONNECT_OWNER!r} (valid {minutes:g} min; POST "
        f"/connect/sessions makes more): {base}/connect?session={token}"
    )


def _serve_app(app: Any, args: argparse.Namespace, listener: socket.socket) -> None:
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    from connector_front.commands.operating import metrics_listener
    from connector_front.host.protocol import host_protocol
    from connector_front.ops.logs import logging_config

    protocol = host_protocol(app.state.host_config.header_timeout)
    logs = logging_config(args.log_format)
    settings = app.state.connector.settings
    with (
        metrics_listener(settings, args.metrics_socket, workers=False),
        contextlib.suppress(KeyboardInterrupt),  # Ctrl-C or kill, raised again by uvicorn
    ):
        # made after the metrics server's: a uvicorn.Config sets the uvicorn loggers up anew
        config = uvicorn.Config(
            app,
            host=args.host,
            port=args.port,
            log_level="info",
            http=protocol,
            log_config=LOGGING_CONFIG if logs is None else logs,
        )
        uvicorn.Server(config).run(sockets=[listener])  # after its graceful shutdown: done


def _exposure(address: str, keys: Sequence[str]) -> str | None:
    """Without a host key, serve loopback only (the note to print says it runs open); else
    refuse to start."""
    if keys:
        return None
    if not is_loopback(address):
        raise ConfigurationError(
            f"refusing to serve on {address} without a host key: anyone who reaches it could "
            "act for every connection. Set CONNECTOR_FRONT_HOST_KEY (callers then send "
            "'Authorization: Bearer <key>'), or serve on 127.0.0.1"
        )
    return (
        f"no CONNECTOR_FRONT_HOST_KEY set: the host on {address} is open to every caller on "
        "this machine (loopback only)"
    )


def _resources(args: argparse.Namespace) -> int:
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


if __name__ == "__main__":
    sys.exit(main())
