"""Settings of a sandbox Front: OAuth app credentials, token lifetimes, limits, seed.

Kept apart from the running state so one config can start many sandboxes; its
repr never shows the client secret, the webhook secret or the static API tokens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

DEFAULT_REDIRECT_URI = "http://127.0.0.1:8000/oauth/callback"
"""The redirect URI the sandbox's OAuth app has registered unless told others: the
reference host's default callback."""
FRONT_RATE_LIMIT = 120
"""Front's limit for an OAuth integration: 120 requests a minute per company."""
FRONT_BURST_LIMIT = 5
"""Front's burst limit: about 5 requests a second per resource (a conversation, a message)."""
FRONT_SEARCH_SHARE = 0.4
"""Share of the company's limit search may use (assumed; see docs/explanation/budget.md)."""


def _default_api_tokens() -> set[str]:
    return {"sandbox-api-token"}


def _default_redirect_uris() -> list[str]:
    return [DEFAULT_REDIRECT_URI]


@dataclass
class SandboxConfig:
    """Everything a sandbox Front is started with (see the package docstring)."""

    client_id: str = "sandbox-client-id"
    client_secret: str = field(default="sandbox-client-secret", repr=False)
    access_token_ttl: float = 3600.0
    rotate_refresh_tokens: bool = True
    rate_limit: int | None = None
    """Requests per window and company (None: Front's 120)."""
    rate_window: float = 60.0
    burst_limit: int | None = FRONT_BURST_LIMIT
    """Requests per second per resource (None: no burst limit)."""
    search_share: float = FRONT_SEARCH_SHARE
    """Share of ``rate_limit`` that conversation searches may use per window."""
    granted_scopes: list[str] | None = None
    api_tokens: set[str] = field(default_factory=_default_api_tokens, repr=False)
    seed: bool = True
    extra_contacts: int = 0
    public_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str = field(default="sandbox-webhook-secret", repr=False)
    webhook_backoff: float = 1.0  # seconds before the first retry; doubles after each
    webhook_timeout: float = 5.0
    interactive_consent: bool = False
    """`GET /oauth/authorize` shows a consent page (Allow / Deny) instead of approving at once."""
    app_name: str = "Sandbox OAuth app"
    redirect_uris: list[str] = field(default_factory=_default_redirect_uris)
    """The OAuth app's registered redirect URIs: `/oauth/authorize` sends a code (or an error)
    to one of these, compared exactly, and to no other URL."""

    def __repr__(self) -> str:
        shown = (
            f"client_id={self.client_id!r}, client_secret='***', "
            f"access_token_ttl={self.access_token_ttl!r}, "
            f"rotate_refresh_tokens={self.rotate_refresh_tokens!r}, "
            f"rate_limit={self.rate_limit!r}, rate_window={self.rate_window!r}, "
            f"burst_limit={self.burst_limit!r}, search_share={self.search_share!r}, "
            f"granted_scopes={self.granted_scopes!r}, "
            f"api_tokens=<{len(self.api_tokens)} hidden>, seed={self.seed!r}, "
            f"extra_contacts={self.extra_contacts!r}, public_url={self.public_url!r}, "
            f"webhook_url={self.webhook_url!r}, webhook_secret='***', "
            f"webhook_backoff={self.webhook_backoff!r}, webhook_timeout={self.webhook_timeout!r}, "
            f"interactive_consent={self.interactive_consent!r}, app_name={self.app_name!r}, "
            f"redirect_uris={self.redirect_uris!r}"
        )
        return f"SandboxConfig({shown})"

    __str__ = __repr__

    @property
    def effective_rate_limit(self) -> int:
        """Requests allowed per window and company (None in the config means Front's 120)."""
        return FRONT_RATE_LIMIT if self.rate_limit is None else self.rate_limit

    @property
    def search_limit(self) -> int:
        """Conversation searches allowed per window and company."""
        return max(1, math.floor(self.effective_rate_limit * self.search_share))
