"""What the code running now works for: the host request, the owner, the model and operation.

Context variables, so concurrent requests each see their own and tasks inherit them; log
lines, metrics and spans read them. Nothing here is a metric label by itself: an owner id or
a request id is for logs and traces only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

NONE = "none"
"""The model or operation of work that is neither (a host route of its own, a token refresh)."""


@dataclass(frozen=True, slots=True)
class Work:
    """The unified model and operation Front requests are made for (bounded label values)."""

    model: str = NONE
    operation: str = NONE

    @classmethod
    def of(cls, operation_id: str) -> Work:
        """``genericContact::list`` as (genericContact, list); a name without ``::`` is an
        operation of no model."""
        model, sep, operation = operation_id.partition("::")
        return cls(model, operation) if sep else cls(NONE, operation_id)


_request_id: ContextVar[str | None] = ContextVar("connector_front_request_id", default=None)
_owner: ContextVar[str | None] = ContextVar("connector_front_owner", default=None)
NO_WORK = Work()
_work: ContextVar[Work] = ContextVar("connector_front_work", default=NO_WORK)


def request_id() -> str | None:
    """The id of the host request being answered (None outside one)."""
    return _request_id.get()


def owner() -> str | None:
    """The owner whose connection the current work acts for (None: no owner)."""
    return _owner.get()


def work() -> Work:
    """The model and operation of the current work."""
    return _work.get()


@contextmanager
def serving(request: str) -> Iterator[None]:
    """The block answers host request ``request`` (its id)."""
    token = _request_id.set(request)
    try:
        yield
    finally:
        _request_id.reset(token)


@contextmanager
def working(current: Work, owner_id: str | None = None) -> Iterator[None]:
    """The block works on ``current`` (for ``owner_id``, when given; else the owner stays)."""
    token = _work.set(current)
    owned = None if owner_id is None else _owner.set(owner_id)
    try:
        yield
    finally:
        _work.reset(token)
        if owned is not None:
            _owner.reset(owned)
