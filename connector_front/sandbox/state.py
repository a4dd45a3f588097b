"""Everything a running sandbox holds, and the control methods tests call in-process.

The HTTP admin surface (`/_sandbox/...`) calls the same methods. Every change
happens under `lock`, since the server thread and the test thread share it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from .clock import SandboxClock
from .config import SandboxConfig
from .database import Database
from .errors import FrontError
from .faults import FaultBook
from .generate import add_generated_contacts
from .generators import GENERATORS, MAX_SEED
from .journal import Journal
from .links import Links
from .ratelimit import RateLimiter
from .records import Event
from .seed import load_into, load_seed_json
from .tokens import TokenRegistry
from .webhooks import Webhooks, check_secret, check_url


def _absolute_urls(value: Any) -> bool:
    """A list of absolute http(s) URLs (redirect URIs the OAuth app registers)."""
    if not isinstance(value, list):
        return False
    parts = [urlsplit(url) if isinstance(url, str) else None for url in value]
    return all(p is not None and p.scheme in ("http", "https") and p.netloc for p in parts)


def _count_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0)


def _positive(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


# settings `configure` may change at run time, and the check each value must pass
RUNTIME_SETTINGS: dict[str, Callable[[Any], bool]] = {
    "rate_limit": _count_or_none,
    "rate_window": _positive,
    "burst_limit": _count_or_none,
    "search_share": lambda v: _positive(v) and v <= 1,
    "access_token_ttl": _positive,
    "granted_scopes": lambda v: (
        v is None or (isinstance(v, list) and all(isinstance(s, str) for s in v))
    ),
    "interactive_consent": lambda v: isinstance(v, bool),
    "redirect_uris": _absolute_urls,
}


class SandboxState:
    """Data, tokens, limits, faults and the journal of one sandbox Front."""

    def __init__(self, config: SandboxConfig, clock: SandboxClock | None = None) -> None:
        self.base_config = config
        self.clock = clock or SandboxClock()
        self.lock = threading.RLock()
        self.tokens = TokenRegistry()
        self.served_url: str | None = None  # set by the server that serves this state
        self.webhooks = Webhooks(config, self.clock)
        self._fresh(keep_tokens=False)

    def __repr__(self) -> str:
        return f"SandboxState(contacts={len(self.db.contacts)}, config={self.config!r})"

    def _fresh(self, keep_tokens: bool) -> None:
        self.config: SandboxConfig = replace(self.base_config)
        self.db = Database(clock=self.clock)
        if self.config.seed:
            load_into(self.db, load_seed_json())
        if self.config.extra_contacts:
            add_generated_contacts(self.db, self.config.extra_contacts)
        if not keep_tokens:
            self.tokens = TokenRegistry()
        self.limiter = RateLimiter()
        self.faults = FaultBook()
        self.journal = Journal()
        self.webhooks.reset(self.config)

    def now(self) -> float:
        return self.clock()

    def links(self) -> Links:
        """URLs for JSON made outside a request (webhooks of control-route changes)."""
        base = self.config.public_url or self.served_url or "http://127.0.0.1"
        return Links(base.rstrip("/"))

    def record_event(self, event: Event, links: Links | None = None) -> Event:
        """Log an activity event (`GET /events`) and queue the webhooks it fires."""
        with self.lock:
            self.db.events[event.id] = event
            self.webhooks.publish(links or self.links(), self.db, event)
            return event

    # scopes ---------------------------------------------------------------

    def missing_scopes(self, required: tuple[str, ...]) -> list[str]:
        """Scopes an endpoint needs that the OAuth app / API tokens were not granted."""
        granted = self.config.granted_scopes
        if granted is None:
            return []
        return [scope for scope in required if scope not in granted]

    # control surface --------------------------------------------------------

    def add_fault(self, spec: Mapping[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        """Queue a fault (see `faults.parse_fault`); answers it as JSON."""
        with self.lock:
            return self.faults.add({**(spec or {}), **fields}).as_json()

    def list_faults(self) -> list[dict[str, Any]]:
        with self.lock:
            return [fault.as_json() for fault in self.faults.faults]

    def clear_faults(self) -> int:
        with self.lock:
            return self.faults.clear()

    def expire_tokens(self) -> int:
        """Expire every OAuth access token now (static API tokens are unaffected)."""
        with self.lock:
            return self.tokens.expire_all(self.now())

    def revoke_refresh_tokens(self) -> int:
        """Refuse every refresh token issued so far."""
        with self.lock:
            return self.tokens.revoke_refresh()

    def stats(self) -> dict[str, Any]:
        """Requests, grants and refusals counted so far (rotated-away refresh tokens presented
        again, by whether their successor was used), and the records of each collection."""
        with self.lock:
            reused = self.tokens.reuses()
            return {**self.journal.stats(), "reused_refresh_tokens": reused,
                    "records": self.db.counts()}  # fmt: skip

    def requests(self) -> list[dict[str, Any]]:
        with self.lock:
            return [entry.as_json() for entry in self.journal.entries]

    def clear_requests(self) -> None:
        with self.lock:
            self.journal.clear_entries()

    def configure(self, changes: Mapping[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        """Change a setting of :data:`RUNTIME_SETTINGS` while running."""
        updates = {**(changes or {}), **fields}
        for key, value in updates.items():
            check = RUNTIME_SETTINGS.get(key)
            if check is None:
                known = ", ".join(RUNTIME_SETTINGS)
                raise FrontError(400, f"Unknown setting {key!r}; known: {known}")
            if not check(value):
                raise FrontError(400, f"Invalid value for {key}")
        with self.lock:
            self.config = replace(self.config, **updates)
            if {"rate_limit", "rate_window", "burst_limit", "search_share"} & set(updates):
                self.limiter.clear()
            return self.runtime_settings()

    def runtime_settings(self) -> dict[str, Any]:
        with self.lock:
            return {
                "rate_limit": self.config.effective_rate_limit,
                "rate_window": self.config.rate_window,
                "burst_limit": self.config.burst_limit,
                "search_share": self.config.search_share,
                "access_token_ttl": self.config.access_token_ttl,
                "granted_scopes": self.config.granted_scopes,
                "rotate_refresh_tokens": self.config.rotate_refresh_tokens,
                "interactive_consent": self.config.interactive_consent,
                "redirect_uris": list(self.config.redirect_uris),
            }

    def seed_contacts(self, count: int) -> list[str]:
        """Add `count` more deterministic contacts; answers their ids."""
        return self.seed("contacts", count)

    def seed(self, kind: str, count: int) -> list[str]:
        """Add `count` deterministic records of a Front collection (`contacts`, `accounts`,
        `teammates`, `teams`, `inboxes`, `conversations`, `comments`, `messages`); their ids."""
        generate = GENERATORS.get(kind)
        if generate is None:
            raise FrontError(400, f"Cannot seed {kind!r}; seed one of {', '.join(GENERATORS)}")
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_SEED:
            raise FrontError(400, f"count must be a non-negative integer, at most {MAX_SEED:,}")
        with self.lock:
            return generate(self.db, count)

    def reset(self, keep_tokens: bool = False, config: SandboxConfig | None = None) -> None:
        """Back to a just-started sandbox (seed data, config, clock, empty journal, no faults).

        With `config`, as if it had been started with that config instead.
        """
        self.webhooks.quiesce()  # outside the lock: a delivery in flight may call the sandbox
        with self.lock:
            if config is not None:
                self.base_config = config
            self.clock.reset()
            self._fresh(keep_tokens)

    def advance_clock(self, seconds: Any) -> dict[str, float]:
        """Move the sandbox's clock `seconds` ahead: expiries and windows pass without waiting."""
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            raise FrontError(400, "advance must be a non-negative number of seconds")
        with self.lock:
            return {"now": self.clock.advance(seconds), "offset": self.clock.offset}

    def merge_conversations(self, source_id: str, target_id: str) -> None:
        """Merge one conversation into another: the source then answers 301 to the target."""
        with self.lock:
            source = self.db.conversation(source_id)
            target = self.db.conversation(target_id)
            if source.id == target.id:
                raise FrontError(400, "Cannot merge a conversation into itself")
            source.merged_into = target.id
            for comment in self.db.comments.values():
                if comment.conversation_id == source.id:
                    comment.conversation_id = target.id
            for message in self.db.messages.values():
                if message.conversation_id == source.id:
                    message.conversation_id = target.id
            target.updated_at = self.db.now()
            self.record_event(
                Event(
                    self.db.new_id("evt"),
                    "conversations_merged",
                    target.updated_at,
                    target.id,
                    "api",
                )
            )

    # webhooks ----------------------------------------------------------------

    def webhook_settings(self) -> dict[str, Any]:
        with self.lock:
            return self.webhooks.settings()

    def set_webhook(
        self, changes: Mapping[str, Any] | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Set the application webhook URL (null removes it) and secret, then validate the URL.

        Like Front when an app's webhook URL is saved: a signed `sync` request with an
        `x-front-challenge` header. The URL is kept even if validation fails; the
        answer says whether it passed and why not.
        """
        data = {**(changes or {}), **fields}
        unknown = sorted(set(data) - {"url", "secret"})
        if unknown:
            raise FrontError(400, f"Unknown field(s) {', '.join(unknown)}; known: url, secret")
        if "url" not in data:
            raise FrontError(400, "url is required (null removes the webhook)")
        url = None if data["url"] is None else check_url(data["url"], "url")
        secret = check_secret(data["secret"], "secret") if "secret" in data else None
        with self.lock:
            company_id = self.db.company.id
        # the handshake waits on the endpoint: never under the lock
        return self.webhooks.set_target(url, secret, company_id)

    def add_rule(self, spec: Mapping[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        """Register a rule webhook: `{"name", "url", "secret", "preview"?}`."""
        with self.lock:
            return self.webhooks.add_rule({**(spec or {}), **fields})

    def clear_rules(self) -> None:
        with self.lock:
            self.webhooks.rules.clear()
