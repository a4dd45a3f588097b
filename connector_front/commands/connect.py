"""``connector-front connect OWNER --operations ...``: authorize a connection from the shell.

Creates the connection, prints the Front scopes its operations need and the authorization
URL, then waits for Front to send the customer back to the configured redirect URI (it
listens there when that URI is on this machine) or takes ``--code/--state``, and stores
the tokens in the settings' database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from connector_front.commands.help import DefaultsHelp
from connector_front.commands.listen import Named, listen
from connector_front.commands.targets import settings_for
from connector_front.errors import ConnectorError, InvalidInputError

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
REDIRECT_LISTENER = Named(
    host="redirect_uri (FRONT_REDIRECT_URI)",
    port="redirect_uri (FRONT_REDIRECT_URI) port",
    busy="stop that process, or run connect with --no-wait and finish with --code/--state",
)
"""What a message names when the redirect URI's address cannot be listened on."""


def register(commands: Any) -> None:
    """Add ``connect`` to the CLI's sub-commands."""
    parser = commands.add_parser(
        "connect",
        help="create a connection for an owner and authorize it with Front's OAuth",
        description="Create a connection for OWNER with the operations it needs, print the Front "
        "scopes they require and the authorization URL, wait for Front's redirect on the "
        "configured redirect URI (or take --code/--state), and store the tokens.",
        formatter_class=DefaultsHelp,
    )
    parser.add_argument("owner", help="connection owner id, e.g. customer-42")
    parser.add_argument(
        "--operations",
        nargs="+",
        metavar="MODEL::OP",
        help="operations the connection needs, e.g. genericContact::list (required unless "
        "--code/--state finish an authorization started earlier)",
    )
    parser.add_argument("--code", help="the code Front sent to the redirect URI")
    parser.add_argument("--state", help="the state Front sent to the redirect URI")
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="seconds to wait for Front's redirect"
    )
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="print the authorization URL and exit; finish later with --code/--state",
    )
    parser.add_argument("--config", default=None, help="settings file (TOML or JSON)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if bool(args.code) != bool(args.state):
        raise InvalidInputError("give both --code and --state, or neither", fields=["code"])
    if not args.code and not args.operations:
        raise InvalidInputError(
            "--operations is required: which operations the connection needs, e.g. "
            "--operations genericContact::list genericContact::update",
            fields=["operations"],
        )
    return asyncio.run(_connect(args))


async def _connect(args: argparse.Namespace) -> int:
    from connector_front.host.loader import load_connector

    settings = settings_for(args)
    listener = None if args.code else _redirect_listener(settings, args)
    connector = load_connector("front", settings)
    try:
        if args.code:
            owner = await connector.complete_authorization(args.code, args.state)
            _say({"ownerId": owner, "authorized": True})
            return 0
        return await _authorize(connector, args, listener)
    finally:
        if listener is not None:
            listener.close()
        await connector.aclose()


def _redirect_listener(settings: Any, args: argparse.Namespace) -> socket.socket | None:
    """The socket Front's redirect will reach, when connect waits for it (an http redirect URI
    on this machine, OAuth, no --no-wait). Bound before anything is made: a port in use
    leaves no connection and no file behind."""
    redirect = urlsplit(settings.redirect_uri)
    if not settings.uses_oauth or args.no_wait or redirect.scheme != "http":
        return None
    if redirect.hostname not in LOOPBACK:
        return None
    return listen(redirect.hostname or "", redirect.port or 80, REDIRECT_LISTENER)


async def _authorize(
    connector: Any, args: argparse.Namespace, listener: socket.socket | None
) -> int:
    """Create the connection and start its authorization; with a ``listener`` (bound on the
    redirect URI), wait there for Front's redirect."""
    connection = connector.connection(args.owner)
    details, authorization = await connection.create_and_authorize(args.operations)
    print(f"connection {args.owner}: {', '.join(details.operations)}", flush=True)
    scopes = ", ".join(details.required_scopes) or "none"
    print(f"Front scopes the OAuth app needs: {scopes}", flush=True)
    url = authorization.authorization_url
    if url is None:
        print("API token mode: the token is the authorization; nothing to approve", flush=True)
        _say({"ownerId": args.owner, "authorized": True})
        return 0
    print(f"authorization URL: {url}", flush=True)
    redirect_uri = connector.settings.redirect_uri
    if listener is None:
        print(
            "open the URL, approve, then finish with: connector-front connect "
            f"{args.owner} --code CODE --state STATE (from the redirect to {redirect_uri})",
            flush=True,
        )
        return 0
    print(
        f"waiting for Front's redirect to {redirect_uri} (up to {args.timeout:g} s; Ctrl-C to "
        "stop)",
        flush=True,
    )
    owner = await _wait_for_callback(connector, listener, args.timeout)
    _say({"ownerId": owner, "authorized": True})
    return 0


async def _wait_for_callback(connector: Any, listener: socket.socket, wait_seconds: float) -> str:
    """Serve the redirect URI's path on ``listener`` until Front sends the customer back; the
    owner authorized."""
    import uvicorn  # the host extra (commands.extras checks it before the command starts)
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    done: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def callback(request: Request) -> Response:
        params = request.query_params
        try:
            if params.get("error"):
                raise InvalidInputError(f"Front did not authorize: {params['error']}")
            code, state = params.get("code"), params.get("state")
            if not code or not state:
                raise InvalidInputError("the redirect carried no code and state")
            owner = await connector.complete_authorization(code, state)
        except ConnectorError as exc:
            if not done.done():
                done.set_exception(exc)
            return HTMLResponse(_page("Not connected", exc.message), status_code=exc.status)
        if not done.done():
            done.set_result(str(owner))
        return HTMLResponse(_page("Connected", "You can close this window."))

    path = urlsplit(connector.settings.redirect_uri).path or "/"
    app = Starlette(routes=[Route(path, callback, methods=["GET"])])
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        either: list[asyncio.Future[Any]] = [done, serving]
        async with asyncio.timeout(wait_seconds):
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        if not done.done():
            raise InvalidInputError("the redirect listener stopped before Front's redirect")
        return done.result()
    except TimeoutError:
        raise InvalidInputError(
            f"no redirect from Front within {wait_seconds:g} s; run connect again",
            fields=["timeout"],
        ) from None
    finally:
        server.should_exit = True
        await serving


def _page(title: str, text: str) -> str:
    from html import escape

    return f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(text)}"


def _say(result: dict[str, Any]) -> None:
    print(json.dumps(result), flush=True)
    sys.stdout.flush()
