"""Hands out a valid access token for one owner, refreshing it once however many ask.

Callers in one process share a refresh through an asyncio lock; processes sharing a database
through the store's refresh lock, inside which the tokens are read again (another worker may
have refreshed already) and the new set is committed before anyone uses it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from connector_front.auth.flow import OAuthFlow
from connector_front.auth.tokens import StaleTokensError, TokenSet, TokenStore
from connector_front.errors import AuthorizationRequiredError


class TokenManager:
    """Single-flight refresh: concurrent callers on an expired token share one refresh."""

    def __init__(
        self,
        owner_id: str,
        flow: OAuthFlow,
        tokens: TokenStore,
        refresh_margin: float = 60.0,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.owner_id = owner_id
        self.flow = flow
        self.tokens = tokens
        self.refresh_margin = refresh_margin
        self._clock = clock
        # Shared by every manager of this owner on the same flow, not just this instance.
        self._lock = flow.lock_for(owner_id)
        self._cached: TokenSet | None = None

    async def access_token(self) -> str:
        """A token valid for at least :meth:`margin` seconds (refreshed ahead of expiry)."""
        current = self._cached or await self._load()
        if not self._stale(current):
            return current.access_token
        async with self._lock:
            latest = await self._load()  # someone may have refreshed while we waited
            renewed = latest.access_token != current.access_token
            if not self._stale(latest) or (renewed and not self._expired(latest)):
                return latest.access_token
            return (await self._refresh(latest, "it expires soon")).access_token

    async def refresh_after_401(self, stale_access_token: str) -> str:
        """Front refused ``stale_access_token``: refresh unless another caller already did."""
        async with self._lock:
            current = await self._load()
            if current.access_token != stale_access_token:
                return current.access_token
            return (await self._refresh(current, "Front refused it (401)")).access_token

    def _expired(self, tokens: TokenSet) -> bool:
        return tokens.expires_within(0.0, now=self._clock())

    def margin(self, tokens: TokenSet) -> float:
        """How early to refresh: ``refresh_margin``, or a third of a shorter token's lifetime."""
        lifetime = tokens.lifetime
        if lifetime is None:
            return self.refresh_margin
        return min(self.refresh_margin, lifetime / 3)

    def _stale(self, tokens: TokenSet) -> bool:
        return tokens.expires_within(self.margin(tokens), now=self._clock())

    async def _load(self) -> TokenSet:
        tokens = await self.tokens.get(self.owner_id)
        if tokens is None:
            self._cached = None
            raise self._never_authorized()
        self._cached = tokens
        return tokens

    def _never_authorized(self) -> AuthorizationRequiredError:
        return AuthorizationRequiredError(
            f"The Front connection for owner {self.owner_id!r} was never authorized (no "
            "tokens are stored). Authorize the connection first."
        )

    async def _refresh(self, seen: TokenSet, why: str) -> TokenSet:
        """Refresh ``seen`` under the owner's cross-process lock, unless another process
        already did; the new set is committed when this returns."""
        try:
            async with self.tokens.refreshing(self.owner_id) as slot:
                stored = slot.current
                if stored is None:
                    raise self._never_authorized()
                if stored.access_token != seen.access_token and not self._expired(stored):
                    fresh = stored  # another worker refreshed while we waited for the lock
                else:
                    fresh = await self._renew(stored, why)
                    await slot.write(fresh)  # the rotated refresh token, stored before use
        except StaleTokensError:
            # The tokens were replaced outside the lock (a new authorization): they win.
            fresh = await self._load()
        except AuthorizationRequiredError:
            self._cached = None
            raise
        self._cached = fresh
        return fresh

    async def _renew(self, current: TokenSet, why: str) -> TokenSet:
        if not current.refresh_token:
            raise AuthorizationRequiredError(
                f"The Front access token for owner {self.owner_id!r} cannot be renewed ({why}, "
                "and Front issued no refresh token). Re-authorize the Front connection for "
                f"owner {self.owner_id!r}."
            )
        return await self.flow.request_refresh(self.owner_id, current.refresh_token)

    def __repr__(self) -> str:
        return f"TokenManager(owner_id={self.owner_id!r}, refresh_margin={self.refresh_margin:g})"
