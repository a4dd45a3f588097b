"""Token sets in the shared database: versioned rows, encrypted values, one refresh at a time.

Every write bumps the row's ``version``; a refresh replaces the row only if the version it
read is still there (compare-and-swap), under a lock every worker process on the database
honours, so a rotated refresh token is never used twice.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from connector_front.auth.cipher import TokenCipher
from connector_front.auth.tokens import StaleTokensError, TokenSet, TokenSlot
from connector_front.store import Database, Executor

_SELECT = (
    "SELECT access_token, refresh_token, expires_at, token_type, scope, updated_at, refused_at,"
    " version FROM oauth_tokens WHERE owner_id = ?"
)


@dataclass(frozen=True)
class StoredTokens:
    """A token set and the version of the row it was read from."""

    tokens: TokenSet
    version: int


def refresh_lock(owner_id: str) -> str:
    """The cross-process lock an owner's refresh holds."""
    return f"refresh:{owner_id}"


class DatabaseTokenStore:
    """One row of tokens per owner in the connector's database (SQLite or PostgreSQL)."""

    def __init__(
        self,
        database: Database,
        *,
        cipher: TokenCipher | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = database
        self.cipher = cipher or TokenCipher()
        self._clock = clock

    async def get(self, owner_id: str) -> TokenSet | None:
        stored = await self.read(owner_id)
        return None if stored is None else stored.tokens

    async def read(self, owner_id: str, on: Executor | None = None) -> StoredTokens | None:
        """The owner's tokens and their row version (``on`` a transaction, if given)."""
        rows = await (on or self._db).fetch(_SELECT, (owner_id,))
        if not rows:
            return None
        access, refresh, expires_at, token_type, scope, stored_at, refused_at, version = rows[0]
        tokens = TokenSet(
            access_token=self.cipher.open(access, owner_id=owner_id) or "",
            refresh_token=self.cipher.open(refresh, owner_id=owner_id),
            expires_at=expires_at,
            token_type=token_type,
            scope=scope,
            issued_at=stored_at,
            refused_at=refused_at,
        )
        return StoredTokens(tokens, int(version))

    def _values(self, tokens: TokenSet) -> tuple[Any, ...]:
        return (
            self.cipher.seal(tokens.access_token),
            self.cipher.seal(tokens.refresh_token),
            tokens.expires_at,
            tokens.token_type,
            tokens.scope,
            self._clock() if tokens.issued_at is None else tokens.issued_at,
            tokens.refused_at,
        )

    async def put(self, owner_id: str, tokens: TokenSet) -> None:
        """Store a new grant whatever was there (an authorization replaces any older one)."""
        await self._db.execute(
            "INSERT INTO oauth_tokens"
            " (owner_id, access_token, refresh_token, expires_at, token_type, scope, updated_at,"
            " refused_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)"
            " ON CONFLICT (owner_id) DO UPDATE SET access_token = excluded.access_token,"
            " refresh_token = excluded.refresh_token, expires_at = excluded.expires_at,"
            " token_type = excluded.token_type, scope = excluded.scope,"
            " updated_at = excluded.updated_at, refused_at = excluded.refused_at,"
            " version = oauth_tokens.version + 1",
            (owner_id, *self._values(tokens)),
        )

    async def replace(
        self, owner_id: str, tokens: TokenSet, *, version: int, on: Executor | None = None
    ) -> int:
        """Write ``tokens`` over the row read at ``version``; its new version. Raises
        :class:`StaleTokensError` when the row changed (or went) since."""
        changed = await (on or self._db).execute(
            "UPDATE oauth_tokens SET access_token = ?, refresh_token = ?, expires_at = ?,"
            " token_type = ?, scope = ?, updated_at = ?, refused_at = ?, version = version + 1"
            " WHERE owner_id = ? AND version = ?",
            (*self._values(tokens), owner_id, version),
        )
        if changed != 1:
            raise StaleTokensError(
                f"the tokens of owner {owner_id!r} changed since version {version} was read"
            )
        return version + 1

    async def delete(self, owner_id: str) -> None:
        await self._db.execute("DELETE FROM oauth_tokens WHERE owner_id = ?", (owner_id,))

    async def owners(self) -> list[str]:
        """Every owner with stored tokens."""
        rows = await self._db.fetch("SELECT owner_id FROM oauth_tokens ORDER BY owner_id")
        return [str(owner) for (owner,) in rows]

    @asynccontextmanager
    async def refreshing(self, owner_id: str) -> AsyncIterator[TokenSlot]:
        """Hold the owner's refresh lock in every process on this database; the tokens are
        re-read inside it and a write through the slot commits when it closes."""
        async with self._db.locked(refresh_lock(owner_id)) as tx:
            yield _Slot(self, owner_id, tx, await self.read(owner_id, tx))

    async def reseal(self, owner_id: str) -> bool:
        """Rewrite the owner's tokens under the current first key (False: none stored)."""
        async with self.refreshing(owner_id) as slot:
            if slot.current is None:
                return False
            await slot.write(slot.current)
            return True

    def __repr__(self) -> str:
        return f"DatabaseTokenStore({self._db!r}, {self.cipher!r})"


class _Slot:
    """A :class:`TokenSlot` writing through the transaction that holds the lock (on SQLite
    another connection's write would wait for this very transaction)."""

    def __init__(
        self, store: DatabaseTokenStore, owner_id: str, tx: Executor, stored: StoredTokens | None
    ) -> None:
        self._store, self._owner_id, self._tx = store, owner_id, tx
        self._version = None if stored is None else stored.version
        self.current = None if stored is None else stored.tokens

    async def write(self, tokens: TokenSet) -> None:
        if self._version is None:
            raise StaleTokensError(f"owner {self._owner_id!r} has no stored tokens to replace")
        self._version = await self._store.replace(
            self._owner_id, tokens, version=self._version, on=self._tx
        )
        self.current = tokens
