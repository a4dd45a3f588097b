"""``connector-front``: demo, sandbox, serve, manifest, resources. JSON where programs read it."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from connector_front.errors import ConfigurationError, ConnectorError, InvalidInputError

DEFAULT_OWNER = "demo"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        result: int = args.handler(args)
        return result
    except ConnectorError as exc:
        print(f"error ({exc.code}): {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="connector-front", description="Front connector for unified-API hosts."
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    demo = commands.add_parser("demo", help="scripted tour against an embedded sandbox Front")
    demo.set_defaults(handler=_demo)

    sandbox = commands.add_parser("sandbox", help="run a sandbox Front on a port")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8081)
    sandbox.add_argument("--rate-limit", type=int, default=None, help="requests per window")
    sandbox.add_argument("--token-ttl", type=float, default=3600.0, help="access token seconds")
    sandbox.set_defaults(handler=_sandbox)

    serve = commands.add_parser("serve", help="run the reference host")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    _add_target_options(serve)
    serve.set_defaults(handler=_serve)

    manifest = commands.add_parser("manifest", help="print the connector manifest (JSON)")
    manifest.add_argument(
        "--markdown", action="store_true", help="print the coverage table for the README instead"
    )
    manifest.set_defaults(handler=_manifest)

    resources = commands.add_parser("resources", help="CRUD on unified models from the shell")
    actions = resources.add_subparsers(title="actions", metavar="ACTION", required=True)
    for action, needs_id, needs_fields in (
        ("list", False, False),
        ("get", True, False),
        ("create", False, True),
        ("update", True, True),
        ("delete", True, False),
    ):
        sub = actions.add_parser(action, help=f"{action} records of a unified model")
        sub.add_argument("model", help="unified model, e.g. genericContact")
        if needs_id:
            sub.add_argument("id", help="record id")
        if needs_fields:
            sub.add_argument(
                "--fields", required=True, help='JSON object, e.g. \'{"email": "a@b.co"}\''
            )
        if action == "list":
            sub.add_argument("--limit", type=int, default=None)
            sub.add_argument("--cursor", default=None)
            sub.add_argument("--filter", action="append", default=[], metavar="NAME=VALUE")
        if action in ("list", "get"):
            sub.add_argument("--raw", action="store_true", help="include Front's rawResource")
        if action == "delete":
            sub.add_argument("--permanent", action="store_true")
        _add_target_options(sub)
        sub.set_defaults(handler=_resources, action=action)
    return parser


def _add_target_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("which Front")
    group.add_argument("--sandbox", action="store_true", help="an embedded sandbox Front")
    group.add_argument("--config", type=Path, default=None, help="settings file (TOML or JSON)")
    group.add_argument("--api-base", default=None, help="any Front-compatible API base URL")
    group.add_argument("--api-token", default=None, help="a Front API token (instead of OAuth)")
    group.add_argument("--owner", default=None, help="connection owner id")


def _demo(args: argparse.Namespace) -> int:
    from connector_front.demo import run_demo

    asyncio.run(run_demo())
    return 0


def _sandbox(args: argparse.Namespace) -> int:
    from connector_front.sandbox import SandboxConfig, serve

    config = SandboxConfig(rate_limit=args.rate_limit, access_token_ttl=args.token_ttl)
    print(
        f"sandbox Front on http://{args.host}:{args.port} (client id {config.client_id})",
        file=sys.stderr,
    )
    serve(config, args.host, args.port)
    return 0


def _manifest(args: argparse.Namespace) -> int:
    from connector_front.coverage import readme_section
    from connector_front.manifest import build_manifest
    from connector_front.registry import ModelRegistry

    manifest = build_manifest(ModelRegistry())
    if args.markdown:
        print(readme_section(manifest))
    else:
        print(json.dumps(manifest.model_dump(mode="json"), indent=2))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from connector_front.host import create_app
    from connector_front.settings import HOST_SETTINGS

    loaded = _loaded_settings(args)
    _check_exposure(args.host, loaded.host_keys)
    host_settings = {name: getattr(loaded, name) for name in HOST_SETTINGS}
    if args.sandbox:
        return _serve_sandbox(args, host_settings)
    _serve_app(create_app(_settings_connector(args), default_owner=args.owner), args)
    return 0


def _serve_sandbox(args: argparse.Namespace, host_settings: dict[str, Any]) -> int:
    from connector_front.embedded import connect_owner, sandbox_settings
    from connector_front.host import create_app
    from connector_front.host.loader import load_connector
    from connector_front.sandbox import SandboxConfig, SandboxServer
    from connector_front.settings import ConnectorSettings

    config = SandboxConfig()
    owner = args.owner or DEFAULT_OWNER
    with (
        tempfile.TemporaryDirectory(prefix="connector-front-serve-") as tmp,
        SandboxServer(config, host="127.0.0.1", port=0) as sandbox,
    ):
        settings = sandbox_settings(
            sandbox,
            config,
            Path(tmp) / "host.sqlite3",
            redirect_uri=f"http://{args.host}:{args.port}/oauth/callback",
        )
        settings = ConnectorSettings.model_validate({**dict(settings), **host_settings})
        connector = load_connector("front", settings)

        async def preauthorize(plugin: Any) -> None:
            await connect_owner(plugin, owner)
            print(f"owner {owner!r} authorized on the sandbox at {sandbox.url}", file=sys.stderr)

        _serve_app(create_app(connector, default_owner=owner, on_startup=preauthorize), args)
    return 0


def _serve_app(app: Any, args: argparse.Namespace) -> None:
    import uvicorn

    from connector_front.host.protocol import host_protocol

    protocol = host_protocol(app.state.host_config.header_timeout)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", http=protocol)


def _loaded_settings(args: argparse.Namespace) -> Any:
    """Settings from the config file and the environment (the host's key and limits)."""
    from connector_front.settings import ConnectorSettings

    return ConnectorSettings.load(args.config)


def _check_exposure(address: str, keys: Sequence[str]) -> None:
    """Without a host key, serve loopback only (and say it runs open); else refuse to start."""
    if keys:
        return
    if not _is_loopback(address):
        raise ConfigurationError(
            f"refusing to serve on {address} without a host key: anyone who reaches it could "
            "act for every connection. Set CONNECTOR_FRONT_HOST_KEY (callers then send "
            "'Authorization: Bearer <key>'), or serve on 127.0.0.1"
        )
    print(
        f"no CONNECTOR_FRONT_HOST_KEY set: the host on {address} is open to every caller on "
        "this machine (loopback only)",
        file=sys.stderr,
    )


def _is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def _settings_connector(args: argparse.Namespace) -> Any:
    from connector_front.host.loader import load_connector
    from connector_front.settings import ConnectorSettings

    settings = ConnectorSettings.load(args.config)
    updates: dict[str, Any] = {}
    if args.api_base:
        updates["api_base"] = args.api_base
    if args.api_token:
        updates["api_token"] = args.api_token
    if updates:
        settings = ConnectorSettings.model_validate({**settings.model_dump(), **updates})
    return load_connector("front", settings)


def _resources(args: argparse.Namespace) -> int:
    result = asyncio.run(_run_resources(args))
    if result is not None:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


async def _run_resources(args: argparse.Namespace) -> Any:
    if args.sandbox:
        from connector_front.embedded import EmbeddedSandbox, connect_owner

        with tempfile.TemporaryDirectory(prefix="connector-front-cli-") as tmp:
            async with EmbeddedSandbox(Path(tmp) / "cli.sqlite3") as env:
                assert env.connector is not None
                owner = args.owner or DEFAULT_OWNER
                await connect_owner(env.connector, owner)
                return await _call(env.connector, owner, args)
    connector = _settings_connector(args)
    try:
        return await _call(connector, args.owner or DEFAULT_OWNER, args)
    finally:
        await connector.aclose()


async def _call(connector: Any, owner: str, args: argparse.Namespace) -> Any:
    resources = connector.connection(owner).resources(args.model)
    if args.action == "list":
        page = await resources.list(
            limit=args.limit, cursor=args.cursor, filters=_filters(args.filter), raw=args.raw
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
