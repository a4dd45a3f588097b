"""Lanes: which kind of work a request to Front does, so a customer's call never waits behind
background work in the company's one budget.

``interactive`` (a host's resource call, the proxy, the connect flow's probe) is the default;
webhook processing runs in ``events``, event sync in ``sync``, and the full listings sync starts
in ``backfill``. Work says its lane for a block (``with lane("events"): ...``); tasks started
inside the block inherit it (a context variable). A request to Front runs in the lane of its
block, ``interactive`` outside any; code that is not inside a block or a request runs in none.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal, get_args

Lane = Literal["interactive", "events", "sync", "backfill"]
LANES: tuple[Lane, ...] = get_args(Lane)
BACKGROUND: frozenset[Lane] = frozenset({"events", "sync", "backfill"})
"""Lanes that keep the reserve and yield to interactive requests."""

_current: ContextVar[Lane | None] = ContextVar("connector_front_lane", default=None)


def current_lane() -> Lane:
    """The lane a request to Front sent now runs in (``interactive`` unless a block said
    otherwise)."""
    return _current.get() or "interactive"


def declared_lane() -> Lane | None:
    """The lane of the block running now; None outside any (what a log line names)."""
    return _current.get()


@contextmanager
def lane(name: Lane) -> Iterator[None]:
    """Requests sent inside the block (and by tasks it starts) belong to lane ``name``."""
    if name not in LANES:
        raise ValueError(f"unknown lane {name!r}; lanes: {', '.join(LANES)}")
    token = _current.set(name)
    try:
        yield
    finally:
        _current.reset(token)
