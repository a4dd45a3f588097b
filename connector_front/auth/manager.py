"""Hands out a valid access token for one owner, refreshing it once however many ask.

Callers in one process share a refresh through an asyncio lock; processes sharing a database
through the store's refresh lock, inside which the tokens are read again (another worker may
have refreshed already) and the new set is committed before anyone uses it. A refresh token
Front refuses is marked refused in the store, under the same lock: every worker then answers
"re-authorize" at once instead of spending a token request on a dead grant.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from connector_front.auth.flow import OAuthFlow
from connector_front.auth.tokens import StaleTokensError, TokenSet, TokenSlot, TokenStore
from connector_front.errors import AuthorizationRequiredError, GrantRefusedError


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
            try:
                return (await self._refresh(latest, "it expires soon")).access_token
            except GrantRefusedError:
                if self._expired(latest):
                    raise
                return latest.access_token  # the grant is dead; Front takes this until expiry

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
        already did; the new set is committed when this returns. A refresh token Front
        refuses is marked refused (committed) before its error is raised."""
        if seen.refused_at is not None:
            raise self._dead(seen)
        try:
            async with self.tokens.refreshing(self.owner_id) as slot:
                fresh, refused = await self._renew_in(slot, seen, why)
        except StaleTokensError:
            # The tokens were replaced outside the lock (a new authorization): they win.
            return await self._load()
        except AuthorizationRequiredError:
            self._cached = None
            raise
        self._cached = fresh
        if refused is not None:
            raise refused
        return fresh

    async def _renew_in(
        self, slot: TokenSlot, seen: TokenSet, why: str
    ) -> tuple[TokenSet, GrantRefusedError | None]:
        """Inside the lock: the tokens another worker renewed meanwhile, else Front's new set,
        written before use; if Front refuses the refresh token, the stored set marked refused
        and Front's error."""
        stored = slot.current
        if stored is None:
            raise self._never_authorized()
        if stored.access_token != seen.access_token and not self._expired(stored):
            return stored, None  # another worker refreshed while we waited for the lock
        if stored.refused_at is not None:
            raise self._dead(stored)  # another worker found the grant dead meanwhile
        try:
            fresh = await self._renew(stored, why)
        except GrantRefusedError as refused:
            marked = replace(stored, refused_at=self._clock())
            await slot.write(marked)  # compare-and-swap: a new authorization meanwhile wins
            return marked, refused
        await slot.write(fresh)  # the rotated refresh token, stored before use
        return fresh, None

    def _dead(self, tokens: TokenSet) -> GrantRefusedError:
        return GrantRefusedError(
            f"Front refused the refresh token of owner {self.owner_id!r} (invalid_grant) "
            f"{self._clock() - (tokens.refused_at or 0.0):.0f} s ago, so the connection "
            "cannot renew its access token: the grant was revoked, or a worker stopped after "
            "Front rotated the refresh token and before the new one was stored. Re-authorize "
            f"the Front connection for owner {self.owner_id!r}."
        )

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
