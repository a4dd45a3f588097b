"""What the connector tells whoever watches it: one small record per thing that happened.

The connector emits these wherever the work is done; the host's metrics
(``connector_front.ops.metrics``) listen. Without a listener an emit costs a loop over an
empty list. A listener that fails never fails the work: its error is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from connector_front.observe.context import Work

logger = logging.getLogger("connector_front.observe")


@dataclass(frozen=True, slots=True)
class FrontAnswered:
    """One HTTP exchange with Front (each retry, each request sent again after a refresh
    counts: each spends the budget)."""

    work: Work
    lane: str
    budget: str
    """The pacing budget's key: ``company:<id>``, ``owner:<id>``, ``api-token``..."""
    status: int | None
    """Front's status code; None when no answer came (a transport failure)."""


@dataclass(frozen=True, slots=True)
class FrontRetried:
    """A request to Front is tried again (after a 429, a 5xx or a dropped connection)."""

    lane: str


@dataclass(frozen=True, slots=True)
class BudgetWaited:
    """A request's wait for its turn in the company's budget (0 when it went at once)."""

    lane: str
    seconds: float


@dataclass(frozen=True, slots=True)
class BudgetSeen:
    """A Front answer's view of its company's rate-limit window."""

    budget: str
    limit: int
    remaining: int


RefreshOutcome = Literal["ok", "failed", "refused"]


@dataclass(frozen=True, slots=True)
class TokenRefreshed:
    """A token refresh: ``refused`` when Front refused the refresh token (re-authorize),
    ``failed`` when it could not be done now (network, Front's 5xx)."""

    outcome: RefreshOutcome


@dataclass(frozen=True, slots=True)
class WebhookReceived:
    """A webhook delivery at the intake: ``stored``, ``refused`` (``reason``: the refusal's
    code) or a validation ``challenge`` answered."""

    kind: str
    outcome: Literal["stored", "refused", "challenge"]
    reason: str = ""


SettledOutcome = Literal["processed", "unrouted", "failed", "retried", "deferred"]


@dataclass(frozen=True, slots=True)
class DeliveriesSettled:
    """Processing settled ``count`` deliveries one way."""

    outcome: SettledOutcome
    count: int


@dataclass(frozen=True, slots=True)
class EventLogged:
    """A unified event new to the log; ``lag``: seconds from Front's event time to now."""

    model: str
    trigger: str
    source: str
    lag: float


@dataclass(frozen=True, slots=True)
class EventPushed:
    """One attempt to push an event to the host's URL."""

    delivered: bool


@dataclass(frozen=True, slots=True)
class SyncRan:
    """One model's part of one owner's sync pass: ``clean``, ``failed`` or ``skipped``
    (another worker ran it)."""

    model: str
    outcome: Literal["clean", "failed", "skipped"]
    seconds: float
    finished_at: float


@dataclass(frozen=True, slots=True)
class HostAnswered:
    """The host answered a request on ``route`` (the route's template, never the path)."""

    method: str
    route: str
    status: int
    seconds: float


Signal = (
    FrontAnswered
    | FrontRetried
    | BudgetWaited
    | BudgetSeen
    | TokenRefreshed
    | WebhookReceived
    | DeliveriesSettled
    | EventLogged
    | EventPushed
    | SyncRan
    | HostAnswered
)
Listener = Callable[[Signal], None]

_listeners: list[Listener] = []


def listen(listener: Listener) -> Callable[[], None]:
    """Hear every signal from now on; answers the function that stops it."""
    _listeners.append(listener)

    def stop() -> None:
        if listener in _listeners:
            _listeners.remove(listener)

    return stop


def listening() -> bool:
    """Whether anyone listens (callers skip work done only for a signal)."""
    return bool(_listeners)


def emit(signal: Signal) -> None:
    """Tell every listener; a listener's error is logged, never raised."""
    for listener in _listeners:
        try:
            listener(signal)
        except Exception:
            logger.exception("a listener failed on %s", type(signal).__name__)
