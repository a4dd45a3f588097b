"""Token health: what a connection's stored token can do, never the token itself."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from connector_front.auth.tokens import TokenSet

REFRESH_AHEAD = 300.0
"""Seconds before expiry when a token counts as expiring (it refreshes on the next call)."""


def iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat().replace("+00:00", "Z")


def token_health(
    tokens: TokenSet | None, owner_id: str, *, now: float | None = None
) -> dict[str, Any]:
    """``{"status": valid | expiring | expired | refused | missing, "expiresAt",
    "refreshable", "message"?}`` for a stored token set (None: never authorized or
    disconnected); ``refused``: Front refused the refresh token, only a new authorization
    helps."""
    if tokens is None:
        return {
            "status": "missing",
            "message": f"not authorized: authorize the connection of owner {owner_id!r}",
        }
    at = time.time() if now is None else now
    health: dict[str, Any] = {
        "expiresAt": iso(tokens.expires_at),
        "refreshable": tokens.refresh_token is not None and tokens.refused_at is None,
    }
    if tokens.refused_at is not None:
        health["status"] = "refused"
        health["refusedAt"] = iso(tokens.refused_at)
        health["message"] = (
            "Front refused the refresh token (invalid_grant): re-authorize the connection of "
            f"owner {owner_id!r}"
        )
    elif not tokens.expires_within(0, now=at):
        health["status"] = "expiring" if tokens.expires_within(REFRESH_AHEAD, now=at) else "valid"
    elif tokens.refresh_token is not None:
        health["status"] = "expired"
        health["message"] = "refreshes on the next call"
    else:
        health["status"] = "expired"
        health["message"] = f"re-authorize the connection of owner {owner_id!r}"
    return health
