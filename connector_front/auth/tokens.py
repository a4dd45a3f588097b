"""OAuth token sets and where they are kept, one set per connection owner."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable

from connector_front.util.parsing import finite

_T = TypeVar("_T")


@dataclass(frozen=True)
class TokenSet:
    """What Front's token endpoint granted; repr and str never show the token values."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None
    token_type: str = "Bearer"  # noqa: S105 (a type name)
    scope: str | None = None
    issued_at: float | None = field(default=None, compare=False)
    """When Front issued it (seconds since the epoch), so its lifetime is known."""
    refused_at: float | None = None
    """When Front refused its refresh token (``invalid_grant``): from then on the grant is
    dead, and no refresh is tried until a new authorization replaces the set."""

    @classmethod
    def from_response(
        cls,
        body: Mapping[str, Any],
        *,
        now: float | None = None,
        refresh_token: str | None = None,
    ) -> TokenSet:
        """Build from a token-endpoint JSON body; ``refresh_token`` is kept if none is sent."""
        access = body.get("access_token")
        if not isinstance(access, str) or not access:
            raise ValueError("the token response has no access_token")
        refresh = body.get("refresh_token")
        if not isinstance(refresh, str) or not refresh:
            refresh = refresh_token
        issued_at = time.time() if now is None else now
        expires_at: float | None = None
        if body.get("expires_at") is not None:
            expires_at = finite(float(body["expires_at"]))  # nan / inf: not known
            if expires_at is not None and expires_at > 1e12:  # milliseconds
                expires_at /= 1000.0
        elif body.get("expires_in") is not None:
            lifetime = finite(float(body["expires_in"]))
            expires_at = None if lifetime is None else issued_at + lifetime
        scope = body.get("scope")
        return cls(
            access_token=access,
            refresh_token=refresh,
            expires_at=expires_at,
            token_type=str(body.get("token_type") or "Bearer"),
            scope=scope if isinstance(scope, str) else None,
            issued_at=issued_at,
        )

    def expires_within(self, seconds: float, *, now: float | None = None) -> bool:
        """True when the access token expires in less than ``seconds`` (never, if no expiry)."""
        if self.expires_at is None:
            return False
        return self.expires_at - (time.time() if now is None else now) < seconds

    @property
    def lifetime(self) -> float | None:
        """Seconds between issue and expiry, when both are known."""
        if self.expires_at is None or self.issued_at is None:
            return None
        return max(0.0, self.expires_at - self.issued_at)

    def __str__(self) -> str:
        return repr(self)


class StaleTokensError(Exception):
    """The stored tokens changed since they were read: a compare-and-swap write was refused."""


class TokenSlot(Protocol):
    """One owner's tokens, read under that owner's refresh lock (held until the slot closes)."""

    current: TokenSet | None
    """The tokens stored when the lock was taken (None: the owner has none)."""

    async def write(self, tokens: TokenSet) -> None:
        """Replace ``current`` if nobody changed it meanwhile (else :class:`StaleTokensError`);
        committed when the slot closes."""
        ...


@runtime_checkable
class TokenStore(Protocol):
    """Keeps one :class:`TokenSet` per owner id."""

    async def get(self, owner_id: str) -> TokenSet | None: ...

    async def put(self, owner_id: str, tokens: TokenSet) -> None: ...

    async def delete(self, owner_id: str) -> None: ...

    def refreshing(self, owner_id: str) -> AbstractAsyncContextManager[TokenSlot]:
        """The owner's refresh lock (across processes, where the store is shared) and slot."""
        ...


class _MemorySlot:
    def __init__(self, store: MemoryTokenStore, owner_id: str) -> None:
        self._store, self._owner_id = store, owner_id
        self.current = store._data.get(owner_id)

    async def write(self, tokens: TokenSet) -> None:
        if self._store._data.get(self._owner_id) is not self.current:
            raise StaleTokensError(f"the tokens of owner {self._owner_id!r} changed meanwhile")
        self._store._data[self._owner_id] = self.current = tokens


class MemoryTokenStore:
    """In-process dict store, for pure unit tests only (nothing survives a restart)."""

    def __init__(self) -> None:
        self._data: dict[str, TokenSet] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, owner_id: str) -> TokenSet | None:
        return self._data.get(owner_id)

    async def put(self, owner_id: str, tokens: TokenSet) -> None:
        self._data[owner_id] = tokens

    async def delete(self, owner_id: str) -> None:
        self._data.pop(owner_id, None)

    @asynccontextmanager
    async def refreshing(self, owner_id: str) -> AsyncIterator[TokenSlot]:
        async with self._locks.setdefault(owner_id, asyncio.Lock()):
            yield _MemorySlot(self, owner_id)

    def __repr__(self) -> str:
        return f"MemoryTokenStore(owners={len(self._data)})"
