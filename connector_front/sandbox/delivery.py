"""Sending webhooks off the request path: a queue, one worker thread, retries, a journal.

Route handlers only `submit` (cheap, under the state lock); the worker POSTs
each delivery with a timeout, retries the ones allowed to be retried after a
doubling backoff, and records every attempt. `drain` lets tests wait for an
empty queue without sleeping; `close` stops the worker.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

# body -> the headers of one attempt (signature, timestamp); keeps the secret out of reprs
Signer = Callable[[bytes], dict[str, str]]


@dataclass
class DeliveryRecord:
    """One delivery in the journal: what was sent where, and how it went (no secrets)."""

    id: str
    kind: str  # application | rule | validation
    type: str  # webhook type (application), event type (rule), "sync" (validation)
    url: str
    event_id: str | None = None
    rule: str | None = None
    attempts: int = 0
    status: str = "pending"  # pending | delivered | failed | cancelled
    outcomes: list[str] = field(default_factory=list)  # "200", "500", "timeout", ...

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "type": self.type,
            "event_id": self.event_id,
            "rule": self.rule,
            "url": self.url,
            "attempts": self.attempts,
            "status": self.status,
            "outcomes": list(self.outcomes),
        }


@dataclass
class Delivery:
    """A queued POST: body, per-attempt headers, how many tries it may take."""

    record: DeliveryRecord
    body: bytes
    sign: Signer = field(repr=False)
    max_attempts: int


def failure(exc: httpx.HTTPError) -> str:
    """Why a POST got no answer, as the journal says it."""
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    return f"connection error ({type(exc).__name__})"


def post_once(client: httpx.Client, url: str, body: bytes, headers: dict[str, str]) -> str:
    """One POST; answers the status code as text, or why there was none."""
    try:
        answer = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return failure(exc)
    return str(answer.status_code)


def succeeded(outcome: str) -> bool:
    return outcome.isascii() and outcome.isdigit() and 200 <= int(outcome) < 300


class Dispatcher:
    """The webhook queue of one sandbox and the worker thread that empties it."""

    def __init__(self, backoff: float = 1.0, timeout: float = 5.0) -> None:
        self.backoff = backoff
        self.timeout = timeout
        self.records: list[DeliveryRecord] = []
        self._cond = threading.Condition()
        self._queue: list[tuple[float, int, Delivery]] = []  # (due, order, delivery)
        self._order = itertools.count()
        self._busy = 0
        self._thread: threading.Thread | None = None
        self._closing = False
        self._ids = itertools.count(1)

    def new_record(self, kind: str, type_: str, url: str, **extra: Any) -> DeliveryRecord:
        with self._cond:
            record = DeliveryRecord(f"whd_{next(self._ids)}", kind, type_, url, **extra)
            self.records.append(record)
            return record

    def settle(self, record: DeliveryRecord, outcome: str, ok: bool) -> None:
        """Journal a delivery made outside the queue (the one-shot validation handshake)."""
        with self._cond:
            record.attempts += 1
            record.outcomes.append(outcome)
            record.status = "delivered" if ok else "failed"

    def submit(self, delivery: Delivery) -> None:
        """Queue a delivery for now; starts the worker on first use."""
        with self._cond:
            heapq.heappush(self._queue, (time.monotonic(), next(self._order), delivery))
            if self._thread is None:
                self._closing = False
                self._thread = threading.Thread(
                    target=self._run, name="front-sandbox-webhooks", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    @property
    def running(self) -> bool:
        """Is the worker thread alive?"""
        with self._cond:
            return self._thread is not None and self._thread.is_alive()

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until nothing is queued or in flight; False if `timeout` passed first."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._queue and not self._busy, timeout)

    def journal(self) -> list[dict[str, Any]]:
        with self._cond:
            return [record.as_json() for record in self.records]

    def clear_journal(self) -> None:
        with self._cond:
            self.records = [r for r in self.records if r.status == "pending"]

    def cancel_pending(self) -> None:
        """Drop every queued delivery (a reset): they are journaled as cancelled."""
        with self._cond:
            for _, _, delivery in self._queue:
                delivery.record.status = "cancelled"
            self._queue.clear()
            self._cond.notify_all()

    def quiesce(self) -> None:
        """Cancel what is queued, wait for the delivery in flight, cancel its retry too."""
        self.cancel_pending()
        with self._cond:
            self._cond.wait_for(lambda: not self._busy, self.timeout + 1)
        self.cancel_pending()

    def close(self) -> None:
        """Stop the worker (queued deliveries are cancelled); `submit` starts a new one."""
        self.cancel_pending()
        with self._cond:
            thread, self._closing = self._thread, True
            self._cond.notify_all()
        if thread is not None:
            thread.join(timeout=self.timeout + 5)
        with self._cond:
            self._thread = None

    # worker ------------------------------------------------------------------

    def _next(self) -> Delivery | None:
        """The next due delivery, waiting for it; None once closing."""
        with self._cond:
            while not self._closing:
                if self._queue:
                    wait = self._queue[0][0] - time.monotonic()
                    if wait <= 0:
                        self._busy += 1
                        return heapq.heappop(self._queue)[2]
                    self._cond.wait(wait)
                else:
                    self._cond.wait()
            return None

    def _run(self) -> None:
        with httpx.Client(timeout=self.timeout, trust_env=False) as client:
            while (delivery := self._next()) is not None:
                record = delivery.record
                outcome = post_once(client, record.url, delivery.body, delivery.sign(delivery.body))
                with self._cond:
                    self._busy -= 1
                    record.attempts += 1
                    record.outcomes.append(outcome)
                    if succeeded(outcome):
                        record.status = "delivered"
                    elif record.attempts >= delivery.max_attempts or self._closing:
                        record.status = "failed"
                    else:
                        due = time.monotonic() + self.backoff * 2 ** (record.attempts - 1)
                        heapq.heappush(self._queue, (due, next(self._order), delivery))
                    self._cond.notify_all()
