"""``connector-front``: demo, sandbox, serve, manifest, sync, resources. JSON for programs."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connector_front.commands import sync, webhooks
from connector_front.errors import ConnectorError, InvalidInputError

COMMANDS = (webhooks,)
"""Commands that live in their own module under ``connector_front.commands``."""

if TYPE_CHECKING:
    from connector_front.sandbox import SandboxConfig

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
    sandbox.add_argument(
        "--webhook-url", default=None, help="send signed application webhooks to this URL"
    )
    sandbox.add_argument(
        "--webhook-secret",
        default=None,
        help="webhook signing secret (default: the first of env FRONT_WEBHOOK_SECRET, "
        "else sandbox-webhook-secret)",
    )
    sandbox.set_defaults(handler=_sandbox)

    serve = commands.add_parser("serve", help="run the reference host")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--sync-interval",
        type=float,
        default=None,
        metavar="SECONDS",
        help="seconds between background event-sync passes (default 60, the sync_interval "
        "setting; 0 = off)",
    )
    _add_target_options(serve)
    serve.set_defaults(handler=_serve)

    manifest = commands.add_parser("manifest", help="print the connector manifest (JSON)")
    manifest.add_argument(
        "--markdown", action="store_true", help="print the coverage table for the README instead"
    )
    manifest.set_defaults(handler=_manifest)

    sync.register(commands)

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
    for command in COMMANDS:
        command.register(commands)
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


def _sandbox_config(args: argparse.Namespace) -> SandboxConfig:
    """The sandbox's settings from the `sandbox` command's flags and the environment."""
    from urllib.parse import urlsplit

    from connector_front.sandbox import SandboxConfig

    url = args.webhook_url
    parts = urlsplit(url) if url is not None else None
    if parts is not None and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise InvalidInputError(
            f"--webhook-url {url!r} must be an absolute http:// or https:// URL",
            fields=["webhook_url"],
        )
    config = SandboxConfig(
        rate_limit=args.rate_limit, access_token_ttl=args.token_ttl, webhook_url=args.webhook_url
    )
    # FRONT_WEBHOOK_SECRET may list several secrets (an intake's rotation): sign with the first
    listed = os.environ.get("FRONT_WEBHOOK_SECRET", "").split(",")[0].strip()
    secret = args.webhook_secret or listed
    if secret:
        config.webhook_secret = secret
    return config


def _sandbox(args: argparse.Namespace) -> int:
    from connector_front.sandbox import serve

    config = _sandbox_config(args)
    print(
        f"sandbox Front on http://{args.host}:{args.port} (client id {config.client_id})",
        file=sys.stderr,
    )
    target = config.webhook_url or "none (set one with --webhook-url or POST /_sandbox/webhooks)"
    print(f"application webhooks to: {target}", file=sys.stderr)
    serve(config, args.host, args.port)
    return 0


def _manifest(args: argparse.Namespace) -> int:
    from connector_front.coverage import events_section, readme_section
    from connector_front.manifest import build_manifest
    from connector_front.registry import ModelRegistry

    manifest = build_manifest(ModelRegistry())
    if args.markdown:
        print(readme_section(manifest))
        print()
        print(events_section())
    else:
        print(json.dumps(manifest.model_dump(mode="json"), indent=2))
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from connector_front.host import create_app

    if args.sandbox:
        from connector_front.embedded import (
            connect_owner,
            intake_url,
            sandbox_settings,
            webhook_secret,
        )
        from connector_front.host.loader import load_connector
        from connector_front.sandbox import SandboxConfig, SandboxServer

        # the sandbox sends its signed webhooks to this host's own intake
        config = SandboxConfig(webhook_url=intake_url(args.host, args.port))
        config.webhook_secret = webhook_secret() or config.webhook_secret
        sandbox = SandboxServer(config, host="127.0.0.1", port=0)
        sandbox.start()
        tmp = tempfile.mkdtemp(prefix="connector-front-serve-")
        settings = sandbox_settings(
            sandbox,
            config,
            Path(tmp) / "host.sqlite3",
            redirect_uri=f"http://{args.host}:{args.port}/oauth/callback",
        )
        connector = load_connector("front", settings)
        owner = args.owner or DEFAULT_OWNER

        async def preauthorize(plugin: Any) -> None:
            await connect_owner(plugin, owner)
            print(f"owner {owner!r} authorized on the sandbox at {sandbox.url}", file=sys.stderr)
            company = await plugin.company_of(owner)
            print(
                f"the sandbox's webhooks (company {company}) go to {config.webhook_url}; events "
                f"at http://{args.host}:{args.port}/events",
                file=sys.stderr,
            )

        app = create_app(
            connector,
            default_owner=owner,
            on_startup=preauthorize,
            background=sync.serve_jobs(args.sync_interval, connector),
        )
        try:
            uvicorn.run(app, host=args.host, port=args.port, log_level="info")
        finally:
            sandbox.stop()
        return 0
    connector = _settings_connector(args)
    jobs = sync.serve_jobs(args.sync_interval, connector)
    app = create_app(connector, default_owner=args.owner, background=jobs)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


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


if __name__ == "__main__":
    sys.exit(main())
