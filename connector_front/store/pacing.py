"""Rate-limit budgets shared by everything that spends them: one per Front company.

Front counts requests per company, so every connection of a company, in every worker
process, must draw on one budget. A :class:`PacingState` holds those budgets and changes one
atomically: in this process (:class:`MemoryPacingState`, the default) or in the shared
database (:class:`DatabasePacingState`, one short locked transaction per change). The pacing
rules themselves live with the transport (``connector_front.transport.pacing``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple, dataclass
from typing import Protocol, TypeVar

from connector_front.store.database import Database

T = TypeVar("T")


@dataclass
class Budget:
    """What is known of one company's rate-limit window (None: not known yet)."""

    limit: int | None = None
    """Requests allowed per window (``x-ratelimit-limit``)."""
    remaining: int | None = None
    """Requests left in the window ending at ``reset_at`` (or in the next one, once that
    window has ended and its end is not known yet)."""
    spent: int = 0
    """Requests let out since the window began (counted before its limit is known)."""
    reset_at: float | None = None
    """Epoch seconds when the window ends (``x-ratelimit-reset``); None once it has passed."""
    stale_before: float | None = None
    """End of the last window that has passed: answers about it are late and ignored."""
    paused_until: float = 0.0
    """No request goes out before this (a 429's ``retry-after`` after interactive work)."""
    background_paused_until: float = 0.0
    """No background request goes out before this (a 429's ``retry-after`` after background
    work: background lanes pause first)."""
    interactive_waiting_until: float = 0.0
    """An interactive request waits for budget until about then: background lanes yield."""


class PacingState(Protocol):
    """Budgets by key (a Front company), each changed atomically."""

    def local(self, key: str) -> Budget | None:
        """The live budget when it lives in this process (changed in place at once), else
        None: changes then go through :meth:`update`."""
        ...

    async def update(self, key: str, change: Callable[[Budget], T]) -> T:
        """Apply ``change`` (quick, no I/O) to the key's budget atomically; its result."""
        ...


class MemoryPacingState:
    """Budgets of this process: shared by the clients that are handed this object."""

    def __init__(self) -> None:
        self._budgets: dict[str, Budget] = {}

    def local(self, key: str) -> Budget:
        return self._budgets.setdefault(key, Budget())

    async def update(self, key: str, change: Callable[[Budget], T]) -> T:
        # No await between reading and writing: atomic on the event loop.
        return change(self.local(key))

    def forget(self, key: str) -> None:
        """Drop a budget nothing spends any more (an owner's own, once its client is gone)."""
        self._budgets.pop(key, None)

    def __len__(self) -> int:
        return len(self._budgets)

    def __repr__(self) -> str:
        return f"MemoryPacingState(keys={len(self._budgets)})"


_COLUMNS = (
    "request_limit, remaining, spent, reset_at, stale_before, paused_until,"
    " background_paused_until, interactive_waiting_until"
)
"""The table's columns in :class:`Budget`'s field order."""
_SELECT = f"SELECT {_COLUMNS} FROM pacing_budgets WHERE budget_key = ?"  # noqa: S608
_UPSERT = (
    f"INSERT INTO pacing_budgets (budget_key, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"  # noqa: S608
    " ON CONFLICT (budget_key) DO UPDATE SET request_limit = excluded.request_limit,"
    " remaining = excluded.remaining, spent = excluded.spent, reset_at = excluded.reset_at,"
    " stale_before = excluded.stale_before, paused_until = excluded.paused_until,"
    " background_paused_until = excluded.background_paused_until,"
    " interactive_waiting_until = excluded.interactive_waiting_until"
)


class DatabasePacingState:
    """Budgets in the ``pacing_budgets`` table, shared by every worker on the database.

    Each change is one transaction holding the key's lock (PostgreSQL: an advisory lock;
    SQLite: the file's write lock): a read and a write of one small row.
    """

    def __init__(self, database: Database) -> None:
        self._db = database

    def local(self, key: str) -> None:
        return None

    async def update(self, key: str, change: Callable[[Budget], T]) -> T:
        async with self._db.locked(f"connector-front:pacing:{key}") as tx:
            rows = await tx.fetch(_SELECT, (key,))
            budget = Budget(*rows[0]) if rows else Budget()
            before = astuple(budget)
            result = change(budget)
            if astuple(budget) != before:
                await tx.execute(_UPSERT, (key, *astuple(budget)))
        return result

    def __repr__(self) -> str:
        return f"DatabasePacingState({self._db!r})"
