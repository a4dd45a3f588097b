"""Pushing unified events to the host's URL, signed per the Standard Webhooks convention.

Headers ``webhook-id`` (stable across retries), ``webhook-timestamp`` and ``webhook-signature``
come from the ``standardwebhooks`` library. An event is retried with growing waits until the
URL takes it (any 2xx): nothing is dropped; failures are logged with the URL's answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
from standardwebhooks.webhooks import Webhook

from connector_front import observe
from connector_front.events.log import EventLog
from connector_front.observe.signals import EventPushed

logger = logging.getLogger("connector_front.events")

PUSH_BATCH = 20
"""Outbox entries taken at once; they are pushed one after the other."""

RETRY_SCHEDULE = (5.0, 30.0, 120.0, 600.0, 1800.0, 3600.0)
"""Seconds before each further attempt; the last one repeats for as long as it takes."""


def message_id(seq: int) -> str:
    """The ``webhook-id`` of the event at log position ``seq``: the receiver's dedup key."""
    return f"msg_{seq}"


def signed_headers(secret: str, seq: int, body: str, now: float) -> dict[str, str]:
    """Standard Webhooks headers for one delivery of ``body``."""
    msg_id = message_id(seq)
    when = datetime.fromtimestamp(int(now), tz=UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now)),
        "webhook-signature": Webhook(secret).sign(msg_id, when, body),
        "content-type": "application/json",
    }


class EventPusher:
    """Delivers the log's outbox to ``url``, oldest first."""

    def __init__(
        self,
        log: EventLog,
        url: str,
        secret: str,
        *,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
        timeout: float = 10.0,
    ) -> None:
        Webhook(secret)  # refuse an unusable secret now, not at the first delivery
        self._log = log
        self._url = url
        self._secret = secret
        self._http = http or httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        self._clock = clock
        self._lease = PUSH_BATCH * timeout + 60.0
        """Long enough to push a whole batch: meanwhile no other worker pushes its entries."""
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self) -> int:
        """Take a batch of due events and attempt each once; answers how many were delivered.

        Taken entries are this worker's until pushed (or until the lease ends, if it dies), so
        several workers sharing one database never push the same event at once.
        """
        delivered = 0
        for seq, attempts, body in await self._log.due(PUSH_BATCH, lease=self._lease):
            error = await self._send(seq, body)
            observe.emit(EventPushed(delivered=error is None))
            if error is None:
                await self._log.delivered(seq)
                delivered += 1
                continue
            wait = RETRY_SCHEDULE[min(attempts, len(RETRY_SCHEDULE) - 1)]
            logger.warning(
                "pushing event %s to %s failed (%s, attempt %d); retrying in %g s",
                message_id(seq),
                self._url,
                error,
                attempts + 1,
                wait,
            )
            await self._log.retry_later(seq, error, after=wait)
        return delivered

    async def run_forever(self, idle: float = 1.0) -> None:
        while True:
            try:
                if await self.run_once() >= PUSH_BATCH:
                    continue  # more may be due: no pause between full batches
            except Exception:
                logger.exception("pushing events failed; trying again shortly")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=idle)

    async def _send(self, seq: int, body: str) -> str | None:
        headers = signed_headers(self._secret, seq, body, self._clock())
        try:
            answer = await self._http.post(self._url, content=body.encode(), headers=headers)
        except httpx.HTTPError as exc:
            return type(exc).__name__
        if 200 <= answer.status_code < 300:
            return None
        return f"answered {answer.status_code}"

    async def aclose(self) -> None:
        await self._http.aclose()
