"""One-time OAuth ``state`` values that bind an authorization callback to its owner."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from connector_front.errors import OAuthStateError
from connector_front.store import Database

DEFAULT_STATE_TTL = 600.0
_KEEP_USED_FOR = 86400.0


@runtime_checkable
class StateStore(Protocol):
    """Issues and consumes one-time ``state`` values bound to an owner id."""

    async def issue(self, owner_id: str, origin: str | None = None) -> str: ...

    async def consume(self, state: str) -> str: ...

    async def origin(self, state: str) -> str | None:
        """What started the authorization (``issue``'s ``origin``), used or not; None if
        unknown. It never consumes the state."""
        ...


def _new_state() -> str:
    """A one-time state: 256 random bits in hex, which a user can pass as ``--state STATE``
    (a URL-safe token starts with "-" 1 time in 64, and argparse then takes it for an option)."""
    return secrets.token_hex(32)


def _digest(state: str) -> str:
    # Only a hash is kept: a leaked database cannot be used to forge a callback.
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


_UNKNOWN = (
    "The OAuth callback's state is unknown: this authorization was not started here "
    "(or was started on another server). Start the authorization again."
)
_REUSED = (
    "The OAuth callback's state was already used: each authorization link works once. "
    "Start the authorization again."
)


def _expired(ttl: float) -> str:
    return (
        f"The OAuth callback's state has expired (authorizations must finish within "
        f"{ttl:g} s). Start the authorization again."
    )


class DatabaseStateStore:
    """The ``oauth_states`` table; a state can be consumed once, before it expires, by any
    worker on the database."""

    def __init__(
        self,
        database: Database,
        *,
        ttl: float = DEFAULT_STATE_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = database
        self._ttl = ttl
        self._clock = clock

    async def issue(self, owner_id: str, origin: str | None = None) -> str:
        """A new one-time state for ``owner_id``; ``origin`` (not a secret) says what started
        the authorization, e.g. the connect page and the operations it offered."""
        state = _new_state()
        now = self._clock()
        await self._db.execute(
            "DELETE FROM oauth_states WHERE expires_at < ?", (now - _KEEP_USED_FOR,)
        )
        await self._db.execute(
            "INSERT INTO oauth_states (state_hash, owner_id, expires_at, origin)"
            " VALUES (?, ?, ?, ?)",
            (_digest(state), owner_id, now + self._ttl, origin),
        )
        return state

    async def origin(self, state: str) -> str | None:
        rows = await self._db.fetch(
            "SELECT origin FROM oauth_states WHERE state_hash = ?", (_digest(state),)
        )
        return str(rows[0][0]) if rows and rows[0][0] is not None else None

    async def consume(self, state: str) -> str:
        """Mark ``state`` used and return its owner id; raises :class:`OAuthStateError`.

        One conditional update takes it, so of two workers handed the same callback only one
        gets the owner; the other is told why from the row as it is then."""
        digest = _digest(state)
        now = self._clock()
        taken = await self._db.fetch(
            "UPDATE oauth_states SET used_at = ?"
            " WHERE state_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING owner_id",
            (now, digest, now),
        )
        if taken:
            return str(taken[0][0])
        rows = await self._db.fetch(
            "SELECT used_at FROM oauth_states WHERE state_hash = ?", (digest,)
        )
        if not rows:
            raise OAuthStateError(_UNKNOWN, reason="unknown")
        if rows[0][0] is not None:
            raise OAuthStateError(_REUSED, reason="reused")
        raise OAuthStateError(_expired(self._ttl), reason="expired")

    def __repr__(self) -> str:
        return f"DatabaseStateStore({self._db!r}, ttl={self._ttl:g})"
"""The name of earlier releases (the store now runs on SQLite or PostgreSQL)."""


class MemoryStateStore:
    """In-process state store, for pure unit tests only."""

    def __init__(
        self, *, ttl: float = DEFAULT_STATE_TTL, clock: Callable[[], float] = time.time
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._states: dict[str, tuple[str, float, bool]] = {}
        self._origins: dict[str, str] = {}

    async def issue(self, owner_id: str, origin: str | None = None) -> str:
        state = _new_state()
        self._states[_digest(state)] = (owner_id, self._clock() + self._ttl, False)
        if origin is not None:
            self._origins[_digest(state)] = origin
        return state

    async def origin(self, state: str) -> str | None:
        return self._origins.get(_digest(state))

    async def consume(self, state: str) -> str:
        digest = _digest(state)
        entry = self._states.get(digest)
        if entry is None:
            raise OAuthStateError(_UNKNOWN, reason="unknown")
        owner_id, expires_at, used = entry
        if used:
            raise OAuthStateError(_REUSED, reason="reused")
        if expires_at <= self._clock():
            raise OAuthStateError(_expired(self._ttl), reason="expired")
        self._states[digest] = (owner_id, expires_at, True)
        return owner_id
