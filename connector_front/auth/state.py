"""One-time OAuth ``state`` values that bind an authorization callback to its owner, and keep
until then, server side, what the callback needs: the PKCE verifier, the operations waiting
for the customer's consent, and (as a hash) the browser binding of a page-started
authorization."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from connector_front.errors import OAuthStateError
from connector_front.store import Database

DEFAULT_STATE_TTL = 600.0
_KEEP_USED_FOR = 86400.0


@dataclass(frozen=True)
class PendingAuthorization:
    """What a state was issued for, handed back once, when the callback consumes it."""

    owner_id: str
    code_verifier: str | None = field(default=None, repr=False)
    """The PKCE verifier the code is exchanged with (None: the authorization sent none)."""
    operations: tuple[str, ...] | None = None
    """The operations the connection takes once the customer consented (None: it keeps its
    own)."""


@runtime_checkable
class StateStore(Protocol):
    """Issues and consumes one-time ``state`` values bound to an owner id (and, when given, to
    the browser that started the authorization)."""

    async def issue(
        self,
        owner_id: str,
        origin: str | None = None,
        *,
        code_verifier: str | None = None,
        operations: Sequence[str] | None = None,
        binding: str | None = None,
    ) -> str: ...

    async def consume(self, state: str, *, binding: str | None = None) -> PendingAuthorization:
        """Use ``state`` up; a state issued with a ``binding`` needs the same one."""
        ...

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


_FOREIGN = (
    "The OAuth callback did not come from the browser that started this authorization (or "
    "that browser's cookies were cleared). Start the authorization again, in one browser."
)


def _expired(ttl: float) -> str:
    return (
        f"The OAuth callback's state has expired (authorizations must finish within "
        f"{ttl:g} s). Start the authorization again."
    )


def _refusal(used: bool, expired: bool, ttl: float) -> OAuthStateError:
    """Why a known state was not taken: used, expired, else bound to another browser."""
    if used:
        return OAuthStateError(_REUSED, reason="reused")
    if expired:
        return OAuthStateError(_expired(ttl), reason="expired")
    return OAuthStateError(_FOREIGN, reason="browser")


def _binding_digest(binding: str | None) -> str | None:
    return None if binding is None else _digest("binding:" + binding)


def _operations(text: str | None) -> tuple[str, ...] | None:
    return None if text is None else tuple(json.loads(text))


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

    async def issue(
        self,
        owner_id: str,
        origin: str | None = None,
        *,
        code_verifier: str | None = None,
        operations: Sequence[str] | None = None,
        binding: str | None = None,
    ) -> str:
        """A new one-time state for ``owner_id``; ``origin`` (not a secret) says what started
        the authorization, e.g. the connect page and the operations it offered. The PKCE
        ``code_verifier`` and the pending ``operations`` wait with it; of ``binding`` only a
        hash is kept."""
        state = _new_state()
        now = self._clock()
        await self._db.execute(
            "DELETE FROM oauth_states WHERE expires_at < ?", (now - _KEEP_USED_FOR,)
        )
        pending = None if operations is None else json.dumps(list(operations))
        await self._db.execute(
            "INSERT INTO oauth_states (state_hash, owner_id, expires_at, origin, code_verifier,"
            " operations, binding_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                _digest(state),
                owner_id,
                now + self._ttl,
                origin,
                code_verifier,
                pending,
                _binding_digest(binding),
            ),
        )
        return state

    async def origin(self, state: str) -> str | None:
        rows = await self._db.fetch(
            "SELECT origin FROM oauth_states WHERE state_hash = ?", (_digest(state),)
        )
        return str(rows[0][0]) if rows and rows[0][0] is not None else None

    async def consume(self, state: str, *, binding: str | None = None) -> PendingAuthorization:
        """Mark ``state`` used and return what it was issued for; raises
        :class:`OAuthStateError`.

        One conditional update takes it, so of two workers handed the same callback only one
        gets it; the other is told why from the row as it is then. A state bound to a browser
        is taken only with that binding (and is left unused without it)."""
        digest = _digest(state)
        now = self._clock()
        taken = await self._db.fetch(
            "UPDATE oauth_states SET used_at = ?"
            " WHERE state_hash = ? AND used_at IS NULL AND expires_at > ?"
            " AND (binding_hash IS NULL OR binding_hash = ?)"
            " RETURNING owner_id, code_verifier, operations",
            (now, digest, now, _binding_digest(binding) or ""),
        )
        if taken:
            owner_id, verifier, operations = taken[0]
            return PendingAuthorization(str(owner_id), verifier, _operations(operations))
        rows = await self._db.fetch(
            "SELECT used_at, expires_at FROM oauth_states WHERE state_hash = ?", (digest,)
        )
        if not rows:
            raise OAuthStateError(_UNKNOWN, reason="unknown")
        used_at, expires_at = rows[0]
        raise _refusal(used_at is not None, float(expires_at) <= now, self._ttl)

    def __repr__(self) -> str:
        return f"DatabaseStateStore({self._db!r}, ttl={self._ttl:g})"
"""The name of earlier releases (the store now runs on SQLite or PostgreSQL)."""


@dataclass
class _Issued:
    pending: PendingAuthorization
    expires_at: float
    origin: str | None
    binding: str | None
    used: bool = False


class MemoryStateStore:
    """In-process state store, for pure unit tests only."""

    def __init__(
        self, *, ttl: float = DEFAULT_STATE_TTL, clock: Callable[[], float] = time.time
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._states: dict[str, _Issued] = {}

    async def issue(
        self,
        owner_id: str,
        origin: str | None = None,
        *,
        code_verifier: str | None = None,
        operations: Sequence[str] | None = None,
        binding: str | None = None,
    ) -> str:
        state = _new_state()
        pending = PendingAuthorization(
            owner_id, code_verifier, None if operations is None else tuple(operations)
        )
        self._states[_digest(state)] = _Issued(
            pending, self._clock() + self._ttl, origin, _binding_digest(binding)
        )
        return state

    async def origin(self, state: str) -> str | None:
        issued = self._states.get(_digest(state))
        return None if issued is None else issued.origin

    async def consume(self, state: str, *, binding: str | None = None) -> PendingAuthorization:
        issued = self._states.get(_digest(state))
        if issued is None:
            raise OAuthStateError(_UNKNOWN, reason="unknown")
        expired = issued.expires_at <= self._clock()
        foreign = issued.binding is not None and issued.binding != _binding_digest(binding)
        if issued.used or expired or foreign:
            raise _refusal(issued.used, expired, self._ttl)
        issued.used = True
        return issued.pending
