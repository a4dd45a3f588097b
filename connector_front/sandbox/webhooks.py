"""The webhooks a sandbox fires when activity is recorded, like Front does.

Application webhooks: `{"type", "authorization": {"id": <company>}, "payload":
<event preview>}`, signed with HMAC-SHA256 over "<ms timestamp>:" + body and
retried up to 3 more times. Rule webhooks: the full event (or its preview),
signed with HMAC-SHA1 over the body, never retried. Publishing only renders
and queues (under the state lock); the `Dispatcher` sends.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .config import SandboxConfig
from .database import Database
from .delivery import Delivery, Dispatcher, Signer
from .errors import FrontError
from .links import Links
from .records import Event
from .shapes.events import event_json
from .shapes.preview import event_preview
from .signing import application_signature, rule_signature
from .validation import validate_url
from .webhook_types import BY_EVENT_TYPE

APP_ATTEMPTS = 4  # the first try and Front's 3 retries
RULE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
JSON_TYPE = {"content-type": "application/json"}


@dataclass
class Rule:
    """A rule whose action calls a webhook."""

    name: str
    url: str
    secret: str = field(repr=False)
    preview: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "url": self.url, "preview": self.preview}


def app_signer(secret: str, clock: Callable[[], float]) -> Signer:
    def sign(body: bytes) -> dict[str, str]:
        stamp = str(int(clock() * 1000))
        return {
            **JSON_TYPE,
            "x-front-request-timestamp": stamp,
            "x-front-signature": application_signature(secret, stamp, body),
        }

    return sign


def rule_signer(secret: str) -> Signer:
    def sign(body: bytes) -> dict[str, str]:
        return {**JSON_TYPE, "x-front-signature": rule_signature(secret, body)}

    return sign


def check_url(url: Any, where: str) -> str:
    """An absolute http(s) URL, or a 400 saying what is expected."""
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise FrontError(400, f"{where} must be an absolute http:// or https:// URL")
    return str(url)


def check_secret(secret: Any, where: str) -> str:
    if not isinstance(secret, str) or not secret:
        raise FrontError(400, f"{where} must be a non-empty string")
    return secret


def encode(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


class Webhooks:
    """The application webhook target, the rule webhooks and their dispatcher."""

    def __init__(self, config: SandboxConfig, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.dispatcher = Dispatcher(config.webhook_backoff, config.webhook_timeout)
        self.reset(config)

    def __repr__(self) -> str:
        return f"Webhooks(url={self.url!r}, validated={self.validated!r}, rules={len(self.rules)})"

    def reset(self, config: SandboxConfig) -> None:
        """Back to the configured target, no rules, an empty journal."""
        self.dispatcher.cancel_pending()
        self.dispatcher.clear_journal()
        self.dispatcher.backoff = config.webhook_backoff
        self.dispatcher.timeout = config.webhook_timeout
        self.url: str | None = config.webhook_url
        self._secret = config.webhook_secret
        self.validated: bool | None = None  # None: set from the config, never checked
        self.reason = ""
        self.rules: dict[str, Rule] = {}

    def _signer(self) -> Signer:
        return app_signer(self._secret, self.clock)

    # publishing (called under the state lock) -----------------------------

    def publish(
        self, links: Links, db: Database, event: Event, hook_type: str | None = None
    ) -> None:
        """Queue the webhooks one recorded event fires (none when nothing listens)."""
        hook = hook_type or BY_EVENT_TYPE.get(event.type)
        if self.url and hook:
            envelope = {
                "type": hook,
                "authorization": {"id": db.company.id},
                "payload": event_preview(links, db, event),
            }
            record = self.dispatcher.new_record("application", hook, self.url, event_id=event.id)
            self.dispatcher.submit(
                Delivery(record, encode(envelope), self._signer(), APP_ATTEMPTS)
            )
        if hook_type is not None:
            return  # not an Events-API event (a snooze): rules see only logged events
        for rule in self.rules.values():
            body = event_preview(links, db, event) if rule.preview else event_json(links, db, event)
            record = self.dispatcher.new_record(
                "rule", event.type, rule.url, event_id=event.id, rule=rule.name
            )
            self.dispatcher.submit(Delivery(record, encode(body), rule_signer(rule.secret), 1))

    # control surface --------------------------------------------------------

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until every queued delivery is done; False if `timeout` passed first."""
        return self.dispatcher.drain(timeout)

    def deliveries(self) -> list[dict[str, Any]]:
        """The delivery journal, oldest first (types, event ids, URLs, attempts; no secrets)."""
        return self.dispatcher.journal()

    def quiesce(self) -> None:
        """Cancel queued deliveries and wait out the one in flight (before a reset)."""
        self.dispatcher.quiesce()

    def clear_deliveries(self) -> None:
        self.dispatcher.clear_journal()

    def close(self) -> None:
        """Stop the worker thread (a stopping server)."""
        self.dispatcher.close()

    def settings(self) -> dict[str, Any]:
        """The application webhook target and the rules (never a secret)."""
        answer: dict[str, Any] = {"url": self.url, "validated": self.validated}
        if self.reason:
            answer["reason"] = self.reason
        answer["rules"] = [rule.as_json() for rule in self.rules.values()]
        return answer

    def set_target(self, url: str | None, secret: str | None, company_id: str) -> dict[str, Any]:
        """Set (or with `url` None, remove) the application webhook URL, then validate it."""
        if secret is not None:
            self._secret = secret
        self.url, self.validated, self.reason = url, None, ""
        if url is None:
            return self.settings()
        record = self.dispatcher.new_record("validation", "sync", url)
        passed, outcome, reason = validate_url(url, company_id, self._signer())
        self.dispatcher.settle(record, outcome, passed)
        self.validated, self.reason = passed, reason
        return self.settings()

    def add_rule(self, data: dict[str, Any]) -> dict[str, Any]:
        name = data.get("name")
        if not isinstance(name, str) or not RULE_NAME.match(name):
            raise FrontError(400, "name must be 1-64 letters, digits, '-' or '_'")
        preview = data.get("preview", False)
        if not isinstance(preview, bool):
            raise FrontError(400, "preview must be true or false")
        rule = Rule(
            name,
            check_url(data.get("url"), "url"),
            check_secret(data.get("secret"), "secret"),
            preview,
        )
        self.rules[name] = rule
        return rule.as_json()
