"""``connector-front serve``: the reference host over HTTP, on a Front (the settings' OAuth
app or API token) or on an embedded sandbox Front (``--sandbox``), in one process or several
workers. Without a host key it serves loopback only."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from connector_front.commands import sync
from connector_front.commands.addresses import is_loopback
from connector_front.commands.help import add_command
from connector_front.commands.listen import bound_port, listen
from connector_front.commands.targets import (
    DEFAULT_OWNER,
    add_target_options,
    settings_connector,
    settings_for,
)
from connector_front.errors import ConfigurationError


def register(commands: Any) -> None:
    """Add ``serve`` to the CLI's sub-commands."""
    serve = add_command(commands, "serve", "run the reference host (HTTP) on a Front or a sandbox")
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
    serve.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
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
