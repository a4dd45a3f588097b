"""``connector-front sandbox``: a standalone sandbox Front, and how to point the connector at it."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from connector_front.commands.addresses import is_loopback
from connector_front.commands.help import DefaultsHelp
from connector_front.commands.listen import listen
from connector_front.errors import InvalidInputError
from connector_front.sandbox.config import DEFAULT_REDIRECT_URI, SandboxConfig
from connector_front.sandbox.generators import GENERATORS, MAX_SEED
from connector_front.util.parsing import parse_whole


def register(commands: Any) -> None:
    """Add ``sandbox`` to the CLI's sub-commands."""
    parser = commands.add_parser(
        "sandbox",
        help="run a sandbox Front on a port; prints its URL, client id / secret, API token",
        description="Run a local, stateful sandbox Front (OAuth, API, faults) until stopped. "
        "It prints its base URL, OAuth client id and secret and API token, and the settings "
        "that point `resources`, `serve` and `connect` at it.",
        formatter_class=DefaultsHelp,
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=8081, help="port (0 picks a free one)")
    parser.add_argument(
        "--rate-limit", type=int, default=None, help="requests per window (default: Front's 120)"
    )
    parser.add_argument("--token-ttl", type=float, default=3600.0, help="access token seconds")
    parser.add_argument(
        "--webhook-url", default=None, help="send signed application webhooks to this URL"
    )
    parser.add_argument(
        "--webhook-backoff",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="wait before retrying a failed webhook delivery (doubles for each of the 3 retries)",
    )
    parser.add_argument(
        "--webhook-secret",
        default=None,
        help="webhook signing secret (when not given: the first of env FRONT_WEBHOOK_SECRET, "
        "else sandbox-webhook-secret)",
    )
    parser.add_argument(
        "--redirect-uri",
        action="append",
        default=None,
        metavar="URL",
        help="a redirect URI the sandbox's OAuth app registers (repeatable); authorizations "
        f"are sent back to registered URIs only (when not given: {DEFAULT_REDIRECT_URI})",
    )
    parser.add_argument(
        "--seed",
        action="append",
        default=[],
        metavar="KIND=N",
        help="add N generated records of a Front collection before serving (repeatable; in "
        f"this order): {', '.join(GENERATORS)}; e.g. --seed contacts=20000",
    )
    parser.set_defaults(handler=run)


def seed_plan(values: list[str]) -> list[tuple[str, int]]:
    """``KIND=N`` flags as (kind, count) pairs; a 400 naming the flag when one is wrong."""
    plan = []
    for value in values:
        kind, _, text = value.partition("=")
        number = parse_whole(text, max_digits=len(str(MAX_SEED)))
        if kind not in GENERATORS or number is None or number > MAX_SEED:
            raise InvalidInputError(
                f"--seed {value!r}: give KIND=N with N a whole number up to {MAX_SEED:,} and "
                f"KIND one of {', '.join(GENERATORS)} (e.g. --seed conversations=5000)",
                fields=["seed"],
            )
        plan.append((kind, number))
    return plan


def describe(url: str, config: SandboxConfig) -> str:
    """What a user needs to reach the sandbox: its URL, OAuth app and API token."""
    token = sorted(config.api_tokens)[0] if config.api_tokens else "(none)"
    return "\n".join(
        [
            f"sandbox Front on {url}",
            f"  base URL       {url}",
            f"  client id      {config.client_id}",
            f"  client secret  {config.client_secret}",
            f"  redirect URIs  {', '.join(config.redirect_uris)}",
            f"  API token      {token}",
            "with the API token:",
            f"  connector-front resources list genericContact --api-base {url} --api-token {token}",
            f"  connector-front serve --api-base {url} --api-token {token}",
            "with OAuth (connector-front connect OWNER --operations ...), set:",
            f"  export FRONT_API_BASE={url}",
            f"  export FRONT_AUTHORIZE_URL={url}/oauth/authorize",
            f"  export FRONT_TOKEN_URL={url}/oauth/token",
            f"  export FRONT_CLIENT_ID={config.client_id}",
            f"  export FRONT_CLIENT_SECRET={config.client_secret}",
        ]
    )


def webhook_banner(target: Mapping[str, Any] | None) -> str:
    """Where application webhooks go and whether the URL passed Front's validation
    (``target``: the sandbox's webhook settings after validating; None: no URL)."""
    if target is None or not target.get("url"):
        return (
            "application webhooks to: none (set one with --webhook-url or POST /_sandbox/webhooks)"
        )
    url = target["url"]
    if target.get("validated"):
        return f"application webhooks to: {url} (validated: it echoed Front's challenge)"
    return (
        f"application webhooks to: {url} (validation FAILED: "
        f"{target.get('reason') or 'no reason given'}; deliveries are sent to it anyway; once it "
        f'answers, POST /_sandbox/webhooks {{"url": "{url}"}} validates it again)'
    )


def sandbox_config(args: argparse.Namespace) -> SandboxConfig:
    """The sandbox's settings from the command's flags and the environment."""
    from connector_front.dev.embedded import webhook_secret

    url = args.webhook_url
    parts = urlsplit(url) if url is not None else None
    if parts is not None and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise InvalidInputError(
            f"--webhook-url {url!r} must be an absolute http:// or https:// URL",
            fields=["webhook_url"],
        )
    if not args.webhook_backoff > 0:
        raise InvalidInputError(
            f"--webhook-backoff must be a positive number of seconds, got {args.webhook_backoff}",
            fields=["webhook_backoff"],
        )
    for uri in args.redirect_uri or ():
        parts = urlsplit(uri)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidInputError(
                f"--redirect-uri {uri!r} must be an absolute http:// or https:// URL",
                fields=["redirect_uri"],
            )
    config = SandboxConfig(
        rate_limit=args.rate_limit,
        access_token_ttl=args.token_ttl,
        webhook_url=url,
        webhook_backoff=args.webhook_backoff,
    )
    if args.redirect_uri:
        config.redirect_uris = list(dict.fromkeys(args.redirect_uri))
    # FRONT_WEBHOOK_SECRET may list several secrets (an intake's rotation): sign with the first
    secret = args.webhook_secret or webhook_secret()
    if secret:
        config.webhook_secret = secret
    return config


def exposure_warning(host: str) -> str | None:
    """What to say when the sandbox listens beyond this machine: its control routes are open."""
    if is_loopback(host):
        return None
    return (
        f"warning: the sandbox listens on {host}, beyond this machine, and its control routes "
        "(/_sandbox/...: reset, faults, tokens, clock, webhooks) have no authentication: "
        "anyone who reaches this address can wipe or change its data, expire its tokens and "
        "send its webhooks anywhere. Use --host 127.0.0.1 unless others must reach it"
    )


def run(args: argparse.Namespace) -> int:
    from connector_front.sandbox import SandboxServer

    config = sandbox_config(args)
    plan = seed_plan(args.seed)
    listener = listen(args.host, args.port)
    warning = exposure_warning(args.host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    server = SandboxServer(config, host=args.host, port=args.port).start(listener)
    for kind, count in plan:
        print(f"seeded {len(server.state.seed(kind, count))} {kind}", flush=True)
    print(describe(server.url, config), flush=True)
    # validated as Front validates a URL when it is saved: a signed challenge it must echo
    target = server.state.set_webhook(url=config.webhook_url) if config.webhook_url else None
    print(webhook_banner(target), flush=True)
    try:
        threading.Event().wait()  # until Ctrl-C or a signal ends the process
    except KeyboardInterrupt:  # Ctrl-C, or kill's SIGTERM: a server's normal end
        pass
    finally:
        server.stop()
    return 0
