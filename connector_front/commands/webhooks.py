"""``connector-front webhooks verify|replay``: check a captured Front delivery, or send it again.

A capture is a JSON file ``{"headers": {...}, "body": "<the raw body, as text>"}`` (a delivery's
headers and raw body as Front sent them), or a raw body file with ``--header``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from connector_front.errors import ConfigurationError, InvalidInputError
from connector_front.webhooks.intake import check_delivery
from connector_front.webhooks.signatures import application_signature, rule_signature
from connector_front.webhooks.verify import WebhookRejected

DEFAULT_INTAKE = "http://127.0.0.1:8000/webhooks/front"
DESCRIPTION = (
    "Check a captured Front webhook delivery, or send it to an intake again. A capture is a "
    'JSON file {"headers": {...}, "body": "<the raw body, as text>"} (a delivery\'s headers '
    "and raw body as Front sent them), or a raw body file with --header NAME:VALUE."
)


def register(commands: Any) -> None:
    webhooks = commands.add_parser(
        "webhooks",
        help="verify or replay a captured Front webhook delivery",
        description=DESCRIPTION,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    actions = webhooks.add_subparsers(title="actions", metavar="ACTION", required=True)

    verify = actions.add_parser(
        "verify",
        help="say whether a delivery is valid, or exactly why not (exit 1 when not)",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    _delivery_options(verify)
    verify.add_argument(
        "--secret",
        action="append",
        default=None,
        help="app webhook secret (repeatable); default: FRONT_WEBHOOK_SECRET / the config file",
    )
    verify.add_argument(
        "--at", type=float, default=None, help="check the timestamp as of this Unix time"
    )
    verify.set_defaults(handler=_verify)

    replay = actions.add_parser(
        "replay",
        help="POST a captured delivery to an intake again (re-signed with --resign)",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    _delivery_options(replay)
    replay.add_argument("--to", default=DEFAULT_INTAKE, help="intake URL to send it to")
    replay.add_argument(
        "--resign",
        metavar="SECRET",
        default=None,
        help="sign again with this secret and a fresh timestamp (a capture older than the "
        "intake's window is otherwise refused as stale)",
    )
    replay.set_defaults(handler=_replay)


def _delivery_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "delivery",
        help="capture file (JSON {headers, body}) or a raw body file with --header; - for stdin",
    )
    parser.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="NAME:VALUE",
        help="a delivery header, when the file is a raw body (repeatable)",
    )
    parser.add_argument(
        "--rule", default=None, metavar="NAME", help="a rule webhook named NAME (HMAC-SHA1)"
    )
    parser.add_argument("--config", type=Path, default=None, help="settings file (TOML or JSON)")


def read_delivery(source: str, header_args: list[str]) -> tuple[bytes, dict[str, str]]:
    """(raw body, headers) from a capture file, a raw body file or stdin."""
    data = sys.stdin.buffer.read() if source == "-" else _read(Path(source))
    headers = {}
    for item in header_args:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise InvalidInputError(f"--header {item!r} must be NAME:VALUE", fields=["header"])
        headers[name.strip().lower()] = value.strip()
    if headers:
        return data, headers
    try:
        capture = json.loads(data)
    except ValueError:
        capture = None
    if not (
        isinstance(capture, dict)
        and isinstance(capture.get("headers"), dict)
        and isinstance(capture.get("body"), str)
    ):
        raise InvalidInputError(
            'the file is not a capture ({"headers": {...}, "body": "..."}); for a raw '
            "body, give its headers with --header NAME:VALUE",
            fields=["delivery"],
        )
    given = {str(k).lower(): str(v) for k, v in capture["headers"].items()}
    return capture["body"].encode(), given


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(
            f"cannot read {path}: {exc.strerror}", fields=["delivery"]
        ) from None


def _verify(args: argparse.Namespace) -> int:
    from connector_front.settings import ConnectorSettings

    body, headers = read_delivery(args.delivery, args.header)
    settings = ConnectorSettings.load(args.config)
    now = args.at if args.at is not None else time.time()
    try:
        verified = check_delivery(
            settings, body, headers, now=now, rule=args.rule, secrets=args.secret or ()
        )
    except WebhookRejected as exc:
        print(json.dumps({"valid": False, "code": exc.code, "reason": exc.message}))
        return 1
    report = {
        "valid": True,
        "kind": verified.kind,
        "challenge": verified.challenge is not None,
        "type": verified.webhook_type or (verified.event or {}).get("type"),
        "company": verified.company_id,
        "event": verified.event_id,
    }
    print(json.dumps(report))
    return 0


def _replay(args: argparse.Namespace) -> int:
    body, headers = read_delivery(args.delivery, args.header)
    if args.resign:
        if args.rule:
            headers["x-front-signature"] = rule_signature(args.resign, body)
        else:
            timestamp = str(int(time.time() * 1000))
            headers["x-front-request-timestamp"] = timestamp
            headers["x-front-signature"] = application_signature(args.resign, timestamp, body)
    sent = {k: v for k, v in headers.items() if k.startswith("x-front-")}
    sent["content-type"] = "application/json"
    answer = asyncio.run(_post(args.to, body, sent))
    print(json.dumps({"status": answer.status_code, "answer": _json_or_text(answer)}))
    return 0 if answer.is_success else 1


async def _post(url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    try:
        async with httpx.AsyncClient(timeout=10.0) as http:
            return await http.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise ConfigurationError(
            f"could not send the delivery to {url} ({type(exc).__name__}); is the host running?"
        ) from None


def _json_or_text(answer: httpx.Response) -> Any:
    try:
        return answer.json()
    except ValueError:
        return answer.text[:500]
